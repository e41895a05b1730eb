import type { Prisma, StaffRole, StaffUser, TenantAccessGrant } from '@prisma/client';
import { readRows } from '../../db/prepared.js';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { prismaWhereToSql, PositionalParams } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** The StaffUser columns a CASL condition of ours may name, for SQL written by hand. */
const STAFF_FIELDS = { id: 'uuid' } as const;

/**
 * The only code that touches StaffUser and TenantAccessGrant. Every method takes the session and
 * applies its ability in the query; reads that build a staff member's context run before that
 * context exists, and say so in their names.
 */
export const staffRepository = {
  /**
   * Tenant ids a staff member may reach right now: active, unexpired, unrevoked grants. Read on
   * behalf of the context builder (no ability yet: this is what the ability is made from).
   */
  async unsafeActiveGrantTenantIds(s: ReadSession, staffUserId: string, now = new Date()): Promise<string[]> {
    // A prepared read: it runs on every request of a support agent (their context), and Prisma's
    // query compiler was ~9 % of the app's CPU on a support agent's list GET (issue 17).
    const grants = await readRows<{ tenantId: string }>(
      s,
      `SELECT DISTINCT g."tenantId"::text AS "tenantId" FROM "TenantAccessGrant" g
        WHERE g."staffUserId" = $1::uuid AND g."revokedAt" IS NULL AND g."expiresAt" > $2::timestamptz`,
      [staffUserId, now],
    );
    return grants.map((g) => g.tenantId);
  },

  /** Creates a staff account; refused unless the ability may create staff. */
  create: (s: WriteSession, data: Prisma.StaffUserCreateInput) => {
    requireCreatable(s.ctx, 'StaffUser', data);
    return txOf(s).staffUser.create({ data });
  },

  /** One staff account the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).staffUser.findFirst({ where: { AND: [scope(s.ctx, action, 'StaffUser'), { id }] } }),

  /** The id of the staff account with this login email, when the session may read it. */
  findVisibleIdByEmail: async (s: ReadSession, email: string): Promise<string | null> =>
    (
      await dbOf(s).staffUser.findFirst({
        where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { email: email.trim().toLowerCase() }] },
        select: { id: true },
      })
    )?.id ?? null,

  /**
   * Locks a staff account the session may `action` for the rest of the transaction (concurrent
   * changes serialise) and returns it; null when it may not. One statement: the ability is
   * rendered into its WHERE by the CASL -> SQL translator.
   */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<StaffUser | null> {
    const params = new PositionalParams();
    const idRef = params.add(id, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, action, 'StaffUser'), 'st', STAFF_FIELDS, params);
    const tx = txOf(s);
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT st."id"::text AS "id" FROM "StaffUser" st WHERE st."id" = ${idRef} AND (${allowed}) FOR UPDATE`,
      ...params.values,
    );
    return rows.length ? tx.staffUser.findUnique({ where: { id } }) : null;
  },

  /** Changes a staff account the session may `action` (update by default); null when it may not. */
  async updateVisible(
    s: WriteSession,
    id: string,
    data: Prisma.StaffUserUpdateManyMutationInput,
    action: Action = 'update',
  ): Promise<StaffUser | null> {
    const tx = txOf(s);
    const { count } = await tx.staffUser.updateMany({ where: { AND: [scope(s.ctx, action, 'StaffUser'), { id }] }, data });
    return count === 1 ? tx.staffUser.findUnique({ where: { id } }) : null;
  },

  /** Active staff accounts per role, among those the session may read (the superadmin dashboard). */
  countActiveByRole: async (s: ReadSession): Promise<Array<{ role: StaffRole; count: number }>> =>
    (
      await dbOf(s).staffUser.groupBy({
        by: ['role'],
        where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { status: 'ACTIVE' }] },
        _count: { _all: true },
      })
    ).map((r) => ({ role: r.role, count: r._count._all })),

  // --- tenant access grants ----------------------------------------------------------------

  /** Creates a grant; refused unless the ability may create grants like it. */
  createGrant: (s: WriteSession, data: Prisma.TenantAccessGrantUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'TenantAccessGrant', data);
    return txOf(s).tenantAccessGrant.create({ data });
  },

  /** How many grants (any state) of a staff member the session may read. */
  countVisibleGrantsOf: (s: ReadSession, staffUserId: string) =>
    dbOf(s).tenantAccessGrant.count({ where: { AND: [scope(s.ctx, 'read', 'TenantAccessGrant'), { staffUserId }] } }),

  /** Locks a grant the session may `action` for the rest of the transaction and returns it; null when it may not. */
  async lockVisibleGrant(s: WriteSession, id: string, action: Action): Promise<TenantAccessGrant | null> {
    const tx = txOf(s);
    const visible = await tx.tenantAccessGrant.findFirst({
      where: { AND: [scope(s.ctx, action, 'TenantAccessGrant'), { id }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "TenantAccessGrant" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.tenantAccessGrant.findUnique({ where: { id } });
  },

  /** Changes a grant the session may `action`; null when it may not. */
  async updateGrantVisible(
    s: WriteSession,
    id: string,
    data: Prisma.TenantAccessGrantUncheckedUpdateManyInput,
    action: Action,
  ): Promise<TenantAccessGrant | null> {
    const tx = txOf(s);
    const { count } = await tx.tenantAccessGrant.updateMany({
      where: { AND: [scope(s.ctx, action, 'TenantAccessGrant'), { id }] },
      data,
    });
    return count === 1 ? tx.tenantAccessGrant.findUnique({ where: { id } }) : null;
  },
};
