import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, KEY } from './helpers.js';

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
        AUDIT_CHECKPOINT_KEY: KEY,
        AUDIT_CHECKPOINT_EVERY: '10',
        DATA_DIR: dir,
      },
    });

  beforeAll(async () => {
    t = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const tenant = await factories(t.runtime.prisma, t.services).tenant();
    slug = tenant.slug;
    await appendEvents(t, tenant.id, 14, 'cli.event');
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

  it('audit:export writes the filtered trail and a manifest whose SHA-256 matches the file', async () => {
    const out = join(dir, 'trail.csv');
    const res = await cli('audit:export', '--tenant', slug, '--action', 'cli.event', '--format', 'csv', '--out', out);
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
    expect(manifest.filters).toMatchObject({ action: 'cli.event' });
    expect(file.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(15); // header + 14
    const event = await t.runtime.prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(manifest.auditEventId) } });
    expect(event).toMatchObject({ action: 'audit.export', actorType: 'SYSTEM', actorId: 'cli:audit:export' });
  }, 60_000);
});
