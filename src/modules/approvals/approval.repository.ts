import type { ApprovalDecision, ApprovalPolicy, ApprovalRequest, Prisma, StaffRole } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { prismaWhereToSql, PositionalParams, type FieldTypes } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** The ApprovalRequest columns a CASL condition of ours may name, for SQL written by hand. */
const REQUEST_FIELDS: FieldTypes = { id: 'uuid', tenantId: 'uuid', action: 'text', makerType: '"ActorType"', makerId: 'text' };

/**
 * The only code that touches ApprovalPolicy, ApprovalPolicyVersion, ApprovalRequest and
 * ApprovalDecision. Every method applies the session's ability; the one read beyond it (who
 * could approve) says so in its name.
 */
export const approvalRepository = {
  // --- policies -------------------------------------------------------------------------

  /**
   * The policy of a guarded action. Read for the guard, whoever acts: whether a change needs a
   * second person is not a secret of the policy's managers, and the maker's ability to read
   * policies must not decide whether their change is held (a policy nobody may read would
   * otherwise switch the guard off).
   */
  unsafeFindPolicy: (s: ReadSession, action: string): Promise<ApprovalPolicy | null> =>
    dbOf(s).approvalPolicy.findUnique({ where: { action } }),

  /** Policies the session may read, by action. */
  listPolicies: (s: ReadSession): Promise<ApprovalPolicy[]> =>
    dbOf(s).approvalPolicy.findMany({ where: scope(s.ctx, 'read', 'ApprovalPolicy'), orderBy: { action: 'asc' } }),

  /** Locks a policy the session may update for the rest of the transaction; null when it may not. */
  async lockPolicy(s: WriteSession, id: string): Promise<ApprovalPolicy | null> {
    const tx = txOf(s);
    const visible = await tx.approvalPolicy.findFirst({
      where: { AND: [scope(s.ctx, 'update', 'ApprovalPolicy'), { id }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "ApprovalPolicy" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.approvalPolicy.findUnique({ where: { id } });
  },

  /** Changes a policy (the session may update it) and records the new version's snapshot. */
  async updatePolicy(
    s: WriteSession,
    before: ApprovalPolicy,
    data: Pick<ApprovalPolicy, 'enabled' | 'approverRoles' | 'approvalsRequired' | 'ttlHours'> & {
      thresholds: Prisma.InputJsonValue;
      description: string | null;
    },
    reason: string | null,
  ): Promise<ApprovalPolicy> {
    const tx = txOf(s);
    const { count } = await tx.approvalPolicy.updateMany({
      where: { AND: [scope(s.ctx, 'update', 'ApprovalPolicy'), { id: before.id, version: before.version }] },
      data: { ...data, version: { increment: 1 } },
    });
    if (count !== 1) throw new Error('approval policy changed under its lock');
    const after = (await tx.approvalPolicy.findUnique({ where: { id: before.id } }))!;
    await tx.approvalPolicyVersion.create({
      data: {
        policyId: after.id,
        version: after.version,
        snapshot: {
          enabled: after.enabled,
          approverRoles: after.approverRoles,
          approvalsRequired: after.approvalsRequired,
          ttlHours: after.ttlHours,
          thresholds: after.thresholds as Prisma.InputJsonValue,
        },
        changedByType: s.ctx.actor.type,
        changedById: s.ctx.actor.id,
        reason,
      },
    });
    return after;
  },

  /** The versions of a policy the session may read, newest first. */
  listPolicyVersions: async (s: ReadSession, policyId: string) => {
    const policy = await dbOf(s).approvalPolicy.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'ApprovalPolicy'), { id: policyId }] },
      select: { id: true },
    });
    if (!policy) return [];
    return dbOf(s).approvalPolicyVersion.findMany({ where: { policyId }, orderBy: { version: 'desc' } });
  },

  // --- requests -------------------------------------------------------------------------

  /** Records a request; refused unless the maker could read a request like it (their own). */
  createRequest: (s: WriteSession, data: Prisma.ApprovalRequestUncheckedCreateInput): Promise<ApprovalRequest> => {
    requireCreatable(s.ctx, 'ApprovalRequest', data, 'read');
    return txOf(s).approvalRequest.create({ data });
  },

  /** The maker's pending request for the same change (same action, target and input), if any. */
  findPendingDuplicate: (
    s: ReadSession,
    by: {
      action: string;
      makerType: ApprovalRequest['makerType'];
      makerId: string;
      fingerprint: string;
      input: Prisma.InputJsonValue;
    },
  ): Promise<ApprovalRequest | null> =>
    dbOf(s).approvalRequest.findFirst({
      where: {
        AND: [
          scope(s.ctx, 'read', 'ApprovalRequest'),
          {
            status: 'PENDING',
            action: by.action,
            makerType: by.makerType,
            makerId: by.makerId,
            fingerprint: by.fingerprint,
            input: { equals: by.input },
            expiresAt: { gt: new Date() },
          },
        ],
      },
    }),

  /** One request the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).approvalRequest.findFirst({ where: { AND: [scope(s.ctx, action, 'ApprovalRequest'), { id }] } }),

  /**
   * Locks a request the session may `action` for the rest of the transaction and returns it;
   * null when it may not. Concurrent decisions on one request serialise here: the second sees
   * the state the first committed. One statement, the ability rendered into its WHERE.
   */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<ApprovalRequest | null> {
    const params = new PositionalParams();
    const idRef = params.add(id, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, action, 'ApprovalRequest'), 'ar', REQUEST_FIELDS, params);
    const tx = txOf(s);
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT ar."id"::text AS "id" FROM "ApprovalRequest" ar WHERE ar."id" = ${idRef} AND (${allowed}) FOR UPDATE`,
      ...params.values,
    );
    return rows.length ? tx.approvalRequest.findUnique({ where: { id } }) : null;
  },

  /**
   * Moves a PENDING request the session may read on: the WHERE names the state it leaves, so a
   * transition happens once however many try it. Null when it was no longer pending.
   */
  async transition(
    s: WriteSession,
    id: string,
    data: Prisma.ApprovalRequestUncheckedUpdateManyInput,
  ): Promise<ApprovalRequest | null> {
    const tx = txOf(s);
    const { count } = await tx.approvalRequest.updateMany({
      where: { AND: [scope(s.ctx, 'read', 'ApprovalRequest'), { id, status: 'PENDING' }] },
      data,
    });
    return count === 1 ? tx.approvalRequest.findUnique({ where: { id } }) : null;
  },

  /** Requests the session may read, newest first, narrowed by the filters. */
  listVisible: (s: ReadSession, where: Prisma.ApprovalRequestWhereInput, take: number): Promise<ApprovalRequest[]> =>
    dbOf(s).approvalRequest.findMany({
      where: { AND: [scope(s.ctx, 'read', 'ApprovalRequest'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** How many requests the session may `action` meet the filters (dashboards). */
  countVisible: (s: ReadSession, where: Prisma.ApprovalRequestWhereInput, action: Action = 'read') =>
    dbOf(s).approvalRequest.count({ where: { AND: [scope(s.ctx, action, 'ApprovalRequest'), where] } }),

  /** Pending requests past their expiry, locked (skipping ones being decided right now). */
  async lockExpired(s: WriteSession, now: Date, limit: number): Promise<ApprovalRequest[]> {
    const params = new PositionalParams();
    const nowRef = params.add(now.toISOString(), 'timestamptz');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'ApprovalRequest'), 'ar', REQUEST_FIELDS, params);
    const tx = txOf(s);
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT ar."id"::text AS "id" FROM "ApprovalRequest" ar
        WHERE ar."status" = 'PENDING' AND ar."expiresAt" <= ${nowRef} AND (${allowed})
        ORDER BY ar."expiresAt" LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
      ...params.values,
    );
    return rows.length ? tx.approvalRequest.findMany({ where: { id: { in: rows.map((r) => r.id) } } }) : [];
  },

  /** Pending requests not reminded yet whose reminder is due (`dueBefore`: created before it). */
  lockRemindable: async (s: WriteSession, now: Date, limit: number): Promise<ApprovalRequest[]> => {
    const tx = txOf(s);
    const candidates = await tx.approvalRequest.findMany({
      where: {
        AND: [scope(s.ctx, 'update', 'ApprovalRequest'), { status: 'PENDING', remindedAt: null, expiresAt: { gt: now } }],
      },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    // Half of its life gone: the approvers hear about it (once).
    const due = candidates.filter(
      (r) => r.createdAt.getTime() + (r.expiresAt.getTime() - r.createdAt.getTime()) / 2 <= now.getTime(),
    );
    if (!due.length) return [];
    await tx.$queryRaw`SELECT 1 FROM "ApprovalRequest" WHERE "id" = ANY(${due.map((r) => r.id)}::uuid[]) AND "status" = 'PENDING' ORDER BY "id" FOR UPDATE SKIP LOCKED`;
    return due;
  },

  // --- decisions ------------------------------------------------------------------------

  /** Records one checker's decision; the unique (request, checker) key refuses a second one. */
  addDecision: (
    s: WriteSession,
    request: ApprovalRequest,
    data: { checkerId: string; checkerRole: StaffRole; verdict: ApprovalDecision['verdict']; reason: string | null },
  ): Promise<ApprovalDecision> => {
    requireCreatable(s.ctx, 'ApprovalRequest', request, 'approve');
    return txOf(s).approvalDecision.create({ data: { ...data, requestId: request.id } });
  },

  /** The decisions on a request the session may read, oldest first. */
  listDecisions: async (s: ReadSession, requestId: string): Promise<ApprovalDecision[]> =>
    dbOf(s).approvalDecision.findMany({
      where: { requestId, request: { AND: [scope(s.ctx, 'read', 'ApprovalRequest')] } },
      orderBy: { createdAt: 'asc' },
    }),

  // --- approvers ------------------------------------------------------------------------

  /**
   * Active staff other than `excludeId` who could approve: their role is one of `roles`, and a
   * support agent holds an active grant on the tenant (none for a change without a tenant).
   * Beyond the session's ability on purpose: a maker may not read other staff, yet a request
   * that nobody else could approve must be refused, and reminders must reach the approvers.
   */
  unsafeListApprovers: (
    s: ReadSession,
    by: { roles: readonly StaffRole[]; tenantId: string | null; excludeId: string | null; now?: Date },
  ): Promise<Array<{ id: string; email: string; name: string; locale: string; role: StaffRole }>> =>
    dbOf(s).staffUser.findMany({
      where: {
        status: 'ACTIVE',
        role: { in: [...by.roles] },
        ...(by.excludeId ? { id: { not: by.excludeId } } : {}),
        OR: [
          { role: { not: 'SUPPORT' } },
          by.tenantId
            ? {
                accessGrants: {
                  some: { tenantId: by.tenantId, revokedAt: null, expiresAt: { gt: by.now ?? new Date() } },
                },
              }
            : { id: { in: [] } },
        ],
      },
      select: { id: true, email: true, name: true, locale: true, role: true },
      orderBy: { createdAt: 'asc' },
      take: 200,
    }),
};
