import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tenant } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { bulkTransactions, createJobsTestContext, csvObjects, partFiles, sha256File, waitFor } from './helpers.js';

describe('npx backoffice export (SPEC §5)', () => {
  let t: TestContext & { exportDir: string };
  let tenant: Tenant;
  let out: string;

  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: t.db.appUrl,
          DATABASE_OWNER_URL: t.db.ownerUrl,
          EXPORT_DIR: t.exportDir,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, out: stdout, err: stderr }));
    });

  beforeAll(async () => {
    t = await createJobsTestContext();
    const f = factories(t.owner.prisma, t.services);
    tenant = await f.tenant({ slug: 'cli-export-house' });
    await bulkTransactions(t.db.ownerUrl, await f.account(tenant.id), 2500);
    await bulkTransactions(t.db.ownerUrl, await f.account((await f.tenant()).id), 500);
    await f.user(tenant.id, { name: 'Cli Owner' });
    out = mkdtempSync(join(tmpdir(), 'backoffice-cli-export-'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one resource as CSV with its manifest, the same code as the job, audited as cli:export', async () => {
    const file = join(out, 'transactions.csv');
    const r = await run([
      'export',
      '--tenant',
      'cli-export-house',
      '--resource',
      'transactions',
      '--format',
      'csv',
      '--out',
      file,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Exported 2500 rows to .*transactions\.csv \(sha256 [0-9a-f]{64}\)/);
    const rows = csvObjects(readFileSync(file, 'utf8'));
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((x) => x.tenantId))).toEqual(new Set([tenant.id]));
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ resource: 'Transaction', format: 'CSV', tenantId: tenant.id, rows: { total: 2500 } });
    expect(manifest.requestedBy).toMatchObject({ type: 'SYSTEM', id: 'cli:export' });
    expect(manifest.file.sha256).toBe(sha256File(file));
    expect(partFiles(out)).toEqual([]);
    const job = await t.owner.prisma.exportJob.findFirstOrThrow({
      where: { requestedById: 'cli:export', resource: 'Transaction' },
    });
    expect(job.status).toBe('COMPLETED');
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { recordId: job.id, action: { in: ['export.start', 'export.complete'] } },
      }),
    ).toBe(2);
  });

  it('`worker` runs the queues and stops cleanly on SIGTERM (exit 0), after doing queued work', async () => {
    const engineer = await factories(t.owner.prisma, t.services).staff('ENGINEER');
    const ctx = await factories(t.owner.prisma, t.services).staffCtx(engineer);
    const job = await t.services.exports.start(ctx, {
      tenantId: tenant.id,
      resource: 'Account',
      format: 'csv',
      reason: 'worker cli drill',
    });
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: t.db.appUrl,
        DATABASE_OWNER_URL: t.db.ownerUrl,
        EXPORT_DIR: t.exportDir,
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(
      async () => (await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } })).status === 'COMPLETED',
      30_000,
      200,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/Worker running/);
    expect(stderr).toMatch(/Worker stopped\./);
  });

  it("without --resource writes the tenant's full JSON bundle; bad arguments fail clearly", async () => {
    const file = join(out, 'bundle.json');
    const r = await run(['export', '--tenant', 'cli-export-house', '--format', 'json', '--out', file]);
    expect(r.code).toBe(0);
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    expect(bundle.tenant.slug).toBe('cli-export-house');
    expect(bundle.transactions).toHaveLength(2500);
    expect(bundle.users).toHaveLength(1);
    expect(bundle.users[0].passwordHash).toBeUndefined();

    const wrong = await run(['export', '--tenant', 'cli-export-house', '--format', 'xml', '--out', file]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/json, csv or ndjson/);
    const unknown = await run([
      'export',
      '--tenant',
      'no-such-tenant',
      '--format',
      'csv',
      '--resource',
      'Account',
      '--out',
      file,
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/TENANT.NOT_FOUND/);
  });
});
