import { promises as fsp } from 'node:fs';
import type { ServiceContext } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { JOB_SCHEMA, QUEUE_POLICIES, QUEUES } from './jobs.queues.js';
import type { jobsRepository } from './jobs.repository.js';

/** Export files are kept this long, then deleted (the ExportJob row and its manifest stay). */
export const EXPORT_RETENTION_DAYS = 7;
/** A RUNNING export nobody runs (no live job, no runner holding its lock) for this long is re-queued. */
const ORPHAN_AFTER_MS = 2 * 60 * 1000;
/** After this many attempts in all, an orphaned export is failed rather than re-queued. */
const MAX_ATTEMPTS = 5 * (QUEUE_POLICIES['export-run'].retryLimit + 1);

/** What export maintenance needs from the running worker. */
export interface ExportMaintenancePorts {
  /** Enqueues a job (the worker's pg-boss). */
  send: (queue: string, data: object) => Promise<string | null>;
  /** Fails an export for good, audited (the export runner's markFailed). */
  failExport: (exportJobId: string, code: string, ctx: ServiceContext) => Promise<boolean>;
  logger?: Logger | undefined;
}

export type JobsService = ReturnType<typeof createJobsService>;

/** The jobs' own bookkeeping of exports (system contexts only: jobContext). */
export function createJobsService(deps: Pick<CoreDeps, 'db' | 'audit'> & { exportJobs: typeof jobsRepository }) {
  const { db, audit, exportJobs } = deps;

  /**
   * Keeps exports honest. An export nobody will run is queued again, up to a limit, then FAILED:
   * QUEUED with no live queue job (its send was skipped before pg-boss was installed, or its
   * retries ran out while workers were down), or RUNNING with no live job and no runner holding
   * its advisory lock (export.runner.ts). Finished exports older than the retention period lose
   * their file (audited `export.expire`, in the transaction that forgets the file).
   */
  async function runExportMaintenance(ctx: ServiceContext, ports: ExportMaintenancePorts) {
    const orphans = await db.read(ctx, (s) =>
      exportJobs.findOrphanedExports(s, new Date(Date.now() - ORPHAN_AFTER_MS), JOB_SCHEMA, QUEUES.exportRun),
    );
    let requeued = 0;
    let failed = 0;
    for (const o of orphans) {
      if (o.attempts >= MAX_ATTEMPTS) {
        if (await ports.failExport(o.id, 'EXPORT.GAVE_UP', ctx)) failed++;
      } else {
        await ports.send(QUEUES.exportRun, { exportJobId: o.id, tenantId: o.tenantId });
        requeued++;
      }
    }

    const expiredBefore = new Date(Date.now() - EXPORT_RETENTION_DAYS * 86_400_000);
    const expired = await db.read(ctx, (s) => exportJobs.findExpiredExportFiles(s, expiredBefore));
    for (const e of expired) {
      // The file goes first (idempotently): a failure after it leaves a row the next run finishes.
      await fsp.rm(e.filePath!, { force: true });
      await db.write(ctx, async (s) => {
        if (!(await exportJobs.clearExportFile(s, e.id))) return;
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: e.tenantId,
          action: 'export.expire',
          resource: 'ExportJob',
          recordId: e.id,
          diff: { file: { from: 'present', to: 'deleted' } },
        });
      });
    }
    if (requeued || failed || expired.length)
      ports.logger?.info({ requeued, failed, expired: expired.length }, 'export maintenance');
    return { requeued, failed, expired: expired.length };
  }

  return { runExportMaintenance };
}
