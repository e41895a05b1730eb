import type { ConsentSource, OutboxEvent, User } from '@prisma/client';
import { z } from 'zod';
import type { WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict } from '../../lib/errors.js';
import { anonymousUserActor, buildAnonymousContext, buildSystemContext, type RequestMeta } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import type { apiAuthRepository } from '../api-auth/api-auth.repository.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { addressDigest, readAccountToken } from '../mail/account-token.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { userRepository } from '../users/user.repository.js';
import type { lifecycleRepository } from './lifecycle.repository.js';
import {
  ConsentsInput,
  PasswordResetConfirmInput,
  PasswordResetRequestInput,
  QueueMarketingInput,
  RectifyProfileInput,
  VerifyEmailInput,
} from './lifecycle.schemas.js';

/** A user may ask for a reset link once a minute; more requests answer alike and send nothing. */
export const RESET_REQUEST_INTERVAL_MS = 60_000;

/** The outbox event of a reset request by address, before anybody knows whose address it is. */
export const PASSWORD_RESET_LOOKUP = 'auth.password_reset_requested';
const PasswordResetLookup = z.object({
  email: z.string().min(1),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  correlationId: z.string().nullable(),
});

export interface LifecycleServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  users: typeof userRepository;
  credentials: typeof apiAuthRepository;
  lifecycle: typeof lifecycleRepository;
  outbox: typeof outboxRepository;
  /** Verifies the links of account mail (ACCOUNT_TOKEN_SECRET). */
  accountTokenKey: string;
  now?: () => Date;
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;

export interface ConsentState {
  marketing: boolean;
  notifications: boolean;
  updatedAt: Date | null;
  history: Array<{ purpose: 'MARKETING' | 'NOTIFICATIONS'; granted: boolean; source: ConsentSource; createdAt: Date }>;
}

/** A reset link that is not (or no longer) good: malformed, forged, expired, superseded or used. */
const invalidResetToken = () => new AppError({ code: 'AUTH.INVALID_RESET_TOKEN', kind: 'VALIDATION_ERROR' });
/** The same for a verification link. */
const invalidVerificationToken = () => new AppError({ code: 'AUTH.INVALID_VERIFICATION_TOKEN', kind: 'VALIDATION_ERROR' });
const userNotFound = () => new AppError({ code: 'USER.NOT_FOUND', kind: 'NOT_FOUND' });

const canResetPassword = (user: Pick<User, 'status' | 'erasedAt'>) =>
  !user.erasedAt && (user.status === 'ACTIVE' || user.status === 'LOCKED');

/**
 * The customer lifecycle a user completes on their own: password reset by email, email
 * verification (at registration and on a change of address), rectification of their personal
 * data, and consent. Every step is audited in its transaction; addresses never appear in clear
 * in the audit trail (diffRecords redacts them).
 */
