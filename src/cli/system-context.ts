import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../lib/context.js';
import { ALL_TENANTS } from '../modules/access/actor.js';
import { buildSystemContext } from '../modules/access/context.factory.js';

/**
 * The context of an operator's CLI command: a system actor named after the command. The CLI is
 * the operator's tool over the whole database: its tenant set is all tenants (ADR 0011).
 */
export function cliContext(command: string): ServiceContext {
  return buildSystemContext(`cli:${command}`, ALL_TENANTS, { correlationId: `cli-${randomUUID()}`, userAgent: 'backoffice-cli' });
}
