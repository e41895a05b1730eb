// Commit checks: commitlint (conventional config, 72-character header) refuses a message that is
// not a Conventional Commit, and the husky hooks that `npm install` installs (the `prepare`
// script) run it at commit-msg, and lint-staged (secretlint, Prettier, ESLint) at pre-commit.
// The hooks are exercised for real, by `git commit` in a throwaway repository.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, tempDir, type RunResult } from './helpers/run.js';

const COMMITLINT = join(ROOT, 'node_modules', '.bin', 'commitlint');

function withInput(command: string, args: string[], input: string, cwd = ROOT): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` }));
    child.stdin.end(input);
  });
}
const lintMessage = (message: string) => withInput(COMMITLINT, [], message);

/** CI and HUSKY unset, as on a developer's machine (CI runs these tests with CI=true). */
const developerEnv = (): NodeJS.ProcessEnv => ({ CI: undefined, HUSKY: undefined });

describe('commitlint with the project configuration', () => {
  it('accepts Conventional Commits', async () => {
    for (const message of [
      'feat(audit): sign checkpoints with Ed25519',
      'fix: keep the cursor stable',
      'docs: explain releases\n\nWhy: the checklist.',
    ]) {
      const res = await lintMessage(message);
      expect(res.code, `${message}\n${res.output}`).toBe(0);
    }
  });

  it('refuses messages that are not', async () => {
    const cases: [string, string][] = [
      ['added some stuff', 'type-empty'],
      ['Feat: add a thing', 'type-case'],
      ['feature: add a thing', 'type-enum'],
      ['fix(api): stop the 500.', 'subject-full-stop'],
      [`feat(api): ${'a'.repeat(62)}`, 'header-max-length'],
    ];
    for (const [message, rule] of cases) {
      const res = await lintMessage(message);
      expect(res.code, message).toBe(1);
      expect(res.stdout, message).toContain(`[${rule}]`);
    }
  });

  it('is what the commit-msg hook runs, and `prepare` installs the hooks', () => {
    expect(readFileSync(join(ROOT, '.husky', 'commit-msg'), 'utf8').trim()).toBe('commitlint --edit "$1"');
    expect(readFileSync(join(ROOT, '.husky', 'pre-commit'), 'utf8').trim()).toBe('lint-staged --concurrent false');
    for (const hook of ['commit-msg', 'pre-commit']) expect(statSync(join(ROOT, '.husky', hook)).mode & 0o111).not.toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('node .husky/install.mjs');
  });
});

describe('the prepare script (.husky/install.mjs) never breaks an install', () => {
  const install = (cwd: string, env: NodeJS.ProcessEnv) =>
    run(process.execPath, [join(ROOT, '.husky', 'install.mjs')], { cwd, env });

  it('skips without .git (a tarball, a build context)', async () => {
    const dir = tempDir('no-git');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const res = await run(process.execPath, [join(ROOT, '.husky', 'install.mjs')], { cwd: dir, env: developerEnv() });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("git hooks not installed: .git can't be found");
  });

  it('skips in CI and with HUSKY=0, leaving git configuration alone', async () => {
    for (const env of [{ CI: 'true' }, { CI: '', HUSKY: '0' }]) {
      const dir = tempDir('ci-git');
      await run('git', ['init', '-q'], { cwd: dir });
      const res = await install(dir, { ...developerEnv(), ...env });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('git hooks not installed: CI=true or HUSKY=0');
      expect((await run('git', ['config', 'core.hooksPath'], { cwd: dir })).stdout.trim()).toBe('');
    }
  });

  it('skips when husky is not installed (npm ci --omit=dev)', async () => {
    const dir = tempDir('no-husky');
    await run('git', ['init', '-q'], { cwd: dir });
    mkdirSync(join(dir, '.husky'));
    copyFileSync(join(ROOT, '.husky', 'install.mjs'), join(dir, '.husky', 'install.mjs'));
    const res = await run(process.execPath, [join(dir, '.husky', 'install.mjs')], { cwd: dir, env: developerEnv() });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('husky is not installed');
  });
});

describe('the git hooks, in a throwaway repository', () => {
  const FILES = [
    'commitlint.config.mjs',
    'lint-staged.config.mjs',
    '.secretlintrc.json',
    '.secretlintignore',
    '.prettierrc.json',
    '.prettierignore',
    'eslint.config.js',
    '.husky/commit-msg',
    '.husky/pre-commit',
    '.husky/install.mjs',
  ];
  const dir = tempDir('hooks-repo');
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: dir, env: developerEnv() });
  const head = async () => (await git('rev-parse', '--verify', '-q', 'HEAD')).stdout.trim();
  const stage = async (file: string, content: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
    await git('add', file);
  };

  beforeAll(async () => {
    for (const file of FILES) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(dir, file));
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hooks-fixture', private: true, type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2023', module: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
        include: ['src'],
      }),
    );
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    await git('init', '-q');
    const installed = await run(process.execPath, ['.husky/install.mjs'], { cwd: dir, env: developerEnv() });
    expect(installed.stdout).toContain('git hooks installed');
    expect((await git('config', 'core.hooksPath')).stdout.trim()).toBe('.husky/_');
    await stage('notes.txt', 'first\n');
    await git('add', '.');
  });

  it('refuses a commit whose message is not conventional, and accepts one that is', async () => {
    const refused = await git('commit', '-m', 'added the first file');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('type may not be empty');
    expect(refused.output).toContain('husky - commit-msg script failed');
    expect(await head()).toBe('');

    const accepted = await git('commit', '-m', 'feat: add the first file');
    expect(accepted.code, accepted.output).toBe(0);
    expect((await git('log', '--format=%s')).stdout.trim()).toBe('feat: add the first file');
  });

  it('refuses a commit that adds a fake AWS key (pre-commit: secretlint)', async () => {
    const before = await head();
    const id = `AKIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[randomInt(32)]).join('')}`;
    await stage('src/keys.ts', `export const accessKeyId = '${id}';\n`);
    const res = await git('commit', '-m', 'feat: add storage keys');
    expect(res.code).not.toBe(0);
    expect(res.output).toContain('[AWSAccessKeyID]');
    expect(res.output).not.toContain(id);
    expect(await head()).toBe(before);
    await git('rm', '-q', '--cached', 'src/keys.ts');
  });

  it('refuses a commit with a security lint error (pre-commit: ESLint with eslint-plugin-security)', async () => {
    const before = await head();
    await stage('src/danger.ts', 'export function run(code: string): unknown {\n  return eval(code);\n}\n');
    const res = await git('commit', '-m', 'feat: run code');
    expect(res.code).not.toBe(0);
    expect(res.output).toContain('security/detect-eval-with-expression');
    expect(await head()).toBe(before);
    await git('rm', '-q', '--cached', 'src/danger.ts');
  });

  it('formats staged files with Prettier before they are committed', async () => {
    await stage('config/ugly.json', '{"a":1,   "b":[1,2]}');
    const res = await git('commit', '-m', 'style: add a badly formatted file');
    expect(res.code, res.output).toBe(0);
    expect((await git('show', 'HEAD:config/ugly.json')).stdout).toBe('{ "a": 1, "b": [1, 2] }\n');
  });
});
