import PgBoss from 'pg-boss';
import { APP_ROLE } from '../../db/migrate.js';
import { JOB_SCHEMA, QUEUE_POLICIES, QUEUES, type QueueName, type QueuePolicy } from './jobs.queues.js';
import { jobsRepository } from './jobs.repository.js';

export type QueuePolicyOverrides = Partial<Record<QueueName, Partial<QueuePolicy>>>;

/**
 * Installs or upgrades pg-boss's schema and creates the product's queues, as the database OWNER
 * (pg-boss creates tables and one partition per queue: DDL the application role must not have).
 * Then grants the application role exactly what a worker needs: DML on pg-boss's tables, never
 * DDL. Safe to run concurrently from several processes (pg-boss migrates under an advisory lock;
 * queue creation is ON CONFLICT DO NOTHING). See docs/jobs.md.
 */
export async function ensureJobSchema(ownerUrl: string, overrides: QueuePolicyOverrides = {}): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: 1,
    migrate: true,
    supervise: false,
    schedule: false,
    application_name: 'backoffice-job-schema',
  });
  boss.on('error', () => {});
  await boss.start();
  try {
    for (const name of Object.values(QUEUES)) {
      const policy = { ...QUEUE_POLICIES[name], ...overrides[name] };
      const existing = await boss.getQueue(name);
      if (existing) await boss.updateQueue(name, { name, policy: 'standard', ...policy });
      else await boss.createQueue(name, { name, policy: 'standard', ...policy });
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }

  await jobsRepository.grantWorkerAccess(ownerUrl, APP_ROLE, JOB_SCHEMA);
}
