import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../lib/context.js';
import type { Services } from '../services.js';
import { cliContext } from './system-context.js';

/** The environment variables a named operator signs in with (never an argument: `ps` shows those). */
export const OPERATOR_PASSWORD_ENV = 'BACKOFFICE_AS_PASSWORD';
export const OPERATOR_TOTP_ENV = 'BACKOFFICE_AS_TOTP';

/** A CLI command that cannot run as asked (told as one line, exit 1). */
export class CliUsageError extends Error {}

/**
 * The context a CLI command acts in. Without `--as` the system actor `cli:<command>` (bootstrap,
 * maintenance: what the approval policies do not guard, ADR 0013). With `--as EMAIL` the staff
 * member themselves, signed in as in the admin — password from BACKOFFICE_AS_PASSWORD, a TOTP
 * (or recovery) code from BACKOFFICE_AS_TOTP when they have a second factor; the attempt is audited
 * and counts towards the lockout — so a guarded change has a maker, and the maker rule of four-eyes
 * approval holds on the command line too: nobody approves as someone they cannot sign in as.
 */
export async function operatorContext(
  services: Pick<Services, 'staffAuth'>,
  command: string,
  as: string | undefined,
): Promise<ServiceContext> {
  if (as === undefined) return cliContext(command);
  const password = process.env[OPERATOR_PASSWORD_ENV];
  if (!password)
    throw new CliUsageError(
      `--as ${as}: set ${OPERATOR_PASSWORD_ENV} to that staff member's password (and ${OPERATOR_TOTP_ENV} to a current code if they use TOTP)`,
    );
  const meta = { correlationId: `cli-${randomUUID()}`, userAgent: `backoffice-cli ${command}` };
  const first = await services.staffAuth.login(meta, { email: as, password });
  let user;
  if (first.status === 'second_factor') {
    const code = process.env[OPERATOR_TOTP_ENV];
    if (!code) throw new CliUsageError(`--as ${as}: this staff member uses TOTP; set ${OPERATOR_TOTP_ENV} to a current code`);
    user = await services.staffAuth.completeSecondFactor(meta, { staffUserId: first.staffUserId, code });
  } else user = first.user;
  return services.staffAuth.contextFor(user, meta);
}
