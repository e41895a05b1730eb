import type { ConsentPurpose, ConsentSource } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { requireCreatable, scope } from '../shared/guard.js';

/**
 * The only code that touches ConsentChange, and the lifecycle's own reads and writes of User and
 * RefreshToken. Consent changes and refresh tokens belong to their user: every method reaches
 * them through the users the session's ability lets it read (or update).
 */
export const lifecycleRepository = {
  /** Appends one consent change of a user the session may update. */
  recordConsentChange: (
    s: WriteSession,
    data: { tenantId: string; userId: string; purpose: ConsentPurpose; granted: boolean; source: ConsentSource; createdAt: Date },
  ) => {
    requireCreatable(s.ctx, 'User', { id: data.userId, tenantId: data.tenantId }, 'update');
    return txOf(s).consentChange.create({ data, select: { id: true } });
  },

  /** The latest consent changes of a user the session may read, newest first. */
  listConsentChanges: (s: ReadSession, userId: string, take = 20) =>
    dbOf(s).consentChange.findMany({
      where: { AND: [{ userId }, { user: scope(s.ctx, 'read', 'User') }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: { purpose: true, granted: true, source: true, createdAt: true },
    }),

  /** Revokes every live refresh token of a user the session may update (a new password ends every session). */
  revokeRefreshTokensOfUser: async (s: WriteSession, userId: string, at: Date): Promise<number> =>
    (
      await txOf(s).refreshToken.updateMany({
        where: { AND: [{ userId, revokedAt: null }, { user: scope(s.ctx, 'update', 'User') }] },
        data: { revokedAt: at },
      })
    ).count,

  /**
   * Whether an address is any user's current email, in any tenant. Ignores the session's ability
   * on purpose: a login address is unique across the whole product, and a user asking to move
   * to an address must learn that it is taken (as registration does), though they cannot read
   * the account that holds it. Answers a yes or no, nothing else.
   */
  unsafeEmailInUse: async (s: ReadSession, email: string): Promise<boolean> =>
    (await dbOf(s).user.count({ where: { email } })) > 0,

  /** The users of a tenant who may receive marketing mail now (consent given, address verified, account open). */
  listMarketingAudience: (s: ReadSession, tenantId: string) =>
    dbOf(s).user.findMany({
      where: {
        AND: [
          scope(s.ctx, 'read', 'User'),
          { tenantId, marketingConsent: true, emailVerifiedAt: { not: null }, status: 'ACTIVE', erasedAt: null },
        ],
      },
      select: { id: true },
      orderBy: { id: 'asc' },
    }),
};
