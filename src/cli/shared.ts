import { InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';
import { start, type Started } from '../bootstrap.js';
import { AppError } from '../lib/errors.js';
import { translate } from '../lib/i18n.js';
import { createLogger } from '../lib/logger.js';
import { isHeldForApproval, type ApprovalRequestView } from '../modules/approvals/approval.held.js';
import { OPERATOR_PASSWORD_ENV } from './operator.js';

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

/** `--as EMAIL`: act as that staff member (signed in with BACKOFFICE_AS_PASSWORD), not as the system. */
export const AS_OPTION = [
  '--as <email>',
  `act as this staff member, signed in with ${OPERATOR_PASSWORD_ENV} (required while the action's approval policy is on; the change is then held for another approver)`,
] as const;

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads a secret from standard input (the whole input, minus one trailing newline). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Runs a command with the database and services, always closing them (and the embedded server). */
export async function withServices<T>(fn: (s: Started) => Promise<T>): Promise<T> {
  const started = await start({ logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    return await fn(started);
  } finally {
    await started.shutdown();
  }
}

/** The exit status of a command whose change was held for approval (made nothing yet; not a failure). */
export const EXIT_HELD = 3;

/** What a CLI operator reads about a request: one line per fact. */
export function describeRequest(r: ApprovalRequestView): string[] {
  return [
    `request ${r.id}`,
    `  action:    ${r.action}`,
    `  status:    ${r.status} (${r.approvalsGiven}/${r.approvalsRequired} approvals)`,
    `  maker:     ${r.makerType} ${r.makerId}`,
    `  tenant:    ${r.tenantId ?? '—'}`,
    `  target:    ${r.targetType ?? '—'} ${r.targetId ?? ''}`.trimEnd(),
    `  reason:    ${r.reason}`,
    `  created:   ${r.createdAt.toISOString()}`,
    `  expires:   ${r.expiresAt.toISOString()}`,
    ...(r.resultId ? [`  result:    ${r.resultId}`] : []),
    ...(r.failureCode ? [`  failure:   ${r.failureCode}`] : []),
    ...(r.rejectionReason ? [`  rejected:  ${r.rejectionReason}`] : []),
  ];
}

/** Why an approval refusal happened and what the operator can do, beyond the error's own message. */
const HINTS: Record<string, string> = {
  'APPROVAL.PERSON_REQUIRED': `The approval policy for this change is on, and the system (a command without --as, the seed, a job) cannot be its maker. Run the command again with --as <your staff email> (password in ${OPERATOR_PASSWORD_ENV}): the change is then held until another approver decides (backoffice approval:approve). The seed creates no staff while the staff.create policy is on.`,
  'APPROVAL.NO_APPROVER':
    'The policy names approver roles, and no other active staff member has one (a support agent also needs an active grant on the tenant): a maker never approves their own request. On a fresh install with a single superadmin, create the second approver first (with the policy off), or turn the policy off under Admin → Approvals → Approval policies.',
};

/** Prints an error as one clear line (per field) and exits non-zero; a held change is told on stdout (exit 3). */
export function reportAndExit(err: unknown, code = 1): never {
  if (isHeldForApproval(err)) {
    const r = err.request;
    process.stdout.write(
      [
        `Held for approval: nothing is changed until ${r.approvalsRequired} other person(s) approve.`,
        ...describeRequest(r),
        `Approve with: backoffice approval:approve ${r.id} --as <another approver's email>`,
        '',
      ].join('\n'),
    );
    process.exit(EXIT_HELD);
  }
  if (err instanceof AppError) {
    const details = err.details.map((d) => ` ${d.field}: ${d.message}`).join(';');
    process.stderr.write(`Error: ${err.code}${details ? ` —${details}` : ''}\n`);
    const message = translate('en', `errors:${err.code}`, {}, '');
    if (message && message !== err.code && message !== `errors:${err.code}`) process.stderr.write(`  ${message}\n`);
    if (HINTS[err.code]) process.stderr.write(`  ${HINTS[err.code]}\n`);
  } else if (err instanceof ZodError) {
    for (const issue of err.issues) process.stderr.write(`Error: ${issue.path.join('.') || 'input'}: ${issue.message}\n`);
  } else {
    const message =
      err instanceof Error
        ? err.message || err.name
        : err === undefined || err === null
          ? ''
          : typeof err === 'string' || typeof err === 'number' || typeof err === 'boolean'
            ? String(err)
            : (JSON.stringify(err) ?? '');
    process.stderr.write(`Error: ${message || 'the command failed without a reason (run with LOG_LEVEL=debug for details)'}\n`);
  }
  process.exit(code);
}
