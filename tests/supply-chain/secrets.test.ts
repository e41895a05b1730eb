// The secrets scan (npm run scan:secrets): secretlint with the recommended preset and the
// project's .secretlintrc.json, over copies of real project files in temporary directories, with
// and without git. The fake keys are made at run time, so this file holds no secret-shaped text.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runGate, tempDir } from './helpers/run.js';

const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
/** A fake AWS access key pair with the real shapes (an AKIA id and a 40-character secret). */
function fakeAwsKey() {
  return {
    id: `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    secret: pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 38) + pick('/+', 1) + pick('abcdefghij', 1),
  };
}

const PROJECT_FILES = ['package.json', '.env.example', 'src/config.ts', 'docker-compose.yml', 'README.md'];

let count = 0;
function copyOfProject(): string {
  const dir = tempDir(`secrets-${(count += 1)}`);
  for (const file of PROJECT_FILES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  return dir;
}
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd });
const scan = (dir: string) => runGate('scan-secrets.ts', ['--cwd', dir]);

describe('scan:secrets', () => {
  it('passes copies of the project files, placeholders in .env.example included', async () => {
    const res = await scan(copyOfProject());
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('scan:secrets: pass - no secret found in every file under');
  });

  it('refuses a fake AWS key added to a source file, without printing the key', async () => {
    const dir = copyOfProject();
    const key = fakeAwsKey();
    writeFileSync(
      join(dir, 'src', 'storage.ts'),
      `export const s3 = { region: 'eu-west-1', accessKeyId: '${key.id}', secretAccessKey: '${key.secret}' };\n`,
    );
    const res = await scan(dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('src/storage.ts');
    expect(res.stdout).toContain('[AWSAccessKeyID] found AWS Access Key ID');
    expect(res.stdout).toContain('[AWSSecretAccessKey] found AWS Secret Access Key');
    expect(res.stderr).toContain('scan:secrets: FAIL');
    expect(res.output).not.toContain(key.id);
    expect(res.output).not.toContain(key.secret);
  });

  it('refuses a key ID on its own, in a dotfile', async () => {
    const dir = copyOfProject();
    writeFileSync(join(dir, '.env.production'), `AWS_ACCESS_KEY_ID=${fakeAwsKey().id}\n`);
    const res = await scan(dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('.env.production');
  });

  it('allows only the CHANGE_ME placeholder in a database URL, not a password', async () => {
    const dir = copyOfProject();
    writeFileSync(join(dir, 'deploy.env'), 'DATABASE_URL=postgresql://backoffice_app:CHANGE_ME@localhost:5432/backoffice\n');
    expect((await scan(dir)).code).toBe(0);
    writeFileSync(
      join(dir, 'deploy.env'),
      `DATABASE_URL=postgresql://backoffice_app:${pick('abcdefghjkmnpqrstuvwxyz23456789', 14)}@db.internal:5432/backoffice\n`,
    );
    const res = await scan(dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('[PostgreSQLConnection]');
  });

  it('in a git work tree scans what git would commit: untracked files yes, ignored files no, force-added ones yes', async () => {
    const dir = copyOfProject();
    writeFileSync(join(dir, '.gitignore'), '.env\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    writeFileSync(join(dir, '.env'), `AWS_ACCESS_KEY_ID=${fakeAwsKey().id}\n`);
    const ignored = await scan(dir);
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toMatch(/pass - no secret found in \d+ files git would commit/);

    writeFileSync(join(dir, 'notes.txt'), `key ${fakeAwsKey().id}\n`);
    const untracked = await scan(dir);
    expect(untracked.code).toBe(1);
    expect(untracked.stdout).toContain('notes.txt');
    expect(untracked.stdout).not.toMatch(/\/\.env$/m);

    git(dir, 'rm', '-q', '--cached', '--ignore-unmatch', 'notes.txt');
    execFileSync('rm', [join(dir, 'notes.txt')]);
    git(dir, 'add', '-f', '.env');
    const forced = await scan(dir);
    expect(forced.code).toBe(1);
    expect(forced.stdout).toMatch(/\/\.env$/m);
  });

  it("passes the project's own tree (what CI checks)", async () => {
    const res = await scan(ROOT);
    expect(res.code).toBe(0);
  });
});
