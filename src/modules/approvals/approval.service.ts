import { createHash } from 'node:crypto';
import type { ApprovalPolicy, ApprovalRequest, Prisma, StaffRole } from '@prisma/client';
import type { ReadSession, WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors.js';
import { canonicalJson } from '../audit/audit.hash.js';
import { diffRecords, redactDetails } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, recordFailure, requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import { HeldForApproval, toApprovalView, type ApprovalRequestView } from './approval.held.js';
import type { approvalRepository } from './approval.repository.js';
import { ApprovalListInput, ApproveInput, RejectInput, UpdateApprovalPolicyInput, WithdrawInput } from './approval.schemas.js';

export type ApprovalService = ReturnType<typeof createApprovalService>;

/** What a guarded change acts on, read in the acting person's session. */
export interface DescribedChange {
  tenantId: string | null;
  targetType: string;
  targetId: string | null;
  /** The state the change depends on: its fingerprint is compared at execution (drift). */
  state: unknown;
  /** What will change, before/after (shown to the checker). */
  preview: Record<string, unknown>;
  /** The maker's reason (every guarded input carries one, or gets the action's description). */
  reason: string | null;
}

/**
 * One guarded action: when a call of it needs a second person (`needsApproval`), what it acts
 * on (`describe`), whether a checker could perform it themselves (`canPerform`), and how the held
 * input is executed — through the very service function the unguarded call runs.
 */
export interface GuardedAction<I> {
  /** The policy's action key (ApprovalPolicy.action). */
  action: string;
  /** The guarded input again from what the request keeps (dates come back as strings). */
  parse(stored: Prisma.JsonValue): I;
  /** Reads the change's target and state within `s` (the maker's session, later the checker's). */
  describe(s: ReadSession, input: I): Promise<DescribedChange>;
  /** Whether this call needs approval under the policy (e.g. an amount from the threshold). */
  needsApproval(input: I, change: DescribedChange, policy: ApprovalPolicy): boolean;
  /** Whether the checker's ability lets them perform the change themselves. */
  canPerform(ctx: ServiceContext, change: DescribedChange): boolean;
  /** The input as it is kept in the request (JSON; secrets replaced, e.g. a password by its hash). */
  store?(input: I): Promise<Prisma.InputJsonValue>;
  /** Runs the held input (as stored) through the domain service, inside the approval's transaction. */
  execute(ctx: ServiceContext, stored: Prisma.JsonValue, options: WriteOptions): Promise<{ id?: string } | unknown>;
}

export interface ApprovalServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  approvals: typeof approvalRepository;
  outbox: Pick<typeof outboxRepository, 'enqueue'>;
}

/** The SHA-256 of a state, canonically serialised (key order does not matter). */
export const fingerprintOf = (state: unknown): string =>
  createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(state ?? null)) as unknown))
    .digest('hex');

/**
 * The payload of an approval notice (`approval.requested`, `approval.reminder`): who may decide,
 * as they were when it was written. The mail consumer re-checks each of them (still active, still
 * an approver role, a support agent still granted the tenant) when it delivers.
 */
const noticeOf = (
  r: Pick<ApprovalRequest, 'id' | 'action' | 'expiresAt' | 'approverRoles' | 'makerType' | 'makerId'>,
  approvers: ReadonlyArray<{ id: string }>,
) => ({
  requestId: r.id,
  action: r.action,
  expiresAt: r.expiresAt.toISOString(),
  approverRoles: [...r.approverRoles],
  approverIds: approvers.filter((a) => !(r.makerType === 'STAFF' && a.id === r.makerId)).map((a) => a.id),
});

/** Thrown inside a transaction to roll it back; turned into an audited refusal outside. */
class Refused extends Error {
  constructor(
    readonly error: AppError,
    readonly tenantId: string | null,
  ) {
    super(error.code);
  }
}

const sameActor = (ctx: ServiceContext, r: Pick<ApprovalRequest, 'makerType' | 'makerId'>) =>
  ctx.actor.type === r.makerType && ctx.actor.id === r.makerId;

const refusal = (code: string, kind: 'FORBIDDEN' | 'CONFLICT' = 'FORBIDDEN') => new AppError({ code, kind });

