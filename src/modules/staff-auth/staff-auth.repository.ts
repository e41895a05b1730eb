import type { StaffUser } from '@prisma/client';
import { readRows } from '../../db/prepared.js';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { prismaWhereToSql, PositionalParams } from '../access/scope-sql.js';
import { scope } from '../shared/guard.js';

const sessionFields = {
  id: true,
  email: true,
  name: true,
  role: true,
  locale: true,
  status: true,
  sessionVersion: true,
} as const;
export type StaffSessionRow = Pick<StaffUser, keyof typeof sessionFields>;
export type StaffLoginRow = Pick<StaffUser, 'failedLoginCount' | 'lockedUntil' | 'status' | 'lastLoginAt'>;

/** The columns an ability condition on StaffUser may name in the session check. */
const SESSION_SCOPE_FIELDS = { id: 'uuid', role: '"StaffRole"', status: '"StaffStatus"' } as const;

/** A condition no row meets (what `scope` yields for "no rule"), for the self clause of non-staff actors. */
const NO_ROW = { id: { in: [] as string[] } };

/**
 * The rows a session may `action`, or its own staff account: a staff member manages their own
 * second factor and language whatever their role (the account is theirs), an administrator
 * anyone's the ability lets them update.
 */
function selfOrScope(s: ReadSession, action: Action): Record<string, unknown> {
  const allowed = scope(s.ctx, action, 'StaffUser');
  // No condition at all (an administrator, the system): every row. Prisma drops an empty `{}`
  // from an OR list, so it must not be combined with the self clause.
  if (!Object.keys(allowed).length) return allowed;
  return { OR: [allowed, s.ctx.actor.type === 'STAFF' ? { id: s.ctx.actor.id } : NO_ROW] };
}

/**
 * The persistence of staff authentication. Logins and session checks run on a system session
 * (there is nobody signed in yet, or the check is what keeps the session alive); everything
 * here applies the session's ability, and names the one exception of "self" in its query.
 */
