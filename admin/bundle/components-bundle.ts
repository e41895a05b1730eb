import type AdminJS from 'adminjs';
import { componentsBundler, generateUserComponentEntry, NODE_ENV } from 'adminjs/bundler';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where bundles are written: `npm run admin:bundle` fills it ahead of time for production. */
export const BUNDLE_DIR = fileURLToPath(new URL('./out', import.meta.url));
const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.js', '.jsx', '.mjs', '.json', '.css']);

export interface ComponentsBundle {
  file: string;
  /** True when the bundle was already on disk (built ahead of time or by an earlier start). */
  reused: boolean;
  buildMs: number;
}

async function listSources(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'out' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await listSources(path, out);
    else if (SOURCE_EXTENSIONS.has(extname(entry.name))) out.push(path);
  }
}

/**
 * A fingerprint of everything that goes into the components bundle: the generated entry, the
 * bundling mode, the adminjs version, and every source file in the folders that hold a
 * registered component (so a change to a helper a component imports is seen too).
 */
export async function bundleFingerprint(admin: AdminJS, entry: string): Promise<string> {
  const components = Object.values(admin.componentLoader.getComponents());
  const dirs = [...new Set(components.map((file) => dirname(resolve(file))))].sort();
  const roots = dirs.filter((d) => !dirs.some((other) => other !== d && d.startsWith(`${other}/`)));
  const files: string[] = [];
  for (const root of roots) if (existsSync(root)) await listSources(root, files);
  const hash = createHash('sha256').update(`${NODE_ENV}\n${(admin.constructor as { VERSION?: string }).VERSION}\n${entry}\n`);
  for (const file of files.sort()) hash.update(`${relative(process.cwd(), file)}\n`).update(await readFile(file));
  return hash.digest('hex').slice(0, 20);
}

let building: Promise<unknown> = Promise.resolve();

/**
 * Returns the components bundle for this admin, building it only when no bundle with the same
 * fingerprint exists. Builds are serialised in the process (adminjs's bundler is a singleton)
 * and written atomically, so parallel processes (test workers) never read a half-written file.
 */
export async function ensureComponentsBundle(admin: AdminJS, dir = BUNDLE_DIR): Promise<ComponentsBundle> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const entry = generateUserComponentEntry(admin, dir);
  const fingerprint = await bundleFingerprint(admin, entry);
  const file = join(dir, `components.${NODE_ENV}.${fingerprint}.js`);
  if (existsSync(file) && (await stat(file)).size > 0) return { file, reused: true, buildMs: 0 };

  const run = building.then(async () => {
    if (existsSync(file)) return;
    const nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const entryFile = join(dir, `.entry-${nonce}.js`);
    const tmpFile = join(dir, `.bundle-${nonce}.js`);
    await writeFile(entryFile, entry);
    componentsBundler.inputOptions.input = entryFile;
    componentsBundler.outputOptions.file = tmpFile;
    try {
      await componentsBundler.build();
      await rename(tmpFile, file);
    } finally {
      await rm(entryFile, { force: true });
      await rm(tmpFile, { force: true });
    }
  });
  building = run.catch(() => {});
  await run;
  return { file, reused: false, buildMs: Math.round(performance.now() - started) };
}

/**
 * Deletes this mode's bundles other than `keep` (older fingerprints pile up during development),
 * only those older than `olderThanMs`: another process may be serving a recent one.
 */
export async function pruneBundles(keep: string, { dir = BUNDLE_DIR, olderThanMs = 0 } = {}): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    // The other mode's bundle stays: production and development builds live side by side.
    if (!name.startsWith(`components.${NODE_ENV}.`) || path === keep) continue;
    const info = await stat(path).catch(() => null);
    if (!info || Date.now() - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}
