import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../lib/context.js';
import { buildSystemContext } from '../modules/access/context.factory.js';

/** The context of an operator's CLI command: a system actor named after the command. */
export function cliContext(command: string): ServiceContext {
  return buildSystemContext(`cli:${command}`, { correlationId: `cli-${randomUUID()}`, userAgent: 'backoffice-cli' });
}
