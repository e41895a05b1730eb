/**
 * `npm run scan:secrets`: secretlint (recommended preset, configured in .secretlintrc.json) over
 * the tree. In a git work tree the tree is exactly what git would commit: tracked files plus
 * untracked ones that .gitignore does not exclude (so a developer's own .env or .data/ is not
 * scanned, and a file force-added despite .gitignore is). Outside git every file under the
 * directory is scanned, less .secretlintignore. Secrets are masked in the output.
 *
 *   npm run scan:secrets
 *   npm run scan:secrets -- --cwd DIR      scan another directory (tests)
 *
 * Exit codes: secretlint's own (0 clean, 1 secrets found, 2 error).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMain, PROJECT_ROOT } from './common.js';

const SECRETLINT = join(PROJECT_ROOT, 'node_modules', '.bin', 'secretlint');
/** Files per secretlint run, well under the kernel's argument-size limit. */
const BATCH = 400;

/** The files git would commit from `cwd`, or undefined when `cwd` is not the top of a git work tree. */
export function listCommittableFiles(cwd: string): string[] | undefined {
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
  if (top.status !== 0 || resolve(top.stdout.trim()) !== resolve(cwd)) return undefined;
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  // Skip tracked files deleted in the work tree, and symbolic links (secretlint reads the target).
  return listed.stdout
    .split('\0')
    .filter((file) => file.length > 0)
    .filter((file) => existsSync(join(cwd, file)) && lstatSync(join(cwd, file)).isFile());
}

function secretlint(cwd: string, inputs: string[], literalPaths: boolean): number {
  const args = [
    '--secretlintrc',
    join(PROJECT_ROOT, '.secretlintrc.json'),
    '--secretlintignore',
    join(PROJECT_ROOT, '.secretlintignore'),
    '--maskSecrets',
    ...(literalPaths ? ['--no-glob'] : []),
    ...inputs,
  ];
  const result = spawnSync(SECRETLINT, args, { cwd, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 2;
}

function main(): number {
  const { values } = parseArgs({ options: { cwd: { type: 'string', default: PROJECT_ROOT } } });
  const cwd = resolve(values.cwd);
  const files = listCommittableFiles(cwd);
  let status = 0;
  if (files === undefined) {
    status = secretlint(cwd, ['**/*'], false);
  } else {
    for (let i = 0; i < files.length; i += BATCH) status = Math.max(status, secretlint(cwd, files.slice(i, i + BATCH), true));
  }
  const scope = files === undefined ? `every file under ${cwd}` : `${files.length} files git would commit`;
  if (status === 0) console.log(`scan:secrets: pass - no secret found in ${scope}`);
  else
    console.error(
      `scan:secrets: FAIL - secretlint found secrets (or failed) in ${scope}; remove them and rotate any that were real`,
    );
  return status;
}

if (isMain(import.meta.url)) process.exitCode = main();
