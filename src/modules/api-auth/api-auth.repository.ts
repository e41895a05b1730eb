import type { Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import type { Tx } from '../../db/prisma.js';

type Db = Tx | PrismaClient;

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

const PRINCIPAL_SQL = `
  SELECT u."status"::text AS "status", u."role"::text AS "role", u."locale", u."tenantId"::text AS "tenantId",
         t."status"::text AS "tenantStatus",
         EXISTS (SELECT 1 FROM "RefreshToken" r WHERE r."familyId" = $2::uuid AND r."revokedAt" IS NOT NULL) AS "familyRevoked"
  FROM "User" u JOIN "Tenant" t ON t."id" = u."tenantId"
  WHERE u."id" = $1::uuid`;

/** The only code of this module that touches User credentials and RefreshToken rows. */
export const apiAuthRepository = {
  /**
   * The user's and tenant's status and whether the token's refresh family was revoked (logout,
   * reuse), in one round trip. Through the raw pg pool as a prepared statement when given (it
   * runs on every authenticated request), otherwise through Prisma.
   */
  async loadPrincipal(db: Db, userId: string, familyId: string, pool?: pg.Pool): Promise<Principal | null> {
    if (pool) {
      const { rows } = await pool.query<Principal>({
        name: 'api_auth_principal',
        text: PRINCIPAL_SQL,
        values: [userId, familyId],
      });
      return rows[0] ?? null;
    }
    const rows = await db.$queryRawUnsafe<Principal[]>(PRINCIPAL_SQL, userId, familyId);
    return rows[0] ?? null;
  },

  findUserByEmail: (db: Db, email: string) =>
    db.user.findUnique({ where: { email }, include: { tenant: { select: { id: true, status: true } } } }),

  emailExists: async (db: Db, email: string) => (await db.user.count({ where: { email } })) > 0,

  /** Locks the user's row so that concurrent failed logins count one by one. */
  async lockUserCounters(tx: Tx, userId: string): Promise<{ failedLoginCount: number; lockedUntil: Date | null }> {
    const rows = await tx.$queryRaw<Array<{ failedLoginCount: number; lockedUntil: Date | null }>>`
      SELECT "failedLoginCount", "lockedUntil" FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    return rows[0]!;
  },

  updateUser: (tx: Tx, userId: string, data: Prisma.UserUpdateInput) =>
    tx.user.update({ where: { id: userId }, data, select: { id: true } }),

  /** The refresh token row with this hash, locked for the rest of the transaction. */
  async lockRefreshToken(tx: Tx, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await tx.$queryRaw<RefreshTokenRow[]>`
      SELECT "id"::text AS "id", "tenantId"::text AS "tenantId", "userId"::text AS "userId", "familyId"::text AS "familyId",
             "expiresAt", "usedAt", "revokedAt"
      FROM "RefreshToken" WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
    return rows[0] ?? null;
  },

  insertRefreshToken: (
    tx: Tx,
    data: { tenantId: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
  ) => tx.refreshToken.create({ data, select: { id: true } }),

  markUsed: (tx: Tx, id: string, at: Date) =>
    tx.refreshToken.update({ where: { id }, data: { usedAt: at }, select: { id: true } }),

  /** Revokes every live token of a family; returns how many. */
  revokeFamily: async (tx: Tx, familyId: string, at: Date) =>
    (await tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } })).count,

  userStatus: (db: Db, userId: string) =>
    db.user.findUnique({
      where: { id: userId },
      select: { id: true, role: true, status: true, tenant: { select: { status: true } } },
    }),
};
