// The layer rules of issue 10 fail `npm run lint`: ESLint refuses database calls outside
// repositories (linted as text at a service's path: nothing is written to the tree), and
// dependency-cruiser and the folder-cycle check refuse upward imports and folder cycles in a
// throwaway copy of the layout (a temporary directory with its own src/).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROBE_SERVICE = 'src/modules/accounts/lint-probe.service.ts';
const PROBE_REPOSITORY = 'src/modules/accounts/lint-probe.repository.ts';

const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: [PROBE_SERVICE, PROBE_REPOSITORY] } } },
  },
});

const DATABASE_CODE = `import type { PrismaClient } from '@prisma/client';

export async function countAccounts(deps: { prisma: PrismaClient }): Promise<unknown> {
  await deps.prisma.$transaction(async () => null);
  return deps.prisma.$queryRawUnsafe('SELECT count(*) FROM "Account"');
}
`;

const restricted = async (filePath: string) => {
  const [result] = await eslint.lintText(DATABASE_CODE, { filePath: join(ROOT, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => [m.line, m.severity]);
};

describe('ESLint: the database only in repositories', () => {
  it('refuses $transaction, $queryRaw… and a prisma handle in a service file', async () => {
    expect(await restricted(PROBE_SERVICE)).toEqual(
      expect.arrayContaining([
        [4, 2],
        [5, 2],
      ]),
    );
  }, 180_000); // type-aware linting builds a TypeScript program first

  it('allows them in a repository', async () => {
    expect(await restricted(PROBE_REPOSITORY)).toEqual([]);
  }, 180_000);
});

/** A throwaway project: the given files under a temporary root, with the real tsconfig and node_modules. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  fixtures.push(dir);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: ['src'] }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

const run = (cwd: string, args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    execFile(process.execPath, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
const depcruise = (cwd: string) =>
  run(cwd, [
    join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
    'src',
    '--config',
    join(ROOT, '.dependency-cruiser.cjs'),
  ]);
const folderCycles = (cwd: string) => run(cwd, [join(ROOT, 'scripts/check-folder-cycles.mjs')]);

describe('dependency-cruiser and the folder-cycle check', () => {
  const clean = {
    'admin/index.ts': 'export const admin = 1;\n',
    'src/lib/money.ts': 'export const cents = (n: number): number => Math.round(n * 100);\n',
    'src/modules/things/thing.service.ts':
      "import { cents } from '../../lib/money.js';\nexport const price = (n: number) => cents(n);\n",
  };

  it('pass a layout that keeps the rules', async () => {
    const dir = fixture(clean);
    expect(await depcruise(dir)).toMatchObject({ code: 0 });
    expect(await folderCycles(dir)).toMatchObject({ code: 0 });
  }, 180_000);

  it('fail on an upward import (lib importing a module, a module importing an adapter)', async () => {
    const dir = fixture({
      ...clean,
      'src/lib/report.ts': "import { price } from '../modules/things/thing.service.js';\nexport const report = () => price(1);\n",
      'src/http/routes.ts': 'export const route = 1;\n',
      'src/modules/things/thing.handler.ts': "import { route } from '../../http/routes.js';\nexport const handler = route;\n",
    });
    const { code, output } = await depcruise(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('lib-is-the-bottom: src/lib/report.ts → src/modules/things/thing.service.ts');
    expect(output).toContain('modules-below-adapters: src/modules/things/thing.handler.ts → src/http/routes.ts');
  }, 180_000);

  it('fail on pg or Prisma imported by a service', async () => {
    const dir = fixture({
      ...clean,
      'src/modules/things/raw.service.ts': "import pg from 'pg';\nexport const pool = () => new pg.Pool();\n",
    });
    const { code, output } = await depcruise(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('prisma-only-in-repositories: src/modules/things/raw.service.ts');
  }, 180_000);

  it('fail on two folders importing each other (no file-level cycle)', async () => {
    const dir = fixture({
      ...clean,
      'src/modules/a/a1.ts': "import { b1 } from '../b/b1.js';\nexport const a1 = () => b1;\n",
      'src/modules/a/a2.ts': 'export const a2 = 2;\n',
      'src/modules/b/b1.ts': 'export const b1 = 1;\n',
      'src/modules/b/b2.ts': "import { a2 } from '../a/a2.js';\nexport const b2 = () => a2;\n",
    });
    expect(await depcruise(dir)).toMatchObject({ code: 0 }); // no file cycle: only the folder check sees it
    const { code, output } = await folderCycles(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('folder cycle: src/modules/a ⇄ src/modules/b');
  }, 180_000);
});
