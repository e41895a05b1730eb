import type { Command } from 'commander';
import { operatorContext } from '../operator.js';
import { describeRequest, positiveInt, withServices } from '../shared.js';

const AS_REQUIRED = [
  '--as <email>',
  'the staff member deciding, signed in with BACKOFFICE_AS_PASSWORD (and BACKOFFICE_AS_TOTP)',
] as const;

/**
 * Four-eyes approval on the command line (ADR 0013): list, show, approve, reject and withdraw
 * requests through the same approvals service as the admin — as a named staff member (`--as`,
 * signed in), so the maker rule, one decision per person, approver roles and grants hold here as
 * they do there, and every step is audited in the same events.
 */
export function registerApprovalCommands(program: Command): void {
  program
    .command('approval:list')
    .description('list approval requests: waiting for my decision (default), made by me (--mine), or all I may see (--all)')
    .requiredOption(...AS_REQUIRED)
    .option('--mine', 'the requests I made (any status)')
    .option('--all', 'every request I may see (any status)')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(async (opts: { as: string; mine?: boolean; all?: boolean; limit: number }) => {
      if (opts.mine && opts.all) throw new Error('--mine and --all exclude each other');
      await withServices(async ({ services }) => {
        const ctx = await operatorContext(services, 'approval:list', opts.as);
        const view = opts.mine ? 'madeByMe' : opts.all ? 'history' : 'pendingForMe';
        const rows = await services.approvals.list(ctx, { view, limit: Math.max(1, Math.min(opts.limit, 200)) });
        if (!rows.length) {
          console.log(view === 'pendingForMe' ? 'Nothing waits for your decision.' : 'No requests.');
          return;
        }
        for (const r of rows)
          console.log(
            [r.id, r.status, r.action, `${r.approvalsGiven}/${r.approvalsRequired}`, r.expiresAt.toISOString(), r.reason].join(
              '\t',
            ),
          );
      });
    });

  program
    .command('approval:show')
    .description('show one request: what will change (before → after) and the decisions so far')
    .argument('<id>', 'the request id')
    .requiredOption(...AS_REQUIRED)
    .action(async (id: string, opts: { as: string }) => {
      await withServices(async ({ services }) => {
        const ctx = await operatorContext(services, 'approval:show', opts.as);
        const { request, decisions } = await services.approvals.get(ctx, id);
        for (const line of describeRequest(request)) console.log(line);
        console.log('  changes:');
        const preview = (request.preview ?? {}) as Record<string, { from?: unknown; to?: unknown } | unknown>;
        for (const [field, change] of Object.entries(preview)) {
          const pair = (change && typeof change === 'object' && 'to' in change ? change : { to: change }) as {
            from?: unknown;
            to?: unknown;
          };
          const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
          console.log(`    ${field}: ${show(pair.from)} → ${show(pair.to)}`);
        }
        console.log(`  decisions: ${decisions.length ? '' : 'none'}`);
        for (const d of decisions)
          console.log(
            `    ${d.createdAt.toISOString()} ${d.verdict} by ${d.checkerRole} ${d.checkerId}${d.reason ? `: ${d.reason}` : ''}`,
          );
      });
    });

  program
    .command('approval:approve')
    .description('approve a request (never your own); with enough approvals the change is made now')
    .argument('<id>', 'the request id')
    .requiredOption(...AS_REQUIRED)
    .option('--reason <text>', 'why (recorded in the audit trail)')
    .action(async (id: string, opts: { as: string; reason?: string }) => {
      await withServices(async ({ services }) => {
        const ctx = await operatorContext(services, 'approval:approve', opts.as);
        const r = await services.approvals.approve(ctx, { requestId: id, reason: opts.reason });
        console.log(
          r.status === 'EXECUTED'
            ? `Approved: the change is made (${r.action}${r.resultId ? `, ${r.resultId}` : ''}).`
            : `Approved (${r.approvalsGiven}/${r.approvalsRequired}): it waits for more approvals.`,
        );
      });
    });

  program
    .command('approval:reject')
    .description('reject a request (never your own); a reason is required')
    .argument('<id>', 'the request id')
    .requiredOption(...AS_REQUIRED)
    .requiredOption('--reason <text>', 'why (recorded in the audit trail and shown to the maker)')
    .action(async (id: string, opts: { as: string; reason: string }) => {
      await withServices(async ({ services }) => {
        const ctx = await operatorContext(services, 'approval:reject', opts.as);
        await services.approvals.reject(ctx, { requestId: id, reason: opts.reason });
        console.log('Rejected: nothing is changed.');
      });
    });

  program
    .command('approval:withdraw')
    .description('withdraw a pending request you made')
    .argument('<id>', 'the request id')
    .requiredOption(...AS_REQUIRED)
    .option('--reason <text>', 'why (recorded in the audit trail)')
    .action(async (id: string, opts: { as: string; reason?: string }) => {
      await withServices(async ({ services }) => {
        const ctx = await operatorContext(services, 'approval:withdraw', opts.as);
        await services.approvals.withdraw(ctx, { requestId: id, reason: opts.reason });
        console.log('Withdrawn: nothing is changed.');
      });
    });
}