export function createLifecycleService(deps: LifecycleServiceDeps) {
  const { db, audit, users, credentials, lifecycle, outbox } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * "I forgot my password". The request itself only queues the address (one insert, whatever
   * the address): the caller answers 202 with the same body, and known and unknown addresses
   * take the same time because the lookup happens later, in the outbox consumer below.
   */
  async function requestPasswordReset(meta: RequestMeta, raw: PasswordResetRequestInput): Promise<void> {
    const input = PasswordResetRequestInput.parse(raw);
    await db.write(buildAnonymousContext(meta), (s) =>
      outbox.enqueue(s, {
        type: PASSWORD_RESET_LOOKUP,
        payload: {
          email: input.email,
          ip: meta.ip ?? null,
          userAgent: meta.userAgent ?? null,
          correlationId: meta.correlationId ?? null,
        },
      }),
    );
  }

  /**
   * The outbox consumer of a queued reset request: a known, open account gets a new link (the
   * previous one stops working; at most one a minute), and every request is audited with the
   * request's ip and correlation id. The address the event carried is then removed from it, in
   * the same transaction (a redelivery finds nothing to do).
   */
  async function handlePasswordResetLookup(event: OutboxEvent): Promise<void> {
    const parsed = PasswordResetLookup.safeParse(event.payload);
    if (!parsed.success) return; // already handled (the address removed)
    const { email, ip, userAgent, correlationId } = parsed.data;
    const meta: RequestMeta = { ...(ip && { ip }), ...(userAgent && { userAgent }), ...(correlationId && { correlationId }) };
    const ctx = buildSystemContext(`outbox:${PASSWORD_RESET_LOOKUP}`, ALL_TENANTS, {
      correlationId: correlationId ?? `outbox-${event.id}`,
    });
    await db.write(ctx, async (s) => {
      const user = await credentials.findUserByEmail(s, email);
      const at = now();
      let reason: string | null = null;
      if (!user) reason = 'unknown_account';
      else if (!canResetPassword(user) || user.tenant.status === 'CLOSED') reason = 'not_active';
      else if (user.passwordResetSentAt && at.getTime() - user.passwordResetSentAt.getTime() < RESET_REQUEST_INTERVAL_MS)
        reason = 'throttled';
      if (user && reason === null) {
        await users.updateVisible(s, user.id, { passwordResetSentAt: at }, 'resetPassword');
        await outbox.enqueue(s, {
          tenantId: user.tenantId,
          type: 'user.password_reset_requested',
          payload: { userId: user.id, tenantId: user.tenantId, locale: user.locale, requestedBy: 'USER' },
        });
      }
      await audit.record(s, {
        ...anonymousUserActor(meta, user),
        tenantId: user?.tenantId ?? null,
        action: 'api.auth.password_reset_request',
        resource: 'User',
        recordId: user?.id ?? null,
        outcome: reason === null ? 'SUCCESS' : 'FAILURE',
        reason,
      });
      await outbox.replacePayload(s, event.id, { handled: true });
    });
  }

  /** Audits a refused link (bad signature, expired, superseded, used) and returns the error to throw. */
  async function refuseLink(
    meta: RequestMeta,
    action: string,
    user: Pick<User, 'id' | 'role' | 'tenantId'> | null,
    reason: string,
    error: AppError,
  ): Promise<AppError> {
    await db.write(buildAnonymousContext(meta), (s) =>
      audit.record(s, {
        ...anonymousUserActor(meta, user),
        tenantId: user?.tenantId ?? null,
        action,
        resource: 'User',
        recordId: user?.id ?? null,
        outcome: 'FAILURE',
        reason,
      }),
    );
    return error;
  }

  /**
   * Completes a reset: the link must be the user's current one (one use: completing clears it;
   * a newer request supersedes it; it expires after an hour) and the password must satisfy the
   * policy. The new password ends every session (all refresh tokens revoked, so access tokens stop
   * too), clears the lockout, and — the link proved the mailbox — verifies the address.
   */
  async function confirmPasswordReset(meta: RequestMeta, raw: PasswordResetConfirmInput): Promise<void> {
    const input = PasswordResetConfirmInput.parse(raw);
    const action = 'api.auth.password_reset';
    const claims = readAccountToken(deps.accountTokenKey, 'password-reset', input.token, now().getTime());
    if (!claims || !isUuid(claims.userId)) throw await refuseLink(meta, action, null, 'invalid_or_expired', invalidResetToken());
    requireAcceptablePassword(input.password);
    const passwordHash = await hashPassword(input.password);
    const outcome = await db.write(buildAnonymousContext(meta), async (s) => {
      const before = await users.lockVisible(s, claims.userId, 'resetPassword');
      if (!before) return { refused: null, reason: 'unknown_account' };
      if (before.passwordResetSentAt?.getTime() !== claims.requestedAt || !canResetPassword(before))
        return { refused: before, reason: before.passwordResetSentAt ? 'superseded' : 'used_or_cancelled' };
      const at = now();
      const after = (await users.updateVisible(
        s,
        before.id,
        {
          passwordHash,
          passwordResetSentAt: null,
          failedLoginCount: 0,
          lockedUntil: null,
          ...(before.status === 'LOCKED' ? { status: 'ACTIVE' as const } : {}),
          ...(before.emailVerifiedAt ? {} : { emailVerifiedAt: at }),
        },
        'resetPassword',
      ))!;
      const revoked = await lifecycle.revokeRefreshTokensOfUser(s, before.id, at);
      await audit.record(s, {
        ...anonymousUserActor(meta, before),
        tenantId: before.tenantId,
        action,
        resource: 'User',
        recordId: before.id,
        reason: `${revoked} refresh token(s) revoked`,
        diff: diffRecords(before, after),
      });
      return { refused: undefined, reason: null };
    });
    if (outcome.refused !== undefined) throw await refuseLink(meta, action, outcome.refused, outcome.reason, invalidResetToken());
  }

  /**
   * Follows a verification link: the address it proves becomes verified — and, for a change of
   * address, becomes the account's email only now. One use (completing clears the request); a
   * newer request supersedes it; it expires after two days. Audited without the addresses.
   */
  async function verifyEmail(meta: RequestMeta, raw: VerifyEmailInput): Promise<{ emailChanged: boolean }> {
    const input = VerifyEmailInput.parse(raw);
    const action = 'api.auth.email_verify';
    const claims = readAccountToken(deps.accountTokenKey, 'email-verify', input.token, now().getTime());
    if (!claims?.target || !isUuid(claims.userId))
      throw await refuseLink(meta, action, null, 'invalid_or_expired', invalidVerificationToken());
    let outcome: { refused: User | null; reason: string } | { emailChanged: boolean };
    try {
      outcome = await db.write(buildAnonymousContext(meta), async (s) => {
        const before = await users.lockVisible(s, claims.userId, 'update');
        if (!before) return { refused: null, reason: 'unknown_account' };
        const target = before.pendingEmail ?? before.email;
        if (
          before.emailVerificationSentAt?.getTime() !== claims.requestedAt ||
          addressDigest(target) !== claims.target ||
          before.erasedAt ||
          before.status === 'CLOSED' ||
          before.status === 'DISABLED'
        )
          return { refused: before, reason: before.emailVerificationSentAt ? 'superseded' : 'used_or_cancelled' };
        const at = now();
        const emailChanged = before.pendingEmail !== null;
        const after = (await users.updateVisible(
          s,
          before.id,
          {
            ...(emailChanged ? { email: before.pendingEmail!, pendingEmail: null } : {}),
            emailVerifiedAt: at,
            emailVerificationSentAt: null,
          },
          'update',
        ))!;
        await audit.record(s, {
          ...anonymousUserActor(meta, before),
          tenantId: before.tenantId,
          action: emailChanged ? 'user.email_change' : action,
          resource: 'User',
          recordId: before.id,
          diff: diffRecords(before, after),
        });
        return { emailChanged };
      });
    } catch (err) {
      // Someone registered the new address meanwhile.
      if (isUniqueViolation(err)) throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
    if ('refused' in outcome) throw await refuseLink(meta, action, outcome.refused, outcome.reason, invalidVerificationToken());
    return outcome;
  }

  /** Enqueues the verification link (and, for a change of address, the notice to the old one). */
  async function enqueueVerification(s: WriteSession, user: Pick<User, 'id' | 'tenantId'>, change: boolean): Promise<void> {
    const payload = { userId: user.id, tenantId: user.tenantId };
    await outbox.enqueue(s, { tenantId: user.tenantId, type: 'user.email_verification_requested', payload });
    if (change) await outbox.enqueue(s, { tenantId: user.tenantId, type: 'user.email_change_notice', payload });
  }

  /** The signed-in user's own row, locked for a change; not found when the context is not a user. */
  async function lockSelf(s: WriteSession, ctx: ServiceContext): Promise<User> {
    const user = ctx.actor.type === 'USER' ? await users.lockVisible(s, ctx.actor.id, 'update') : null;
    if (!user) throw userNotFound();
    return user;
  }

  /**
   * Rectification (GDPR art. 16) of one's own name, phone, locale and email. A new email is only
   * requested: it waits in pendingEmail, a verification link goes to it and the current address is
   * told; the account's email changes when the link is followed. Asking for the current email
   * again cancels a pending change. One audit event `user.rectify`, personal values redacted.
   */
  async function rectify(ctx: ServiceContext, raw: RectifyProfileInput): Promise<User> {
    const input = RectifyProfileInput.parse(raw);
    return db.write(ctx, async (s) => {
      const before = await lockSelf(s, ctx);
      const changes: Partial<Pick<User, 'name' | 'phone' | 'locale' | 'pendingEmail' | 'emailVerificationSentAt'>> = {};
      if (input.name !== undefined && input.name !== before.name) changes.name = input.name;
      if (input.phone !== undefined && input.phone !== before.phone) changes.phone = input.phone;
      if (input.locale !== undefined && input.locale !== before.locale) changes.locale = input.locale;
      let requested = false;
      if (input.email !== undefined) {
        if (input.email === before.email) {
          if (before.pendingEmail !== null) Object.assign(changes, { pendingEmail: null, emailVerificationSentAt: null });
        } else if (input.email !== before.pendingEmail) {
          // Addresses are unique across tenants: the one check that reads past the user's own
          // tenant set (ADR 0011), and it answers only yes or no.
          const taken = await db.readAcrossTenants(ctx, 'an email address is unique across tenants', (r) =>
            lifecycle.unsafeEmailInUse(r, input.email!),
          );
          if (taken) throw conflict('USER.EMAIL_TAKEN');
          Object.assign(changes, { pendingEmail: input.email, emailVerificationSentAt: now() });
          requested = true;
        }
      }
      if (!Object.keys(changes).length) return before;
      const after = (await users.updateVisible(s, before.id, changes, 'update'))!;
      if (requested) await enqueueVerification(s, after, true);
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action: 'user.rectify',
        resource: 'User',
        recordId: before.id,
        diff: diffRecords(before, after),
      });
      return after;
    });
  }

  /**
   * Sends a new verification link for the address waiting to be proved (the pending new one, or
   * an unverified current one); the previous link stops working. 409 USER.EMAIL_ALREADY_VERIFIED
   * when there is nothing to prove.
   */
  async function resendVerification(ctx: ServiceContext): Promise<void> {
    await db.write(ctx, async (s) => {
      const before = await lockSelf(s, ctx);
      if (!before.pendingEmail && before.emailVerifiedAt) throw conflict('USER.EMAIL_ALREADY_VERIFIED');
      const after = (await users.updateVisible(s, before.id, { emailVerificationSentAt: now() }, 'update'))!;
      await enqueueVerification(s, after, false);
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action: 'user.email_verification_request',
        resource: 'User',
        recordId: before.id,
        diff: diffRecords(before, after),
      });
    });
  }

  const consentsOf = (
    user: Pick<User, 'id' | 'marketingConsent' | 'notificationsConsent' | 'consentUpdatedAt'>,
    history: ConsentState['history'],
  ): ConsentState => ({
    marketing: user.marketingConsent,
    notifications: user.notificationsConsent,
    updatedAt: user.consentUpdatedAt,
    history,
  });

  /** The signed-in user's consents and their latest changes (time and source). */
  async function getConsents(ctx: ServiceContext): Promise<ConsentState> {
    return db.read(ctx, async (s) => {
      const user = ctx.actor.type === 'USER' ? await users.findVisible(s, ctx.actor.id) : null;
      if (!user) throw userNotFound();
      return consentsOf(user, await lifecycle.listConsentChanges(s, user.id));
    });
  }

  /**
   * Changes consents within a write session: each consent that changes gets a ConsentChange row
   * (value, time, source) and one audit event `user.consent_update` lists the changes.
   */
  async function applyConsents(
    s: WriteSession,
    ctx: ServiceContext,
    before: User,
    input: { marketing?: boolean | undefined; notifications?: boolean | undefined },
    source: ConsentSource,
  ): Promise<User> {
    const changes: Partial<Pick<User, 'marketingConsent' | 'notificationsConsent' | 'consentUpdatedAt'>> = {};
    const at = now();
    if (input.marketing !== undefined && input.marketing !== before.marketingConsent) changes.marketingConsent = input.marketing;
    if (input.notifications !== undefined && input.notifications !== before.notificationsConsent)
      changes.notificationsConsent = input.notifications;
    if (!Object.keys(changes).length) return before;
    changes.consentUpdatedAt = at;
    const after = (await users.updateVisible(s, before.id, changes, 'update'))!;
    if (changes.marketingConsent !== undefined)
      await lifecycle.recordConsentChange(s, {
        tenantId: before.tenantId,
        userId: before.id,
        purpose: 'MARKETING',
        granted: changes.marketingConsent,
        source,
        createdAt: at,
      });
    if (changes.notificationsConsent !== undefined)
      await lifecycle.recordConsentChange(s, {
        tenantId: before.tenantId,
        userId: before.id,
        purpose: 'NOTIFICATIONS',
        granted: changes.notificationsConsent,
        source,
        createdAt: at,
      });
    await audit.record(s, {
      ...actorFields(ctx),
      tenantId: before.tenantId,
      action: 'user.consent_update',
      resource: 'User',
      recordId: before.id,
      reason: `source: ${source.toLowerCase()}`,
      diff: diffRecords(before, after),
    });
    return after;
  }

  /** Gives or withdraws the signed-in user's consents (source API); the new state is returned. */
  async function setConsents(ctx: ServiceContext, raw: ConsentsInput): Promise<ConsentState> {
    const input = ConsentsInput.parse(raw);
    return db.write(ctx, async (s) => {
      const after = await applyConsents(s, ctx, await lockSelf(s, ctx), input, 'API');
      return consentsOf(after, await lifecycle.listConsentChanges(s, after.id));
    });
  }

  /**
   * Queues a marketing message for each user of a tenant who consents now (system or
   * superadmin). The outbox checks the consent again at delivery: a withdrawal in between wins.
   * Audited `marketing.queue` with the number queued. Returns how many were queued.
   */
  async function queueMarketingMail(ctx: ServiceContext, raw: QueueMarketingInput): Promise<number> {
    const input = QueueMarketingInput.parse(raw);
    const info = { action: 'marketing.queue', tenantId: input.tenantId, recordId: input.tenantId, reason: null };
    await requireAbility(deps, ctx, 'create', 'OutboxEvent', info);
    const queued = await db.write(ctx, async (s) => {
      const audience = await lifecycle.listMarketingAudience(s, input.tenantId);
      for (const { id } of audience)
        await outbox.enqueue(s, {
          tenantId: input.tenantId,
          type: 'user.marketing_message',
          payload: { userId: id, tenantId: input.tenantId, campaign: input.campaign },
        });
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: input.tenantId,
        action: 'marketing.queue',
        resource: 'Tenant',
        recordId: input.tenantId,
        reason: `campaign ${input.campaign}: ${audience.length} message(s) queued`,
      });
      return audience.length;
    });
    return queued;
  }

  return {
    requestPasswordReset,
    confirmPasswordReset,
    verifyEmail,
    rectify,
    resendVerification,
    getConsents,
    setConsents,
    applyConsents,
    enqueueVerification,
    queueMarketingMail,
    /** The lifecycle's outbox consumers, by event type (the outbox service adds them to its own). */
    outboxConsumers: { [PASSWORD_RESET_LOOKUP]: handlePasswordResetLookup } as Record<
      string,
      (event: OutboxEvent) => Promise<void>
    >,
  };
}
