import type { Prisma } from '@prisma/client';
import { dbOf, definerPoolOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { prismaWhereToSql, PositionalParams, type FieldTypes } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** What every authenticated request needs to know about its user, in one round trip. */
export interface Principal {
  status: string;
  role: 'OWNER' | 'MEMBER';
  locale: string;
  tenantId: string;
  tenantStatus: string;
  familyRevoked: boolean;
}

export interface RefreshTokenRow {
  id: string;
  tenantId: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** The User columns a CASL condition of ours may name, for SQL written by hand. */
const USER_FIELDS: FieldTypes = { id: 'uuid', tenantId: 'uuid' };

/** The principal check, a SECURITY DEFINER function (migration 103): all-tenants by definition. */
const PRINCIPAL_SQL = `SELECT "status", "role", "locale", "tenantId", "tenantStatus", "familyRevoked"
  FROM backoffice_api_principal($1::uuid, $2::uuid)`;

/** Refresh tokens belong to their user: a session reaches the tokens of users it may read. */
const ownedBy = (s: ReadSession) => ({ user: scope(s.ctx, 'read', 'User') });

/**
 * The only code of this module that touches User credentials and RefreshToken rows. The API's
 * authentication runs before there is a user context (a system session): every method still
 * applies the session's ability, a refresh token through the user it belongs to.
 */
export const apiAuthRepository = {
  /**
   * The user's and tenant's status and whether the token's refresh family was revoked (logout,
   * reuse), in one statement: the SECURITY DEFINER function backoffice_api_principal, through the
   * raw pool with no tenant set (definerPoolOf: no transaction, no settings) as a prepared
   * statement when the session has one (it runs on every authenticated request), otherwise
   * through Prisma. Ignores the session's ability: this is the check a user's ability is then
   * built from (a verified token names the user).
   */
  async unsafeLoadPrincipal(s: ReadSession, userId: string, familyId: string): Promise<Principal | null> {
    const pool = definerPoolOf(s);
    if (pool) {
      const { rows } = await pool.query<Principal>({
        name: 'api_auth_principal_fn',
        text: PRINCIPAL_SQL,
        values: [userId, familyId],
      });
      return rows[0] ?? null;
    }
    const rows = await dbOf(s).$queryRawUnsafe<Principal[]>(PRINCIPAL_SQL, userId, familyId);
    return rows[0] ?? null;
  },

  /** The user a login names, with their tenant's status. */
  findUserByEmail: (s: ReadSession, email: string) =>
    dbOf(s).user.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'User'), { email }] },
      include: { tenant: { select: { id: true, status: true } } },
    }),

  emailExists: async (s: ReadSession, email: string) =>
    (await dbOf(s).user.count({ where: { AND: [scope(s.ctx, 'read', 'User'), { email }] } })) > 0,

  /** Locks the user's row so that concurrent failed logins count one by one. */
  async lockUserCounters(
    s: WriteSession,
    userId: string,
  ): Promise<{ failedLoginCount: number; lockedUntil: Date | null } | null> {
    const params = new PositionalParams();
    const idRef = params.add(userId, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'User'), 'u', USER_FIELDS, params);
    const rows = await txOf(s).$queryRawUnsafe<Array<{ failedLoginCount: number; lockedUntil: Date | null }>>(
      `SELECT u."failedLoginCount", u."lockedUntil" FROM "User" u WHERE u."id" = ${idRef} AND (${allowed}) FOR UPDATE`,
      ...params.values,
    );
    return rows[0] ?? null;
  },

  /** Changes a user the session may `action` (login bookkeeping); false when it may not. */
  updateUser: async (s: WriteSession, userId: string, data: Prisma.UserUpdateManyMutationInput, action: Action = 'update') =>
    (await txOf(s).user.updateMany({ where: { AND: [scope(s.ctx, action, 'User'), { id: userId }] }, data })).count === 1,

  /**
   * The refresh token row with this hash, locked (the token's row only) for the rest of the
   * transaction: concurrent rotations of one token serialise here, so exactly one of them sees
   * it unused. The token's user must be one the session may read.
   */
  async lockRefreshToken(s: WriteSession, tokenHash: string): Promise<RefreshTokenRow | null> {
    const params = new PositionalParams();
    const hashRef = params.add(tokenHash, 'text');
    const allowed = prismaWhereToSql(scope(s.ctx, 'read', 'User'), 'u', USER_FIELDS, params);
    const rows = await txOf(s).$queryRawUnsafe<RefreshTokenRow[]>(
      `SELECT r."id"::text AS "id", r."tenantId"::text AS "tenantId", r."userId"::text AS "userId", r."familyId"::text AS "familyId",
              r."expiresAt", r."usedAt", r."revokedAt"
       FROM "RefreshToken" r JOIN "User" u ON u."id" = r."userId"
       WHERE r."tokenHash" = ${hashRef} AND (${allowed})
       FOR UPDATE OF r`,
      ...params.values,
    );
    return rows[0] ?? null;
  },

  /** Stores a new refresh token (its hash) of a user the session may read. */
  insertRefreshToken: (
    s: WriteSession,
    data: { tenantId: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
  ) => {
    requireCreatable(s.ctx, 'User', { id: data.userId, tenantId: data.tenantId }, 'read');
    return txOf(s).refreshToken.create({ data, select: { id: true } });
  },

  markUsed: async (s: WriteSession, id: string, at: Date) =>
    (await txOf(s).refreshToken.updateMany({ where: { AND: [{ id }, ownedBy(s)] }, data: { usedAt: at } })).count === 1,

  /** Revokes every live token of a family; returns how many. */
  revokeFamily: async (s: WriteSession, familyId: string, at: Date) =>
    (
      await txOf(s).refreshToken.updateMany({
        where: { AND: [{ familyId, revokedAt: null }, ownedBy(s)] },
        data: { revokedAt: at },
      })
    ).count,

  userStatus: (s: ReadSession, userId: string) =>
    dbOf(s).user.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'User'), { id: userId }] },
      select: { id: true, role: true, status: true, tenant: { select: { status: true } } },
    }),

  /** The session's own user (a tenant user's profile) with their tenant, when the ability lets them read it. */
  findOwnProfile: (s: ReadSession) =>
    dbOf(s).user.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'User'), { id: s.ctx.actor.id }] },
      include: { tenant: true },
    }),
};
