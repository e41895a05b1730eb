import type { PrismaClient, StaffUser } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';

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

/**
 * The only Prisma access of staff authentication. Reads here happen before anyone is
 * authenticated (login) or to re-check a session's owner, so they are by id or email and are
 * named for that purpose; nothing here lists staff.
 */
export const staffAuthRepository = {
  /** The account a login attempt names; pre-authentication, so not scoped by an ability. */
  unsafeFindForLogin: (db: PrismaClient, email: string) =>
    db.staffUser.findUnique({ where: { email }, select: { ...sessionFields, passwordHash: true, totpSecret: true } }),

  /** The account of a pending second factor, with its TOTP secret. */
  unsafeFindForSecondFactor: (db: PrismaClient, id: string) =>
    db.staffUser.findUnique({ where: { id }, select: { ...sessionFields, totpSecret: true, totpLastStep: true } }),

  /**
   * Records `step` as the last TOTP step used, only if it is later than the one recorded: false
   * when the code's step was already used (a replay, or a concurrent login with the same code).
   */
  async claimTotpStep(tx: Tx, id: string, step: number): Promise<boolean> {
    const claimed = await tx.staffUser.updateMany({
      where: { id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
      data: { totpLastStep: BigInt(step) },
    });
    return claimed.count === 1;
  },

  setTotpSecret: (tx: Tx, id: string, totpSecret: string | null) =>
    tx.staffUser.update({ where: { id }, data: { totpSecret, totpLastStep: null }, select: { id: true, totpSecret: true } }),

  /** Locks the account row for the rest of the transaction, so concurrent failures count once each. */
  async lockForLogin(tx: Tx, id: string): Promise<StaffLoginRow | undefined> {
    const rows = await tx.$queryRaw<StaffLoginRow[]>`
      SELECT "failedLoginCount", "lockedUntil", "status", "lastLoginAt"
      FROM "StaffUser" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return rows[0];
  },

  updateLoginState: (tx: Tx, id: string, data: Partial<Pick<StaffUser, 'failedLoginCount' | 'lockedUntil' | 'lastLoginAt'>>) =>
    tx.staffUser.update({ where: { id }, data, select: { failedLoginCount: true, lockedUntil: true, lastLoginAt: true } }),

  /** The current state of a session's owner: checked on every admin request. */
  unsafeFindSessionState: (db: Pick<PrismaClient, 'staffUser'>, id: string): Promise<StaffSessionRow | null> =>
    db.staffUser.findUnique({ where: { id }, select: sessionFields }),

  updateLocale: (tx: Tx, id: string, locale: string) =>
    tx.staffUser.update({ where: { id }, data: { locale }, select: sessionFields }),
};
