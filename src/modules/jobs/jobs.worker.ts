import { auditAnchorPath } from '../../config.js';
import { createAnchorConsumer } from '../audit/audit.anchor.js';
import { HEADS_SIGNED_EVENT } from '../audit/audit.heads.js';
import PgBoss from 'pg-boss';
import type { Env } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import type { AuditConsoleService } from '../audit/audit.console.js';
import type { ServiceContext } from '../../lib/context.js';
import type { ExportService } from '../exports/export.service.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import type { MailService } from '../mail/mail.service.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { RecurringService } from '../recurring/recurring.service.js';
import type { markFailed, releaseForRetry, runExport, ExportRunnerDeps, RunExportOptions } from '../exports/export.runner.js';
import type { Mailer } from '../mail/mail.service.js';
import type { OutboxConsumer } from '../outbox/outbox.dispatcher.js';
import { jobContext, jobContextForTenant } from './jobs.context.js';
import { recordJobFailure } from '../../lib/metrics.js';
import type { ExportMaintenancePorts, JobsService } from './jobs.service.js';
import { JOB_SCHEMA, QUEUES, SCHEDULES, type QueueName } from './jobs.queues.js';
import { ensureJobSchema, type QueuePolicyOverrides } from './jobs.schema.js';
import { z } from 'zod';

export interface WorkerOptions {
  /** Per-queue retry/expiry policies replacing the defaults (tests shorten them). */
  queuePolicies?: QueuePolicyOverrides;
  /** pg-boss polling interval (seconds, >= 0.5). */
  pollingIntervalSeconds?: number;
  /** pg-boss maintenance (expiry of lost jobs, archiving) interval in seconds. */
  maintenanceIntervalSeconds?: number;
  /** Outbox polling interval in milliseconds. */
  outboxIntervalMs?: number;
  /** Outbox lease: how long a claimed event stays hidden from other dispatchers. */
  outboxLeaseSeconds?: number;
  /** Queues to work; all by default. A worker started with [] only dispatches the outbox. */
  queues?: QueueName[];
  /** Register the cron schedules (default true). */
  schedule?: boolean;
  /** Export tuning and hooks (progress granularity; tests use onProgress to pace an export). */
  exports?: Pick<RunExportOptions, 'progressEvery' | 'onProgress'>;
  /** Mailer to use instead of the one built from configuration. */
  mailer?: Mailer;
  /** Extra outbox consumers (by event type), added to the product's. */
  consumers?: Record<string, OutboxConsumer>;
  /** How long stop() lets in-flight jobs finish before releasing them for a retry. */
  stopTimeoutMs?: number;
}

/** What the workers need of the process's runtime (the composition root hands it over). */
export interface WorkerRuntime {
  config: Readonly<Env>;
  logger: Logger;
  appUrl: string;
  /** pg-boss's schema is installed as the database owner. */
  ownerUrl: string;
}

/** The domain services the workers call: each job is a service function run as the system. */
export interface WorkerServices {
  jobs: JobsService;
  /** What runExport() needs (services.exportRunner). */
  exportRunner: Omit<ExportRunnerDeps, 'logger'>;
  /** The export runner's steps (services.exportRuns): passed in, so jobs does not import exports' code. */
  exportRuns: { run: typeof runExport; markFailed: typeof markFailed; releaseForRetry: typeof releaseForRetry };
  exports: Pick<ExportService, 'removeStaleFiles'>;
  idempotency: Pick<IdempotencyService, 'purgeExpired'>;
  /** services.erasure (described here, not imported: erasure depends on exports, which depends on jobs). */
  erasure: {
    dueUsers(ctx: ServiceContext): Promise<Array<{ userId: string; tenantId: string }>>;
    eraseUser(ctx: ServiceContext, input: { userId: string; tenantId: string }): Promise<unknown>;
  };
  recurring: Pick<RecurringService, 'dueTenantIds' | 'materialiseTenant'>;
  auditConsole: Pick<AuditConsoleService, 'checkpointChains'>;
  /** services.approvals (described, not imported): the expiry and reminder sweep. */
  approvals: { sweep(ctx: ServiceContext): Promise<{ expired: number; reminded: number }> };
  /** services.partitions (described, not imported): the partition-ahead job. */
  partitions: { ensureAhead(ctx: ServiceContext): Promise<{ created: string[] }> };
  mail: Pick<MailService, 'createMailer'>;
  outbox: Pick<OutboxService, 'createDispatcher'>;
}

