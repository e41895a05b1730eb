import type { StaffRole } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope } from '../shared/guard.js';

/**
 * Who an outbox notification goes to: the reads of User the consumers make when they run (they
 * re-read the current state rather than trust the event), each within the session's ability and
 * bounded to the event's tenant.
 */
export const recipientRepository = {
  /** The tenant's longest-standing owner who can still receive mail (not closed, disabled or erased). */
  findNotifiableOwner: (s: ReadSession, tenantId: string) =>
    dbOf(s).user.findFirst({
      where: {
        AND: [
          scope(s.ctx, 'read', 'User'),
          { tenantId, role: 'OWNER', status: { notIn: ['CLOSED', 'DISABLED'] }, erasedAt: null },
        ],
      },
      orderBy: { createdAt: 'asc' },
      select: { email: true, name: true, locale: true },
    }),

  /** The user of a password-reset request, within the event's tenant. */
  findResetRecipient: (s: ReadSession, userId: string, tenantId: string) =>
    dbOf(s).user.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'User'), { id: userId, tenantId }] },
      select: { id: true, email: true, name: true, locale: true, status: true, erasedAt: true, passwordResetSentAt: true },
    }),

  /**
   * The approvers among `ids` who may still decide now: active, of one of `roles`, and a support
   * agent only with an active grant on the request's tenant (none for a change without one),
   * within the session's ability. The notice was written earlier; people change meanwhile.
   */
  listCurrentApprovers: (
    s: ReadSession,
    ids: readonly string[],
    by: { roles: readonly StaffRole[]; tenantId: string | null; now?: Date },
  ) =>
    dbOf(s).staffUser.findMany({
      where: {
        AND: [
          scope(s.ctx, 'read', 'StaffUser'),
          {
            id: { in: [...ids] },
            status: 'ACTIVE',
            role: { in: [...by.roles] },
            OR: [
              { role: { not: 'SUPPORT' } },
              by.tenantId
                ? { accessGrants: { some: { tenantId: by.tenantId, revokedAt: null, expiresAt: { gt: by.now ?? new Date() } } } }
                : { id: { in: [] } },
            ],
          },
        ],
      },
      select: { id: true, email: true, name: true, locale: true },
      orderBy: { createdAt: 'asc' },
    }),

  /** Active staff members among `ids` (approvers to remind), within the session's ability. */
  listActiveStaff: (s: ReadSession, ids: readonly string[]) =>
    dbOf(s).staffUser.findMany({
      where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { id: { in: [...ids] }, status: 'ACTIVE' }] },
      select: { id: true, email: true, name: true, locale: true },
    }),

  /** The user of an email verification or change, within the event's tenant. */
  findAddressRecipient: (s: ReadSession, userId: string, tenantId: string) =>
    dbOf(s).user.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'User'), { id: userId, tenantId }] },
      select: {
        id: true,
        email: true,
        pendingEmail: true,
        name: true,
        locale: true,
        status: true,
        erasedAt: true,
        emailVerifiedAt: true,
        emailVerificationSentAt: true,
      },
    }),

  /**
   * The user of a marketing message, only while they consent to marketing (and their address is
   * verified and their account open): the consent is part of the query, re-read at delivery, so a
   * withdrawal between the event and its delivery is honoured.
   */
  findMarketingRecipient: (s: ReadSession, userId: string, tenantId: string) =>
    dbOf(s).user.findFirst({
      where: {
        AND: [
          scope(s.ctx, 'read', 'User'),
          { id: userId, tenantId, marketingConsent: true, emailVerifiedAt: { not: null }, status: 'ACTIVE', erasedAt: null },
        ],
      },
      select: { id: true, email: true, name: true, locale: true },
    }),
};
