import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_SECRETS, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents } from './helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/** `npx backoffice audit:checkpoint` and `audit:export`, as real processes against a test database. */
describe('audit CLI commands', () => {
  let t: TestContext;
  let dir: string;
  let slug: string;
  const cli = (...args: string[]) =>
    run(process.execPath, [join(ROOT, 'bin/backoffice.js'), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: t.db.appUrl,
        DATABASE_OWNER_URL: t.db.ownerUrl,
        AUDIT_SIGNING_KEY: TEST_SECRETS.auditSigningKey,
        AUDIT_CHECKPOINT_EVERY: '10',
        DATA_DIR: dir,
      },
    });

  beforeAll(async () => {
    t = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const tenant = await factories(t.owner.prisma, t.services).tenant();
    slug = tenant.slug;
    await appendEvents(t, tenant.id, 14, 'recurring.materialise');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('audit:checkpoint signs the heads that moved, once', async () => {
    const first = await cli('audit:checkpoint');
    expect(first.stdout).toMatch(/signed tenant:[0-9a-f-]+ at seq 15/);
    expect(first.stdout).toContain('1 of 1 chain head(s) signed, 0 refused.');
    const second = await cli('audit:checkpoint');
    expect(second.stdout).toContain('0 of 1 chain head(s) signed, 0 refused.');
  }, 60_000);

  it('audit:export --format bundle, then audit:verify --bundle with no database and no secret', async () => {
    const out = join(dir, 'trail.bundle.ndjson');
    const res = await cli('audit:export', '--format', 'bundle', '--out', out);
    expect(res.stdout).toMatch(/^Exported 15 event\(s\)/);
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')) as { sha256: string; chains: unknown[] };
    expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'));
    expect(manifest.chains).toEqual([expect.objectContaining({ size: '15', headSeq: '15' })]);
    const keys = join(dir, 'audit-keys.json');
    writeFileSync(keys, (await cli('audit:keys')).stdout);

    // Offline: a database URL nobody answers and no key at all; it must not be needed.
    const offline = (...args: string[]) =>
      run(process.execPath, [join(ROOT, 'bin/backoffice.js'), ...args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          NODE_ENV: 'production',
          DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
          DATA_DIR: dir,
        },
      });
    const ok = await offline('audit:verify', '--bundle', out, '--keys', keys);
    expect(ok.stdout).toMatch(/^intact: 1 chain\(s\), 15 event\(s\), 2 checkpoint\(s\) verified/);
    expect(ok.stdout).toContain('keys: the trusted key set (--keys)');
    const tampered = join(dir, 'tampered.bundle.ndjson');
    writeFileSync(tampered, readFileSync(out, 'utf8').replace('"action":"recurring.materialise"', '"action":"cli.forged"'));
    const failed = await offline('audit:verify', '--bundle', tampered).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/^BROKEN: 1 of 1 chain\(s\) broken/);
    expect(failed?.stdout).toMatch(/seq=2 id=\d+ reason=edited/);
  }, 120_000);

  it('audit:prove --event prints an inclusion proof that audit:verify --proof checks offline', async () => {
    const event = await t.owner.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'recurring.materialise' },
      orderBy: { seq: 'asc' },
    });
    const proofFile = join(dir, 'proof.json');
    const res = await cli('audit:prove', '--event', event.id.toString(), '--out', proofFile);
    expect(res.stderr).toMatch(/^verified: event \d+ \(seq 2 of tenant:[0-9a-f-]+\) is in the tree of 15 events signed by key /m);
    const keys = join(dir, 'audit-keys.json');
    writeFileSync(keys, (await cli('audit:keys')).stdout);
    const checked = await cli('audit:verify', '--proof', proofFile, '--keys', keys);
    expect(checked.stdout).toMatch(/^verified: /);
    const missing = await cli('audit:prove', '--event', '999999999').then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(missing?.code).toBe(3);
    expect(missing?.stderr).toContain('there is no audit event 999999999');
  }, 120_000);

  it('audit:keygen prints a new key pair (no database needed)', async () => {
    const res = await run(process.execPath, [join(ROOT, 'bin/backoffice.js'), 'audit:keygen'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    const key = JSON.parse(res.stdout) as { privateKey: string; publicKey: string; keyId: string };
    expect(key.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }, 60_000);

  it('audit:export writes the filtered trail and a manifest whose SHA-256 matches the file', async () => {
    const out = join(dir, 'trail.csv');
    const res = await cli('audit:export', '--tenant', slug, '--action', 'recurring.materialise', '--format', 'csv', '--out', out);
    expect(res.stdout).toMatch(/^Exported 14 event\(s\)/);
    const file = readFileSync(out);
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')) as {
      rows: number;
      sha256: string;
      filters: Record<string, string>;
      auditEventId: string;
    };
    expect(manifest.rows).toBe(14);
    expect(manifest.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(manifest.filters).toMatchObject({ action: 'recurring.materialise' });
    expect(file.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(15); // header + 14
    const event = await t.owner.prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(manifest.auditEventId) } });
    expect(event).toMatchObject({ action: 'audit.export', actorType: 'SYSTEM', actorId: 'cli:audit:export' });
  }, 60_000);
});
