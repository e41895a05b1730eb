import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../../lib/context.js';
import { buildSystemContext } from '../access/context.factory.js';

/**
 * The context of a background job: the system actor named after the job (`job:<queue>`), so its
 * audit events say which job acted. The correlation id ties the job's logs and events together.
 */
export function jobContext(job: string, correlationId: string = randomUUID()): ServiceContext {
  return buildSystemContext(`job:${job}`, { correlationId: `job-${correlationId}`, userAgent: 'backoffice-worker' });
}
