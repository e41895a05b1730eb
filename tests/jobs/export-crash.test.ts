import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJobSchema } from '../../src/modules/jobs/jobs.schema.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import { factories } from '../helpers/factories.js';
import type { TestContext } from '../helpers/db.js';
import { bulkTransactions, createJobsTestContext, csvObjects, partFiles, sha256File, waitFor } from './helpers.js';

const ROWS = 6_000;
// Short expiry so that the job of a killed worker is retried within seconds (production: 30 min).
const POLICIES = { 'export-run': { expireInSeconds: 6, retryDelay: 1, retryBackoff: false, retryLimit: 3 } };

describe('an export whose worker is killed mid-way', () => {
  let t: TestContext & { exportDir: string };
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    t = await createJobsTestContext();
    const f = factories(t.owner.prisma, t.services);
    const tenant = await f.tenant();
    await bulkTransactions(t.db.ownerUrl, await f.account(tenant.id), ROWS);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await t.close();
  });

  it('is retried after the crash and completes with a correct manifest and no duplicate rows', async () => {
    await ensureJobSchema(t.db.ownerUrl, POLICIES);
    const engineer = await factories(t.owner.prisma, t.services).staff('ENGINEER');
    const ctx = await factories(t.owner.prisma, t.services).staffCtx(engineer);
    const job = await t.services.exports.start(ctx, { resource: 'Transaction', format: 'csv', reason: 'crash drill' });

    // 1. A separate worker process picks the job up and is killed (SIGKILL) in the middle of it.
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures/export-worker.ts'),
        t.db.appUrl,
        t.db.ownerUrl,
        t.exportDir,
        JSON.stringify(POLICIES),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child = worker;
    const midway = await waitFor(
      async () => {
        const row = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
        return row.status === 'RUNNING' && row.rowsDone > 0n && row.rowsDone < BigInt(ROWS) ? row : null;
      },
      60_000,
      50,
    );
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    expect(midway.attempts).toBe(1);
    const after = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.status).toBe('RUNNING');
    expect(after.filePath).toBeNull();
    expect(partFiles(t.exportDir, job.id)).toHaveLength(1); // the dead attempt's partial file

    // 2. A live worker: pg-boss expires the lost job and retries it; the export restarts from scratch.
    const workers = await startWorkers(t.runtime, t.services, {
      queuePolicies: POLICIES,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      schedule: false,
      outboxIntervalMs: 60_000,
      queues: ['export-run'],
    });
    try {
      const done = await waitFor(
        async () => {
          const row = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
          return row.status === 'COMPLETED' || row.status === 'FAILED' ? row : null;
        },
        60_000,
        200,
      );
      expect(done.status).toBe('COMPLETED');
      expect(done.attempts).toBe(2);

      const rows = csvObjects(readFileSync(done.filePath!, 'utf8'));
      const ids = new Set(rows.map((r) => r.id));
      expect(rows).toHaveLength(ROWS);
      expect(ids.size).toBe(ROWS); // no duplicate rows
      const inDb = await t.owner.prisma.transaction.findMany({ select: { id: true } });
      expect(new Set(inDb.map((r) => r.id))).toEqual(ids); // and none missing

      const manifest = JSON.parse(readFileSync(`${done.filePath}.manifest.json`, 'utf8'));
      expect(manifest.rows.total).toBe(ROWS);
      expect(manifest.attempt).toBe(2);
      expect(manifest.file.sha256).toBe(sha256File(done.filePath!));
      expect(manifest.file.bytes).toBe(readFileSync(done.filePath!).length);
      expect(done.sha256).toBe(manifest.file.sha256);
      expect(partFiles(t.exportDir)).toEqual([]); // the dead attempt's file is gone
      expect(await t.owner.prisma.auditEvent.count({ where: { action: 'export.complete', recordId: job.id } })).toBe(1);
    } finally {
      await workers.stop();
    }
  });
});