export interface Workers {
  stop(): Promise<void>;
  /** The pg-boss instance (queue health for dashboards and metrics). */
  boss: PgBoss;
}

const JobData = {
  export: z.object({ exportJobId: z.uuid(), tenantId: z.uuid().nullable() }),
  erasureUser: z.object({ userId: z.uuid(), tenantId: z.uuid() }),
  recurringTenant: z.object({ tenantId: z.uuid() }),
};

/**
 * Starts the background workers of this process: the pg-boss queues (exports, erasure,
 * recurring rules, maintenance) with their cron schedules, and the outbox dispatcher. pg-boss's
 * schema is installed/migrated first as the database owner (jobs.schema.ts); the workers then
 * run as the application role. `stop()` stops taking work, lets in-flight jobs finish (up to
 * stopTimeoutMs; unfinished ones are released to be retried) and must run before pools close.
 */
export async function startWorkers(
  runtime: WorkerRuntime,
  services: WorkerServices,
  options: WorkerOptions = {},
): Promise<Workers> {
  const { config, logger } = runtime;
  if (config.DATABASE_PGBOUNCER)
    // An export run holds a session advisory lock across transactions (export.runner.ts), which
    // transaction pooling cannot keep: workers connect to PostgreSQL itself.
    throw new Error(
      'workers need a direct PostgreSQL connection: run them with DATABASE_URL pointing at PostgreSQL (not PgBouncer) and DATABASE_PGBOUNCER=false, and app nodes behind PgBouncer with RUN_WORKER=false',
    );
  const log = logger.child({ component: 'worker' });
  await ensureJobSchema(runtime.ownerUrl, options.queuePolicies);

  const boss = new PgBoss({
    connectionString: runtime.appUrl,
    schema: JOB_SCHEMA,
    max: 4,
    migrate: false,
    supervise: true,
    schedule: options.schedule !== false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    application_name: 'backoffice-worker',
  });
  boss.on('error', (err: Error) => log.warn({ err: err.message }, 'job queue error'));
  await boss.start();

  const inFlight = new Set<AbortController>();
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, includeMetadata: true as const, batchSize: 1 };
  const wanted = new Set<QueueName>(options.queues ?? Object.values(QUEUES));
  const exportDeps = { ...services.exportRunner, exportDir: config.EXPORT_DIR, logger: log };

  const work = async <T>(queue: QueueName, handler: (job: PgBoss.JobWithMetadata<T>) => Promise<unknown>) => {
    if (!wanted.has(queue)) return;
    await boss.work<T>(queue, polling, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      try {
        const result = await handler(job);
        log.debug({ queue, jobId: job.id, ms: Date.now() - started }, 'job done');
        return result;
      } catch (err) {
        log.warn(
          { queue, jobId: job.id, retry: job.retryCount, err: (err as Error).message },
          'job failed; pg-boss retries it with backoff',
        );
        recordJobFailure(queue);
        throw err;
      }
    });
  };

  await work<z.infer<typeof JobData.export>>(QUEUES.exportRun, async (job) => {
    const data = JobData.export.parse(job.data);
    const controller = new AbortController();
    inFlight.add(controller);
    try {
      // The job carries the tenant: a job whose tenant does not match its export is refused (runExport).
      const result = await services.exportRuns.run(exportDeps, data.exportJobId, {
        ...options.exports,
        signal: controller.signal,
        correlationId: `job-${job.id}`,
        jobTenantId: data.tenantId,
      });
      return { outcome: result.outcome };
    } catch (err) {
      const last = job.retryCount >= job.retryLimit;
      const code = `EXPORT.FAILED: ${(err as Error).message}`.slice(0, 300);
      if (last) await services.exportRuns.markFailed(exportDeps, data.exportJobId, null, code).catch(() => {});
      else await services.exportRuns.releaseForRetry(exportDeps, data.exportJobId, code).catch(() => {});
      throw err;
    } finally {
      inFlight.delete(controller);
    }
  });

  const maintenance: ExportMaintenancePorts = {
    send: (queue, data) => boss.send(queue, data),
    failExport: (exportJobId, code, ctx) => services.exportRuns.markFailed(exportDeps, exportJobId, null, code, ctx),
    logger: log,
  };
  await work(QUEUES.exportMaintenance, async (job) => {
    const result = await services.jobs.runExportMaintenance(jobContext(job.name, job.id), maintenance);
    // Files that erasure let go of and whose deletion after commit failed: retried on this beat.
    const staleFiles = await services.exports.removeStaleFiles(jobContext(job.name, job.id));
    // Expired Idempotency-Key rows (24 h) hold response bodies: remove them on the same beat.
    const idempotencyKeysPurged = await services.idempotency.purgeExpired(jobContext('maintenance'));
    return { ...result, staleFiles, idempotencyKeysPurged };
  });
  // Exports requested while no worker (or no pg-boss schema) existed are queued now.
  if (wanted.has(QUEUES.exportRun))
    await services.jobs
      .runExportMaintenance(jobContext(QUEUES.exportMaintenance), maintenance)
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'export maintenance at start-up failed'));

  await work(QUEUES.erasureSweep, async (job) => {
    const due = await services.erasure.dueUsers(jobContext(job.name, job.id));
    for (const d of due) await boss.send(QUEUES.erasureUser, d, { singletonKey: d.userId, singletonSeconds: 300 });
    return { enqueued: due.length };
  });

  await work<z.infer<typeof JobData.erasureUser>>(QUEUES.erasureUser, async (job) => {
    const data = JobData.erasureUser.parse(job.data);
    return services.erasure.eraseUser(jobContextForTenant(job.name, job.id, data.tenantId), data);
  });

  await work(QUEUES.recurringSweep, async (job) => {
    const tenants = await services.recurring.dueTenantIds(jobContext(job.name, job.id));
    for (const tenantId of tenants)
      await boss.send(QUEUES.recurringTenant, { tenantId }, { singletonKey: tenantId, singletonSeconds: 300 });
    return { enqueued: tenants.length };
  });

  await work<z.infer<typeof JobData.recurringTenant>>(QUEUES.recurringTenant, async (job) => {
    const data = JobData.recurringTenant.parse(job.data);
    return services.recurring.materialiseTenant(jobContextForTenant(job.name, job.id, data.tenantId), data.tenantId);
  });

  await work(QUEUES.auditCheckpoint, async (job) => {
    const result = await services.auditConsole.checkpointChains(jobContext(job.name, job.id), {
      // The signed heads also go to the logs: evidence kept outside the database.
      onSigned: (e) => log.info({ checkpoint: e }, 'audit chain head signed'),
      onRefused: (e) =>
        log.error({ chainKey: e.chainKey, reason: e.reason }, 'audit chain refused for checkpoint: verify it now'),
    });
    return { chains: result.chains, signed: result.signed.length, refused: result.refused.length };
  });

  await work(QUEUES.approvalSweep, (job) => services.approvals.sweep(jobContext(job.name, job.id)));

  await work(QUEUES.partitionMaintenance, (job) => services.partitions.ensureAhead(jobContext(job.name, job.id)));
  // A deployment whose worker was down past the months created ahead catches up at start-up.
  if (wanted.has(QUEUES.partitionMaintenance))
    await services.partitions
      .ensureAhead(jobContext(QUEUES.partitionMaintenance))
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'partition maintenance at start-up failed'));

  if (options.schedule !== false) {
    for (const s of SCHEDULES) if (wanted.has(s.queue)) await boss.schedule(s.queue, s.cron, {}, { tz: 'UTC' });
  }

  const mailer = options.mailer ?? services.mail.createMailer({ logger: log });
  const dispatcher = services.outbox.createDispatcher({
    mailer,
    logger: log,
    leaseSeconds: options.outboxLeaseSeconds,
    consumers: {
      // Signed audit heads, anchored outside the database (docs/audit.md, "Anchoring").
      [HEADS_SIGNED_EVENT]: createAnchorConsumer({ path: auditAnchorPath(config), email: config.AUDIT_ANCHOR_EMAIL, mailer }),
      ...options.consumers,
    },
  });
  if (!auditAnchorPath(config) && !config.AUDIT_ANCHOR_EMAIL)
    log.warn('no audit anchor sink (AUDIT_ANCHOR_PATH, AUDIT_ANCHOR_EMAIL): signed heads are kept in the database only');
  const outbox = dispatcher.start(options.outboxIntervalMs ?? 1000);
  log.info({ queues: [...wanted] }, 'workers started');

  let stopping: Promise<void> | undefined;
  return {
    boss,
    stop: () =>
      (stopping ??= (async () => {
        await outbox.stop();
        // Graceful: no new jobs; in-flight ones finish, or are failed (= retried later) at the timeout.
        await boss.stop({ graceful: true, wait: true, timeout: options.stopTimeoutMs ?? 15_000, close: true });
        // Anything still running was released by pg-boss: stop writing its files.
        for (const c of inFlight) c.abort();
        if (!options.mailer) mailer.close();
        log.info('workers stopped');
      })()),
  };
}
