import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../../lib/context.js';
import { ALL_TENANTS } from '../access/actor.js';
import { buildSystemContext } from '../access/context.factory.js';

/**
 * The context of a background job that spans tenants by definition (maintenance, sweeps, finding
 * what is due): the system actor named after the job (`job:<queue>`), so its audit events say
 * which job acted, with an all-tenants database tenant set (ADR 0011). The correlation id ties
 * the job's logs and events together. A job about one tenant uses jobContextForTenant.
 */
export function jobContext(job: string, correlationId: string = randomUUID()): ServiceContext {
  return buildSystemContext(`job:${job}`, ALL_TENANTS, { correlationId: `job-${correlationId}`, userAgent: 'backoffice-worker' });
}

/**
 * The context of a job about one tenant: the tenant its payload names (validated by the job's
 * schema) is the only one the database shows it — a payload naming another tenant's record
 * finds nothing.
 */
export function jobContextForTenant(job: string, correlationId: string, tenantId: string): ServiceContext {
  return buildSystemContext(`job:${job}`, [tenantId], { correlationId: `job-${correlationId}`, userAgent: 'backoffice-worker' });
}
