import { promises as fsp } from 'node:fs';
import type { PrismaClient } from '@prisma/client';
import type PgBoss from 'pg-boss';
import type { ServiceContext } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import { actorFields, type AuditTrail } from '../audit/audit.service.js';
import { markFailed, type ExportRunnerDeps } from '../exports/export.runner.js';
import { JOB_SCHEMA, QUEUE_POLICIES, QUEUES } from './jobs.queues.js';

/** Export files are kept this long, then deleted (the ExportJob row and its manifest stay). */
export const EXPORT_RETENTION_DAYS = 7;
/** A RUNNING export nobody runs (no live job, no runner holding its lock) for this long is re-queued. */
const ORPHAN_AFTER_MS = 2 * 60 * 1000;
/** After this many attempts in all, an orphaned export is failed rather than re-queued. */
const MAX_ATTEMPTS = 5 * (QUEUE_POLICIES['export-run'].retryLimit + 1);

export interface ExportMaintenanceDeps extends Pick<ExportRunnerDeps, 'db' | 'exports'> {
  prisma: PrismaClient;
  audit: AuditTrail;
  exportDir: string;
  jobs: Pick<PgBoss, 'send'>;
  logger?: Logger;
}

/**
 * Keeps exports honest. An export nobody will run is queued again, up to a limit, then FAILED:
 * QUEUED with no live queue job (its send was skipped before pg-boss was installed, or its
 * retries ran out while workers were down), or RUNNING with no live job and no runner holding
 * its advisory lock (export.runner.ts). Finished exports older than the retention period lose
 * their file (audited `export.expire`).
 */
export async function runExportMaintenance(deps: ExportMaintenanceDeps, ctx: ServiceContext) {
  const { prisma, audit } = deps;
  const cutoff = new Date(Date.now() - ORPHAN_AFTER_MS);
  const orphans = await prisma.$queryRawUnsafe<Array<{ id: string; tenantId: string | null; attempts: number }>>(
    `SELECT e."id", e."tenantId", e."attempts" FROM "ExportJob" e
      WHERE (e."status" = 'QUEUED' OR (e."status" = 'RUNNING' AND e."createdAt" < $1))
        AND NOT EXISTS (SELECT 1 FROM ${JOB_SCHEMA}.job j
                         WHERE j.name = $2 AND j.data->>'exportJobId' = e."id"::text
                           AND j.state IN ('created', 'retry', 'active'))
        -- Nobody runs it: its lock is free (taken and given back at once; CASE fixes the order).
        AND CASE WHEN pg_try_advisory_lock(hashtextextended('export:' || e."id"::text, 0))
                 THEN pg_advisory_unlock(hashtextextended('export:' || e."id"::text, 0)) ELSE false END
      ORDER BY e."createdAt"
      LIMIT 200`,
    cutoff,
    QUEUES.exportRun,
  );
  let requeued = 0;
  let failed = 0;
  for (const o of orphans) {
    if (o.attempts >= MAX_ATTEMPTS) {
      if (await markFailed(deps, o.id, null, 'EXPORT.GAVE_UP', ctx)) failed++;
    } else {
      await deps.jobs.send(QUEUES.exportRun, { exportJobId: o.id, tenantId: o.tenantId });
      requeued++;
    }
  }

  const expiredBefore = new Date(Date.now() - EXPORT_RETENTION_DAYS * 86_400_000);
  const expired = await prisma.exportJob.findMany({
    where: { status: 'COMPLETED', filePath: { not: null }, finishedAt: { lt: expiredBefore } },
    select: { id: true, tenantId: true, filePath: true },
    take: 500,
  });
  for (const e of expired) {
    await fsp.rm(e.filePath!, { force: true });
    await prisma.$transaction(async (tx) => {
      await tx.exportJob.update({ where: { id: e.id }, data: { filePath: null } });
      await audit.record(tx, {
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
    deps.logger?.info({ requeued, failed, expired: expired.length }, 'export maintenance');
  return { requeued, failed, expired: expired.length };
}
