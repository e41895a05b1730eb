import PgBoss from 'pg-boss';
import type { WriteSession } from '../../db/session.js';
import { jobsRepository } from './jobs.repository.js';

/** pg-boss keeps its tables in their own schema, created and migrated by the owner role. */
export const JOB_SCHEMA = 'pgboss';

/** Every queue of the product. pg-boss 10 needs a queue to exist before anything is sent to it. */
export const QUEUES = {
  /** Runs one ExportJob (data: { exportJobId, tenantId }). */
  exportRun: 'export-run',
  /** Re-enqueues exports left QUEUED (a lost send) and removes expired export files. */
  exportMaintenance: 'export-maintenance',
  /** Finds users whose erasure is due and enqueues one erasure-user job each. */
  erasureSweep: 'erasure-sweep',
  /** Erases one user's personal data (data: { userId, tenantId }). */
  erasureUser: 'erasure-user',
  /** Finds tenants with recurring rules due and enqueues one recurring-tenant job each. */
  recurringSweep: 'recurring-sweep',
  /** Materialises one tenant's due recurring transactions (data: { tenantId }). */
  recurringTenant: 'recurring-tenant',
  /** Signs every audit chain head that moved since its last checkpoint (protects chain tails). */
  auditCheckpoint: 'audit-checkpoint',
  /** Expires approval requests past their life and reminds approvers of pending ones (four-eyes). */
  approvalSweep: 'approval-sweep',
  /** Creates the month partitions of "Transaction" and "AuditEvent" ahead of time (migration 106). */
  partitionMaintenance: 'partition-maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface QueuePolicy {
  retryLimit: number;
  /** Seconds before the first retry; doubled on each further retry (retryBackoff). */
  retryDelay: number;
  retryBackoff: boolean;
  /** A job active for longer is considered lost (its worker died) and is retried. */
  expireInSeconds: number;
}

/** Defaults per queue: retried with exponential backoff; expiry bounds how long a crash blocks a job. */
export const QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  'export-run': { retryLimit: 4, retryDelay: 15, retryBackoff: true, expireInSeconds: 30 * 60 },
  'export-maintenance': { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 10 * 60 },
  'erasure-sweep': { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 10 * 60 },
  'erasure-user': { retryLimit: 6, retryDelay: 30, retryBackoff: true, expireInSeconds: 10 * 60 },
  'recurring-sweep': { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 10 * 60 },
  'recurring-tenant': { retryLimit: 6, retryDelay: 30, retryBackoff: true, expireInSeconds: 10 * 60 },
  'audit-checkpoint': { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 10 * 60 },
  'approval-sweep': { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 10 * 60 },
  'partition-maintenance': { retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 10 * 60 },
};

/** Cron schedules (UTC) of the periodic jobs. */
export const SCHEDULES: Array<{ queue: QueueName; cron: string }> = [
  { queue: QUEUES.exportMaintenance, cron: '*/10 * * * *' },
  { queue: QUEUES.erasureSweep, cron: '17 * * * *' },
  { queue: QUEUES.recurringSweep, cron: '5 * * * *' },
  { queue: QUEUES.auditCheckpoint, cron: '*/5 * * * *' },
  { queue: QUEUES.approvalSweep, cron: '*/5 * * * *' },
  { queue: QUEUES.partitionMaintenance, cron: '41 3 * * *' },
];

export interface JobSender {
  /**
   * Enqueues a job inside the caller's transaction (its write session): the job exists if and
   * only if the transaction commits. An `id` makes the send idempotent (pg-boss ignores a
   * duplicate id). Returns null (nothing sent) while pg-boss's schema is not installed yet.
   */
  sendInTx(
    session: WriteSession,
    queue: QueueName,
    data: object,
    options?: { id?: string; startAfter?: Date; singletonKey?: string },
  ): Promise<string | null>;
}

/**
 * A pg-boss client that only inserts jobs through a caller's transaction. It never opens a
 * connection of its own, so every process (API, CLI, worker) can enqueue without starting pg-boss.
 */
export function createJobSender(): JobSender {
  const refuse: PgBoss.Db = {
    executeSql: () => Promise.reject(new Error('the job sender only sends inside a caller transaction')),
  };
  const boss = new PgBoss({ db: refuse, schema: JOB_SCHEMA });
  return {
    sendInTx: async (session, queue, data, options = {}) => {
      // Before any worker has installed pg-boss's schema there is nowhere to send: the row that
      // asked for the job (e.g. a QUEUED export) is picked up by the first worker that starts.
      if (!(await jobsRepository.isQueueInstalled(session, JOB_SCHEMA))) return null;
      const send: PgBoss.SendOptions = { db: jobsRepository.sqlExecutor(session) };
      if (options.id) send.id = options.id;
      if (options.startAfter) send.startAfter = options.startAfter;
      if (options.singletonKey) send.singletonKey = options.singletonKey;
      return boss.send(queue, data, send);
    },
  };
}
