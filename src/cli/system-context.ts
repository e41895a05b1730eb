import { randomUUID } from 'node:crypto';
import { defineAbilityFor } from '../modules/access/ability.js';
import { systemActor } from '../modules/access/actor.js';
import type { ServiceContext } from '../lib/context.js';

/** The context of an operator's CLI command: a system actor named after the command. */
export function cliContext(command: string): ServiceContext {
  const actor = systemActor(`cli:${command}`);
  return {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: `cli-${randomUUID()}`,
    locale: 'en',
    userAgent: 'backoffice-cli',
  };
}