export const staffAuthRepository = {
  /** The account a login attempt names, with its credentials. */
  findForLogin: (s: ReadSession, email: string) =>
    dbOf(s).staffUser.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { email }] },
      select: { ...sessionFields, passwordHash: true, totpSecret: true },
    }),

  /** The account of a pending second factor, with its TOTP secret. */
  findForSecondFactor: (s: ReadSession, id: string) =>
    dbOf(s).staffUser.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { id }] },
      select: { ...sessionFields, totpSecret: true, totpLastStep: true },
    }),

  /**
   * Records `step` as the last TOTP step used, only if it is later than the one recorded: false
   * when the code's step was already used (a replay, or a concurrent login with the same code).
   * Own account only: this runs inside the login of that account.
   */
  async claimTotpStep(s: WriteSession, id: string, step: number): Promise<boolean> {
    const claimed = await txOf(s).staffUser.updateMany({
      where: { id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
      data: { totpLastStep: BigInt(step) },
    });
    return claimed.count === 1;
  },

  /**
   * Locks the account row for the rest of the transaction, so concurrent failures count once
   * each. One statement: the ability is rendered into its WHERE by the CASL -> SQL translator.
   */
  async lockForLogin(s: WriteSession, id: string): Promise<StaffLoginRow | undefined> {
    const params = new PositionalParams();
    const idRef = params.add(id, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'StaffUser'), 'st', { id: 'uuid' }, params);
    const rows = await txOf(s).$queryRawUnsafe<StaffLoginRow[]>(
      `SELECT st."failedLoginCount", st."lockedUntil", st."status", st."lastLoginAt"
       FROM "StaffUser" st WHERE st."id" = ${idRef} AND (${allowed}) FOR UPDATE`,
      ...params.values,
    );
    return rows[0];
  },

  /** Records the outcome of a login attempt on an account the session may update. */
  async updateLoginState(
    s: WriteSession,
    id: string,
    data: Partial<Pick<StaffUser, 'failedLoginCount' | 'lockedUntil' | 'lastLoginAt'>>,
  ): Promise<Pick<StaffUser, 'failedLoginCount' | 'lockedUntil' | 'lastLoginAt'>> {
    const tx = txOf(s);
    const { count } = await tx.staffUser.updateMany({ where: { AND: [scope(s.ctx, 'update', 'StaffUser'), { id }] }, data });
    if (count !== 1) throw new Error('login state of an account outside the session');
    return tx.staffUser.findUniqueOrThrow({
      where: { id },
      select: { failedLoginCount: true, lockedUntil: true, lastLoginAt: true },
    });
  },

  /** The current state of an account: a session's owner (checked on every admin request). */
  async findSessionState(s: ReadSession, id: string): Promise<StaffSessionRow | null> {
    // In SQL, a prepared statement: it runs on every admin request, and Prisma's query compiler
    // spent more CPU on it than the database does.
    const params = new PositionalParams();
    const idRef = params.add(id, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, 'read', 'StaffUser'), 'st', SESSION_SCOPE_FIELDS, params);
    const text = `SELECT st."id", st."email", st."name", st."role"::text AS "role", st."locale", st."status"::text AS "status",
        st."sessionVersion"
      FROM "StaffUser" st WHERE st."id" = ${idRef} AND (${allowed})`;
    return (await readRows<StaffSessionRow>(s, text, params.values))[0] ?? null;
  },

  /** The account whose second factor the session may change (its own, or one it may update), locked. */
  async lockSelfOrVisible(s: WriteSession, id: string): Promise<StaffSessionRow | null> {
    const tx = txOf(s);
    const visible = await tx.staffUser.findFirst({ where: { AND: [selfOrScope(s, 'update'), { id }] }, select: { id: true } });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "StaffUser" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.staffUser.findUnique({ where: { id }, select: sessionFields });
  },

  /** Sets or clears the TOTP secret of the session's own account or one it may update. */
  async setTotpSecret(s: WriteSession, id: string, totpSecret: string | null): Promise<boolean> {
    const { count } = await txOf(s).staffUser.updateMany({
      where: { AND: [selfOrScope(s, 'update'), { id }] },
      data: { totpSecret, totpLastStep: null },
    });
    return count === 1;
  },

  /** Stores the language of the session's own staff account (nobody else's). */
  async updateOwnLocale(s: WriteSession, locale: string): Promise<StaffSessionRow | null> {
    if (s.ctx.actor.type !== 'STAFF') return null;
    const id = s.ctx.actor.id;
    const tx = txOf(s);
    const { count } = await tx.staffUser.updateMany({ where: { id }, data: { locale } });
    return count === 1 ? tx.staffUser.findUnique({ where: { id }, select: sessionFields }) : null;
  },

  /** The session's own staff account. */
  findOwn: (s: ReadSession): Promise<StaffSessionRow | null> =>
    s.ctx.actor.type === 'STAFF'
      ? dbOf(s).staffUser.findUnique({ where: { id: s.ctx.actor.id }, select: sessionFields })
      : Promise.resolve(null),

  /**
   * Replaces the account's recovery codes by these hashes (all at once: generating again
   * invalidates the old ones); an empty list removes them. Own account or one the session may update.
   */
  async replaceRecoveryCodes(s: WriteSession, staffUserId: string, codeHashes: string[]): Promise<void> {
    const tx = txOf(s);
    await tx.staffRecoveryCode.deleteMany({ where: { AND: [{ staffUserId }, { staffUser: selfOrScope(s, 'update') }] } });
    if (codeHashes.length)
      await tx.staffRecoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ staffUserId, codeHash })) });
  },

  /**
   * Spends one unused recovery code of the account (the login of that account): false when no
   * unused code has this hash. Under the account's login lock, so a code is good once even when
   * two logins race with it.
   */
  async spendRecoveryCode(s: WriteSession, staffUserId: string, codeHash: string, at: Date): Promise<boolean> {
    const spent = await txOf(s).staffRecoveryCode.updateMany({
      where: { AND: [{ staffUserId, codeHash, usedAt: null }, { staffUser: scope(s.ctx, 'update', 'StaffUser') }] },
      data: { usedAt: at },
    });
    return spent.count === 1;
  },

  /** Whether the account has an unused recovery code with this hash (the login's credential check). */
  hasUnusedRecoveryCode: async (s: ReadSession, staffUserId: string, codeHash: string): Promise<boolean> =>
    (await dbOf(s).staffRecoveryCode.count({
      where: { AND: [{ staffUserId, codeHash, usedAt: null }, { staffUser: scope(s.ctx, 'read', 'StaffUser') }] },
    })) === 1,

  /** How many unused recovery codes the account has left. */
  countUnusedRecoveryCodes: (s: ReadSession, staffUserId: string): Promise<number> =>
    dbOf(s).staffRecoveryCode.count({
      where: { AND: [{ staffUserId, usedAt: null }, { staffUser: scope(s.ctx, 'read', 'StaffUser') }] },
    }),
};
