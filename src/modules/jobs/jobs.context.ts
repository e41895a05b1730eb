import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../../lib/context.js';
import { defineAbilityFor } from '../access/ability.js';
import { systemActor } from '../access/actor.js';

/**
 * The context of a background job: the system actor named after the job (`job:<queue>`), so its
 * audit events say which job acted. The correlation id ties the job's logs and events together.
 */
export function jobContext(job: string, correlationId: string = randomUUID()): ServiceContext {
  const actor = systemActor(`job:${job}`);
  return {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: `job-${correlationId}`,
    locale: 'en',
    userAgent: 'backoffice-worker',
  };
}