/**
 * Four-eyes approval (ADR 0013). `guard` wraps a domain service function: for a human actor whose
 * call the policy guards, it records an approval request (with the input, the reason, the maker
 * and the fingerprint of the state it was made against) and throws HeldForApproval instead of
 * making the change. `approve` executes it, once enough other people approved, through the same
 * service function and inside the same transaction as the approval, against the current state —
 * failing on drift. Every step is one audit event in its transaction, recordId = the request id.
 */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const { db, audit, approvals, outbox } = deps;
  const registry = new Map<string, GuardedAction<unknown>>();

  const record = (
    s: WriteSession,
    r: Pick<ApprovalRequest, 'id' | 'tenantId' | 'action'>,
    step: string,
    extra: { reason?: string | null; diff?: Record<string, unknown>; outcome?: 'SUCCESS' | 'FAILURE' } = {},
  ) =>
    audit.record(s, {
      ...actorFields(s.ctx),
      tenantId: r.tenantId,
      action: `approval.${step}`,
      resource: 'ApprovalRequest',
      recordId: r.id,
      reason: extra.reason ?? null,
      outcome: extra.outcome ?? 'SUCCESS',
      diff: { action: { from: null, to: r.action }, ...(extra.diff ?? {}) },
    });

  /** An audited refusal of a step on a request (DENIED, in its own transaction). */
  const refuse = (
    ctx: ServiceContext,
    step: string,
    r: { id: string; tenantId: string | null },
    error: AppError,
    reason?: string,
  ) =>
    // A conflict with the request's state is a failed attempt (FAILURE); anything else a refusal (DENIED).
    (error.kind === 'CONFLICT' ? recordFailure : deny)(
      deps,
      ctx,
      { action: `approval.${step}`, resource: 'ApprovalRequest', recordId: r.id, tenantId: r.tenantId, reason },
      error,
    );

  /** Whether the actor is a person the guard applies to (staff, tenant users): see ADR 0013 on the system. */
  const isPerson = (ctx: ServiceContext) => ctx.actor.type === 'STAFF' || ctx.actor.type === 'USER';

  /**
   * Wraps `run` (the unguarded service function) with the guard of `def`: a call the enabled
   * policy guards becomes an approval request; any other call runs `run` unchanged. `inputOf`
   * picks the guarded input out of the call's arguments.
   */
  function guard<A extends unknown[], R, I>(
    def: GuardedAction<I>,
    run: (ctx: ServiceContext, ...args: A) => Promise<R>,
    inputOf: (args: NoInfer<A>) => I,
  ): (ctx: ServiceContext, ...args: A) => Promise<R> {
    registry.set(def.action, def);
    return async (ctx, ...args) => {
      const policy = await db.read(ctx, (s) => approvals.unsafeFindPolicy(s, def.action));
      if (!policy?.enabled) return run(ctx, ...args);
      let input: I;
      try {
        input = inputOf(args);
      } catch {
        // Input the service refuses anyway: let it refuse (with its own error and audit).
        return run(ctx, ...args);
      }
      const change = await db.read(ctx, (s) => def.describe(s, input));
      if (!def.needsApproval(input, change, policy)) return run(ctx, ...args);
      // The system actor (a CLI command run without --as, a job, the seed) names nobody a checker
      // could hold to account and nobody the maker rule could exclude: a change the enabled
      // policy guards needs a named person, so the system is refused here, not let through.
      if (!isPerson(ctx))
        throw await deny(
          deps,
          ctx,
          {
            action: 'approval.request',
            resource: 'ApprovalRequest',
            recordId: change.targetId,
            tenantId: change.tenantId,
            reason: change.reason,
          },
          refusal('APPROVAL.PERSON_REQUIRED'),
        );
      throw new HeldForApproval(await hold(ctx, def, policy, input, change));
    };
  }

  /**
   * Refuses the call while the policy of `action` is on: for a path that would make that guarded
   * change inside another one (a staff member created with tenant grants would get grants without
   * the access.grant request). Audited DENIED as `info.action`; 409 `code`.
   */
  async function refuseWhileGuarded(
    ctx: ServiceContext,
    action: string,
    info: { action: string; resource: string; reason?: string | null },
    code: string,
  ): Promise<void> {
    const policy = await db.read(ctx, (s) => approvals.unsafeFindPolicy(s, action));
    if (policy?.enabled) throw await deny(deps, ctx, { ...info, tenantId: null }, refusal(code, 'CONFLICT'));
  }

  async function hold<I>(
    ctx: ServiceContext,
    def: GuardedAction<I>,
    policy: ApprovalPolicy,
    input: I,
    change: DescribedChange,
  ): Promise<ApprovalRequestView> {
    const info = { action: 'approval.request', resource: 'ApprovalRequest', tenantId: change.tenantId, reason: change.reason };
    // The maker must be able to make the change themselves: a held request is not a way around the ability.
    if (!def.canPerform(ctx, change)) throw await deny(deps, ctx, { ...info, recordId: change.targetId }, forbidden());
    const makerStaffId = ctx.actor.type === 'STAFF' ? ctx.actor.id : null;
    const others = await db.read(ctx, (s) =>
      approvals.unsafeListApprovers(s, { roles: policy.approverRoles, tenantId: change.tenantId, excludeId: makerStaffId }),
    );
    if (others.length < policy.approvalsRequired) throw await deny(deps, ctx, info, refusal('APPROVAL.NO_APPROVER', 'CONFLICT'));
    const stored = def.store ? await def.store(input) : (JSON.parse(JSON.stringify(input)) as Prisma.InputJsonValue);
    const fingerprint = fingerprintOf(change.state);
    return db.write(ctx, async (s) => {
      // The same change asked again (a retried request): the pending request stands.
      const again = await approvals.findPendingDuplicate(s, {
        action: def.action,
        makerType: ctx.actor.type,
        makerId: ctx.actor.id,
        fingerprint,
        input: stored,
      });
      if (again) return toApprovalView(again);
      const now = Date.now();
      const request = await approvals.createRequest(s, {
        tenantId: change.tenantId,
        action: def.action,
        policyId: policy.id,
        policyVersion: policy.version,
        targetType: change.targetType,
        targetId: change.targetId,
        input: stored,
        preview: redactDetails(change.preview) as Prisma.InputJsonValue,
        reason: change.reason ?? policy.description ?? def.action,
        makerType: ctx.actor.type,
        makerId: ctx.actor.id,
        makerRole: ctx.actor.role,
        fingerprint,
        approverRoles: policy.approverRoles,
        approvalsRequired: policy.approvalsRequired,
        expiresAt: new Date(now + policy.ttlHours * 3_600_000),
      });
      await record(s, request, 'request', {
        reason: request.reason,
        diff: { ...change.preview, policyVersion: { from: null, to: policy.version } },
      });
      // The approvers hear about it now (mail through the outbox), not only at half-life.
      await outbox.enqueue(s, {
        tenantId: request.tenantId,
        type: 'approval.requested',
        payload: noticeOf(request, others),
      });
      return toApprovalView(request);
    });
  }

  /** Checks the segregation of duties for `ctx` deciding on `r` (inside the request's lock). */
  async function requireChecker(s: ReadSession, ctx: ServiceContext, r: ApprovalRequest, def: GuardedAction<unknown>) {
    const fail = (code: string, kind: 'FORBIDDEN' | 'CONFLICT' = 'FORBIDDEN') => new Refused(refusal(code, kind), r.tenantId);
    if (r.status !== 'PENDING') throw fail('APPROVAL.NOT_PENDING', 'CONFLICT');
    if (r.expiresAt.getTime() <= Date.now()) throw fail('APPROVAL.EXPIRED', 'CONFLICT');
    if (ctx.actor.type !== 'STAFF') throw fail('APPROVAL.STAFF_ONLY');
    // Never one's own request, whatever one's role (a superadmin included) and whichever door.
    if (sameActor(ctx, r)) throw fail('APPROVAL.OWN_REQUEST');
    if (!r.approverRoles.includes(ctx.actor.role)) throw fail('APPROVAL.ROLE_NOT_APPROVER');
    const decisions = await approvals.listDecisions(s, r.id);
    if (decisions.some((d) => d.checkerId === ctx.actor.id)) throw fail('APPROVAL.ALREADY_DECIDED', 'CONFLICT');
    // A checker must be able to make the change themselves (a support agent within their grants).
    const current = await def.describe(s, def.parse(r.input));
    if (!def.canPerform(ctx, current)) throw fail('APPROVAL.CHECKER_CANNOT_PERFORM');
    return current;
  }

  const definitionOf = (r: ApprovalRequest) => {
    const def = registry.get(r.action);
    if (!def) throw new AppError({ code: 'APPROVAL.UNKNOWN_ACTION', kind: 'CONFLICT', internal: r.action });
    return def;
  };

  type Outcome = { request: ApprovalRequest; drift?: true };

  /**
   * Approves a request (another person than its maker, with an approver role and the ability to
   * make the change). With enough approvals the change executes in this transaction, through the
   * guarded service function, against the current state: when that state differs from the one
   * the request was made against, the request fails (audited) and the call answers 409
   * APPROVAL.DRIFT. Concurrent approvals serialise on the request's row lock: it executes once.
   */
  async function approve(ctx: ServiceContext, raw: ApproveInput): Promise<ApprovalRequestView> {
    const input = ApproveInput.parse(raw);
    const target = { id: input.requestId, tenantId: null as string | null };
    let executing = false;
    let outcome: Outcome | null;
    try {
      outcome = await db.write(ctx, async (s): Promise<Outcome | null> => {
        const r = isUuid(input.requestId) ? await approvals.lockVisible(s, input.requestId, 'approve') : null;
        if (!r) return null;
        target.tenantId = r.tenantId;
        const def = definitionOf(r);
        const current = await requireChecker(s, ctx, r, def);
        await approvals.addDecision(s, r, {
          checkerId: ctx.actor.id,
          checkerRole: ctx.actor.role as StaffRole,
          verdict: 'APPROVE',
          reason: input.reason ?? null,
        });
        const given = r.approvalsGiven + 1;
        await record(s, r, 'approve', {
          reason: input.reason ?? null,
          diff: { approvalsGiven: { from: r.approvalsGiven, to: given } },
        });
        if (given < r.approvalsRequired) return { request: (await approvals.transition(s, r.id, { approvalsGiven: given }))! };
        if (fingerprintOf(current.state) !== r.fingerprint) {
          const failed = (await approvals.transition(s, r.id, {
            approvalsGiven: given,
            status: 'FAILED',
            failureCode: 'APPROVAL.DRIFT',
            decidedAt: new Date(),
            decidedById: ctx.actor.id,
          }))!;
          await record(s, r, 'fail', {
            outcome: 'FAILURE',
            reason: 'The state changed since the request was made',
            diff: { status: { from: 'PENDING', to: 'FAILED' }, failureCode: { from: null, to: 'APPROVAL.DRIFT' } },
          });
          return { request: failed, drift: true };
        }
        executing = true;
        const result = (await def.execute(ctx, r.input, { session: s })) as { id?: unknown; userId?: unknown } | null;
        // The record the change made or changed (an erasure's cancellation answers with its user).
        const made = result?.id ?? result?.userId;
        const resultId = typeof made === 'string' ? made : null;
        const executed = (await approvals.transition(s, r.id, {
          approvalsGiven: given,
          status: 'EXECUTED',
          decidedAt: new Date(),
          decidedById: ctx.actor.id,
          resultId,
        }))!;
        await record(s, r, 'execute', {
          diff: { status: { from: 'PENDING', to: 'EXECUTED' }, resultId: { from: null, to: resultId } },
        });
        return { request: executed };
      });
    } catch (err) {
      if (err instanceof Refused) throw await refuse(ctx, 'approve', { id: input.requestId, tenantId: err.tenantId }, err.error);
      if (isUniqueViolation(err)) throw await refuse(ctx, 'approve', target, refusal('APPROVAL.ALREADY_DECIDED', 'CONFLICT'));
      if (executing && err instanceof AppError) throw await failExecution(ctx, input.requestId, err);
      throw err;
    }
    if (!outcome) throw await refuse(ctx, 'approve', target, notFound('approval_request'));
    if (outcome.drift) throw conflict('APPROVAL.DRIFT');
    return toApprovalView(outcome.request);
  }

  /**
   * The change itself refused on execution (its service threw: the record is gone, a rule now
   * refuses it). The approval's transaction rolled back; the request fails in a new one, with the
   * checker's decision and one audit event, and the service's error is answered.
   */
  async function failExecution(ctx: ServiceContext, requestId: string, error: AppError): Promise<AppError> {
    await db.write(ctx, async (s) => {
      const r = await approvals.lockVisible(s, requestId, 'approve');
      if (!r || r.status !== 'PENDING' || ctx.actor.type !== 'STAFF') return;
      await approvals.transition(s, r.id, {
        status: 'FAILED',
        failureCode: error.code.slice(0, 100),
        decidedAt: new Date(),
        decidedById: ctx.actor.id,
      });
      await record(s, r, 'fail', {
        outcome: 'FAILURE',
        reason: `Execution refused: ${error.code}`,
        diff: { status: { from: 'PENDING', to: 'FAILED' }, failureCode: { from: null, to: error.code } },
      });
    });
    return error;
  }

  /** Rejects a request (reason required; the same segregation of duties as approving). */
  async function reject(ctx: ServiceContext, raw: RejectInput): Promise<ApprovalRequestView> {
    const input = RejectInput.parse(raw);
    let result: ApprovalRequest | null;
    try {
      result = await db.write(ctx, async (s) => {
        const r = isUuid(input.requestId) ? await approvals.lockVisible(s, input.requestId, 'approve') : null;
        if (!r) return null;
        await requireChecker(s, ctx, r, definitionOf(r));
        await approvals.addDecision(s, r, {
          checkerId: ctx.actor.id,
          checkerRole: ctx.actor.role as StaffRole,
          verdict: 'REJECT',
          reason: input.reason,
        });
        const rejected = (await approvals.transition(s, r.id, {
          status: 'REJECTED',
          rejectionReason: input.reason,
          decidedAt: new Date(),
          decidedById: ctx.actor.id,
        }))!;
        await record(s, r, 'reject', { reason: input.reason, diff: { status: { from: 'PENDING', to: 'REJECTED' } } });
        return rejected;
      });
    } catch (err) {
      if (err instanceof Refused)
        throw await refuse(ctx, 'reject', { id: input.requestId, tenantId: err.tenantId }, err.error, input.reason);
      if (isUniqueViolation(err))
        throw await refuse(
          ctx,
          'reject',
          { id: input.requestId, tenantId: null },
          refusal('APPROVAL.ALREADY_DECIDED', 'CONFLICT'),
        );
      throw err;
    }
    if (!result) throw await refuse(ctx, 'reject', { id: input.requestId, tenantId: null }, notFound('approval_request'));
    return toApprovalView(result);
  }

  /** The maker withdraws their own pending request (nobody else may). */
  async function withdraw(ctx: ServiceContext, raw: WithdrawInput): Promise<ApprovalRequestView> {
    const input = WithdrawInput.parse(raw);
    let result: ApprovalRequest | null;
    try {
      result = await db.write(ctx, async (s) => {
        const r = isUuid(input.requestId) ? await approvals.lockVisible(s, input.requestId, 'read') : null;
        if (!r) return null;
        if (!sameActor(ctx, r)) throw new Refused(refusal('APPROVAL.NOT_MAKER'), r.tenantId);
        if (r.status !== 'PENDING') throw new Refused(refusal('APPROVAL.NOT_PENDING', 'CONFLICT'), r.tenantId);
        const withdrawn = (await approvals.transition(s, r.id, {
          status: 'WITHDRAWN',
          decidedAt: new Date(),
          decidedById: ctx.actor.id,
        }))!;
        await record(s, r, 'withdraw', { reason: input.reason ?? null, diff: { status: { from: 'PENDING', to: 'WITHDRAWN' } } });
        return withdrawn;
      });
    } catch (err) {
      if (err instanceof Refused) throw await refuse(ctx, 'withdraw', { id: input.requestId, tenantId: err.tenantId }, err.error);
      throw err;
    }
    if (!result) throw await refuse(ctx, 'withdraw', { id: input.requestId, tenantId: null }, notFound('approval_request'));
    return toApprovalView(result);
  }

  /**
   * The periodic job (system): pending requests past their expiry become EXPIRED (one audit event
   * each), and pending ones half-way through their life remind their approvers once, through the
   * outbox (mail) — the admin's dashboard shows them as waiting all along.
   */
  async function sweep(ctx: ServiceContext, now = new Date(), limit = 200): Promise<{ expired: number; reminded: number }> {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'the approval sweep runs as a system job');
    const expired = await db.write(ctx, async (s) => {
      const due = await approvals.lockExpired(s, now, limit);
      for (const r of due) {
        await approvals.transition(s, r.id, { status: 'EXPIRED', decidedAt: now });
        await record(s, r, 'expire', { diff: { status: { from: 'PENDING', to: 'EXPIRED' } } });
      }
      return due.length;
    });
    const reminded = await db.write(ctx, async (s) => {
      const due = await approvals.lockRemindable(s, now, limit);
      for (const r of due) {
        const approvers = await approvals.unsafeListApprovers(s, {
          roles: r.approverRoles,
          tenantId: r.tenantId,
          excludeId: r.makerType === 'STAFF' ? r.makerId : null,
          now,
        });
        await outbox.enqueue(s, { tenantId: r.tenantId, type: 'approval.reminder', payload: noticeOf(r, approvers) });
        await approvals.transition(s, r.id, { remindedAt: now });
        await record(s, r, 'remind', {
          diff: { remindedAt: { from: null, to: now.toISOString() }, approvers: { from: null, to: approvers.length } },
        });
      }
      return due.length;
    });
    return { expired, reminded };
  }

  /** One request the actor may read, or NOT_FOUND; with its decisions. */
  async function get(ctx: ServiceContext, id: string) {
    const found = isUuid(id)
      ? await db.read(ctx, async (s) => {
          const r = await approvals.findVisible(s, id);
          return r && { request: toApprovalView(r), decisions: await approvals.listDecisions(s, id) };
        })
      : null;
    if (!found) throw notFound('approval_request');
    return found;
  }

  /** The pending requests this staff member could decide on (role, ability, not their own). */
  const pendingWhere = (ctx: ServiceContext): Prisma.ApprovalRequestWhereInput =>
    ctx.actor.type === 'STAFF'
      ? {
          status: 'PENDING',
          expiresAt: { gt: new Date() },
          approverRoles: { has: ctx.actor.role },
          NOT: { makerType: 'STAFF', makerId: ctx.actor.id },
        }
      : { id: { in: [] } };

  /** The Approvals lists: pending for me, made by me, history (all I may read). */
  async function list(ctx: ServiceContext, raw: ApprovalListInput = {}): Promise<ApprovalRequestView[]> {
    const input = ApprovalListInput.parse(raw);
    const rows = await db.read(ctx, (s) => {
      switch (input.view) {
        case 'pendingForMe':
          return approvals.listVisible(s, { AND: [pendingWhere(ctx)] }, input.limit).then((all) =>
            // Pending for me = what my ability lets me approve, not only read.
            ctx.ability.can('approve', 'ApprovalRequest') ? filterApprovable(s, ctx, all) : [],
          );
        case 'madeByMe':
          return approvals.listVisible(s, { makerType: ctx.actor.type, makerId: ctx.actor.id }, input.limit);
        case 'history':
          return approvals.listVisible(s, {}, input.limit);
      }
    });
    return rows.map(toApprovalView);
  }

  async function filterApprovable(s: ReadSession, ctx: ServiceContext, rows: ApprovalRequest[]) {
    const out: ApprovalRequest[] = [];
    for (const r of rows) if (await approvals.findVisible(s, r.id, 'approve')) out.push(r);
    return out;
  }

  /** How many requests wait for this staff member's decision (their dashboard). */
  const countPendingForMe = (ctx: ServiceContext): Promise<number> =>
    db.read(ctx, (s) => approvals.countVisible(s, pendingWhere(ctx), 'approve'));

  /** Policies the actor may read. */
  const listPolicies = (ctx: ServiceContext) => db.read(ctx, (s) => approvals.listPolicies(s));

  /** A superadmin changes a policy: a new version (snapshot kept), audited `approval_policy.update` with its diff. */
  async function updatePolicy(ctx: ServiceContext, id: string, raw: UpdateApprovalPolicyInput): Promise<ApprovalPolicy> {
    const input = UpdateApprovalPolicyInput.parse(raw);
    const info = { action: 'approval_policy.update', recordId: id, reason: input.reason };
    await requireAbility(deps, ctx, 'update', 'ApprovalPolicy', info);
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await approvals.lockPolicy(s, id) : null;
      if (!before) return null;
      const after = await approvals.updatePolicy(
        s,
        before,
        {
          description: input.description === undefined ? before.description : input.description,
          enabled: input.enabled ?? before.enabled,
          approverRoles: input.approverRoles ? [...new Set(input.approverRoles)] : before.approverRoles,
          approvalsRequired: input.approvalsRequired ?? before.approvalsRequired,
          ttlHours: input.ttlHours ?? before.ttlHours,
          thresholds: (input.thresholds ?? before.thresholds) as Prisma.InputJsonValue,
        },
        input.reason ?? null,
      );
      await audit.record(s, {
        ...actorFields(ctx),
        action: 'approval_policy.update',
        resource: 'ApprovalPolicy',
        recordId: after.id,
        reason: input.reason ?? null,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'ApprovalPolicy' });
    return result;
  }

  /** The versions a policy has had, newest first. */
  const policyVersions = (ctx: ServiceContext, policyId: string) =>
    db.read(ctx, (s) => approvals.listPolicyVersions(s, policyId));

  return {
    guard,
    refuseWhileGuarded,
    approve,
    reject,
    withdraw,
    sweep,
    get,
    list,
    countPendingForMe,
    listPolicies,
    updatePolicy,
    policyVersions,
  };
}
