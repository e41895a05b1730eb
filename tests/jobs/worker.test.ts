import { pbkdf2 } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { markFailed } from '../../src/modules/exports/export.runner.js';
import type { ExportMaintenancePorts } from '../../src/modules/jobs/jobs.service.js';
import { ensureJobSchema } from '../../src/modules/jobs/jobs.schema.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { bulkTransactions, createJobsTestContext, partFiles, waitFor } from './helpers.js';

describe('workers: pg-boss schema, start-up and graceful stop', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    const tenant = await f.tenant();
    await bulkTransactions(t.db.ownerUrl, await f.account(tenant.id), 3000);
  });
  afterAll(async () => {
    await t.close();
  });

  const status = async (id: string) => (await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id } })).status;
  const startExport = async () =>
    t.services.exports.start(await f.staffCtx(await f.staff('ENGINEER')), {
      resource: 'Transaction',
      format: 'csv',
      reason: 'worker drill',
    });

  it('an export requested before any worker (or pg-boss schema) existed is queued when the first worker starts', async () => {
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      expect((await app.query(`SELECT to_regclass('pgboss.job') AS t`)).rows[0].t).toBeNull();
      const job = await startExport();
      expect(job.status).toBe('QUEUED');
      const workers = await startWorkers(t.runtime, t.services, {
        pollingIntervalSeconds: 0.5,
        schedule: false,
        outboxIntervalMs: 60_000,
      });
      try {
        await waitFor(async () => (await status(job.id)) === 'COMPLETED', 20_000);
      } finally {
        await workers.stop();
      }
      // The schema is the owner's; the application role works its tables but cannot change them.
      expect((await app.query(`SELECT count(*)::int AS n FROM pgboss.job`)).rows[0].n).toBeGreaterThan(0);
      await expect(app.query('CREATE TABLE pgboss.intruder (id int)')).rejects.toThrow(/permission denied/);
      await expect(app.query('DROP TABLE pgboss.job')).rejects.toThrow(/must be owner|permission denied/);
    } finally {
      await app.end();
    }
    // Installing again (another process starting) is harmless.
    await ensureJobSchema(t.db.ownerUrl);
  });

  it('export maintenance re-queues exports nobody runs and deletes files past retention (audited)', async () => {
    const sent: object[] = [];
    const ports: ExportMaintenancePorts = {
      send: async (_q: string, data: object) => (sent.push(data), 'id'),
      failExport: (id, code, ctx) => markFailed(t.services.exportRunner, id, null, code, ctx),
    };
    // A RUNNING export whose worker vanished long ago (no live job, nobody holds its lock).
    const orphan = await startExport();
    await t.owner.prisma.exportJob.update({
      where: { id: orphan.id },
      data: { status: 'RUNNING', attempts: 1, createdAt: new Date(Date.now() - 3_600_000) },
    });
    await t.owner.prisma.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'failed' WHERE data->>'exportJobId' = $1`, orphan.id);
    // A finished export older than the retention period.
    const old = await startExport();
    const path = join(t.exportDir, `${old.id}.csv`);
    writeFileSync(path, 'id\n');
    await t.owner.prisma.exportJob.update({
      where: { id: old.id },
      data: { status: 'COMPLETED', filePath: path, finishedAt: new Date(Date.now() - 8 * 86_400_000) },
    });
    await t.owner.prisma.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'completed' WHERE data->>'exportJobId' = $1`, old.id);

    const result = await t.services.jobs.runExportMaintenance(jobContext('export-maintenance'), ports);
    expect(result).toMatchObject({ requeued: 1, expired: 1 });
    expect(sent).toEqual([{ exportJobId: orphan.id, tenantId: null }]);
    expect(existsSync(path)).toBe(false);
    expect((await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: old.id } })).filePath).toBeNull();
    expect(
      await t.owner.prisma.auditEvent.count({ where: { action: 'export.expire', recordId: old.id, actorType: 'SYSTEM' } }),
    ).toBe(1);

    // After too many attempts it gives up: FAILED, audited.
    await t.owner.prisma.exportJob.update({ where: { id: orphan.id }, data: { attempts: 99 } });
    expect(await t.services.jobs.runExportMaintenance(jobContext('export-maintenance'), ports)).toMatchObject({
      failed: 1,
      requeued: 0,
    });
    expect((await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: orphan.id } })).status).toBe('FAILED');
    expect(await t.owner.prisma.auditEvent.count({ where: { action: 'export.fail', recordId: orphan.id } })).toBe(1);
  });

  it("reports an export's progress only once its file exists", async () => {
    // Progress is what an operator (and the crash drill) takes as "the file is being written". A
    // busy disk holds a file's open back while rows keep arriving from the socket: here libuv's
    // thread pool (where fs.open runs) is kept full, so an open not awaited lands after row 1.
    const seen: boolean[] = [];
    let jobId: string | undefined;
    let busy = true;
    const spin = () => void (busy && pbkdf2('pool', 'busy', 100_000, 32, 'sha256', spin));
    for (let i = 0; i < 8; i++) spin();
    const workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
      exports: {
        progressEvery: 1,
        onProgress: () => void seen.push(jobId !== undefined && partFiles(t.exportDir, jobId).length === 1),
      },
    });
    try {
      jobId = (await startExport()).id;
      await waitFor(async () => (await status(jobId!)) === 'COMPLETED', 60_000, 50);
    } finally {
      busy = false;
      await workers.stop();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Boolean)).toBe(true);
  });

  it('stop() lets an in-flight export finish', async () => {
    const workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
      exports: { progressEvery: 500, onProgress: () => new Promise((r) => setTimeout(r, 100)) },
    });
    const job = await startExport();
    await waitFor(async () => (await status(job.id)) === 'RUNNING', 20_000, 50);
    await workers.stop();
    expect(await status(job.id)).toBe('COMPLETED');
  });

  it('stop() releases an export that does not finish in time; another worker completes it', async () => {
    const slow = await startWorkers(t.runtime, t.services, {
      queuePolicies: { 'export-run': { retryDelay: 1, retryBackoff: false } },
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
      stopTimeoutMs: 1000,
      exports: { progressEvery: 200, onProgress: () => new Promise((r) => setTimeout(r, 500)) },
    });
    const job = await startExport();
    await waitFor(async () => (await status(job.id)) === 'RUNNING', 20_000, 50);
    await slow.stop();
    const released = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(released.status).not.toBe('COMPLETED');
    expect(released.filePath).toBeNull();

    const fast = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
    });
    try {
      await waitFor(async () => (await status(job.id)) === 'COMPLETED', 30_000, 200);
    } finally {
      await fast.stop();
    }
    const done = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.attempts).toBe(2);
    expect(Number(done.rowsDone)).toBe(await t.owner.prisma.transaction.count());
  });
});
