import type { WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, validation } from '../../lib/errors.js';
import { normaliseLocale } from '../../lib/i18n.js';
import { buildStaffContext, buildSystemContext, type GrantReader, type RequestMeta } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { decoyHash, LOCKOUT_MINUTES, LOCKOUT_THRESHOLD, verifyPassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import type { staffRepository } from '../staff/staff.repository.js';
import type { staffAuthRepository, StaffSessionRow } from './staff-auth.repository.js';
import {
  SecondFactorInput,
  StaffLocaleInput,
  StaffLoginInput,
  TotpDisableInput,
  TotpEnrollInput,
  type LoginMeta,
  type LoginOutcome,
  type StaffSessionUser,
} from './staff-auth.schemas.js';
import { generateRecoveryCodes, hashRecoveryCode, isRecoveryCode } from './recovery-codes.js';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp.js';

export type StaffAuthService = ReturnType<typeof createStaffAuthService>;

/** Why a login was refused. The caller shows one generic message for all of them. */
export type LoginRefusal = 'unknown_account' | 'invalid_password' | 'invalid_second_factor' | 'locked' | 'disabled';

/** A refused staff login; `refusal` is for logs and tests, never shown (it would reveal accounts). */
export class StaffLoginError extends AppError {
  constructor(readonly refusal: LoginRefusal) {
    super({ code: 'STAFF_AUTH.INVALID_CREDENTIALS', kind: 'UNAUTHENTICATED', internal: `staff login refused: ${refusal}` });
  }
}

/** Why a session was ended by the server rather than by its owner. */
export type SessionEnd = 'disabled' | 'revoked' | 'idle_timeout' | 'absolute_timeout';

export type SessionCheck = { ok: true; user: StaffSessionUser } | { ok: false; reason: 'disabled' | 'revoked' };

const toSessionUser = (row: StaffSessionRow): StaffSessionUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  locale: normaliseLocale(row.locale),
  sessionVersion: row.sessionVersion,
});

/**
 * Staff authentication: password login with per-account lockout, session re-checks, logout and
 * the staff member's language. Every login attempt, logout and server-ended session is audited.
 */
export interface StaffAuthServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  grants: GrantReader;
  credentials: typeof staffAuthRepository;
  staff: typeof staffRepository;
}

export function createStaffAuthService(deps: StaffAuthServiceDeps) {
  const { db, audit, credentials: repo } = deps;
  // Nobody is signed in while a login runs, and a session check is what keeps one signed in:
  // both act as the system, on the account the request names.
  const loginContext = (meta: LoginMeta) =>
    buildSystemContext('staff-auth:login', ALL_TENANTS, {
      correlationId: meta.correlationId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  const sessionCheckContext = buildSystemContext('staff-auth:session', ALL_TENANTS, { correlationId: 'staff-session-check' });

  const requestFields = (meta: LoginMeta) => ({
    ip: meta.ip ?? null,
    userAgent: meta.userAgent ?? null,
    correlationId: meta.correlationId,
  });

  type LoginEvent = {
    actorType: 'STAFF';
    actorId: string;
    actorRole: StaffSessionUser['role'];
    ip: string | null;
    userAgent: string | null;
    correlationId: string;
    action: string;
    resource: string;
    recordId: string;
  };

  /**
   * One attempt against an account, in a transaction holding its row lock (concurrent failures
   * count once each): a disabled or locked account is refused whatever the credential; a wrong
   * credential counts towards the lockout; a right one runs `onSuccess`.
   */
  async function attempt(
    staffId: string,
    event: LoginEvent,
    credentialOk: boolean,
    failureReason: 'invalid_password' | 'invalid_totp' | 'invalid_recovery_code',
    meta: LoginMeta,
    onSuccess: (s: WriteSession, now: Date) => Promise<void>,
  ): Promise<LoginRefusal | null> {
    return db.write(loginContext(meta), async (s): Promise<LoginRefusal | null> => {
      const state = await repo.lockForLogin(s, staffId);
      const now = new Date();
      if (!state) return 'unknown_account';
      if (state.status !== 'ACTIVE') {
        await audit.record(s, { ...event, outcome: 'DENIED', reason: 'disabled' });
        return 'disabled';
      }
      if (state.lockedUntil && state.lockedUntil > now) {
        // Attempts during a lock neither extend it nor count: the lock is the answer.
        await audit.record(s, { ...event, outcome: 'DENIED', reason: 'locked' });
        return 'locked';
      }
      if (!credentialOk) {
        // A lock that has run out starts a fresh count.
        const failures = (state.lockedUntil ? 0 : state.failedLoginCount) + 1;
        const lockedUntil = failures >= LOCKOUT_THRESHOLD ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null;
        const after = await repo.updateLoginState(s, staffId, { failedLoginCount: failures, lockedUntil });
        await audit.record(s, {
          ...event,
          outcome: 'FAILURE',
          reason: lockedUntil ? `${failureReason}_account_locked` : failureReason,
          diff: diffRecords(
            { failedLoginCount: state.failedLoginCount, lockedUntil: state.lockedUntil },
            { failedLoginCount: after.failedLoginCount, lockedUntil: after.lockedUntil },
          ),
        });
        return failureReason === 'invalid_password' ? 'invalid_password' : 'invalid_second_factor';
      }
      await onSuccess(s, now);
      return null;
    });
  }

  const loginEvent = (
    staff: { id: string; role: StaffSessionUser['role'] },
    meta: LoginMeta,
    action = 'staff.login',
  ): LoginEvent => ({
    actorType: 'STAFF',
    actorId: staff.id,
    actorRole: staff.role,
    ...requestFields(meta),
    action,
    resource: 'StaffUser',
    recordId: staff.id,
  });

  /**
   * Verifies email and password (Argon2id). After LOCKOUT_THRESHOLD consecutive failures the
   * account is locked for LOCKOUT_MINUTES, whatever the IP the attempts come from; a locked or
   * disabled account is refused even with the right password. An account with TOTP gets
   * `second_factor` (the password step is audited) and a session only after `completeSecondFactor`.
   * Throws StaffLoginError.
   */
  async function login(meta: LoginMeta, raw: StaffLoginInput): Promise<LoginOutcome> {
    const parsed = StaffLoginInput.safeParse(raw);
    const input = parsed.success ? parsed.data : { email: '', password: '' };
    const staff = input.email ? await db.read(loginContext(meta), (s) => repo.findForLogin(s, input.email)) : null;

    if (!staff) {
      // Same work as for a real account, so response time does not reveal which emails exist.
      await verifyPassword(await decoyHash(), input.password);
      await db.write(loginContext(meta), (s) =>
        audit.record(s, {
          actorType: 'STAFF',
          actorId: null,
          actorRole: null,
          ...requestFields(meta),
          action: 'staff.login',
          resource: 'StaffUser',
          outcome: 'FAILURE',
          reason: 'unknown_account',
        }),
      );
      throw new StaffLoginError('unknown_account');
    }

    const passwordOk = await verifyPassword(staff.passwordHash, input.password);
    const secondFactor = !!staff.totpSecret;
    const event = loginEvent(staff, meta, secondFactor ? 'staff.login.password' : 'staff.login');
    const refusal = await attempt(staff.id, event, passwordOk, 'invalid_password', meta, async (s, now) => {
      if (secondFactor) {
        // The password is right; the lockout count stays until the second factor is right too.
        await audit.record(s, { ...event, outcome: 'SUCCESS', reason: 'second_factor_required' });
        return;
      }
      await repo.updateLoginState(s, staff.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
      await audit.record(s, { ...event, outcome: 'SUCCESS' });
    });
    if (refusal) throw new StaffLoginError(refusal);
    return secondFactor
      ? { status: 'second_factor', staffUserId: staff.id }
      : { status: 'authenticated', user: toSessionUser(staff) };
  }

  /**
   * The second step of a login for an account with TOTP (call only after `login` answered
   * `second_factor` for this account). A wrong code counts towards the same lockout as a wrong
   * password. Throws StaffLoginError.
   */
  async function completeSecondFactor(meta: LoginMeta, raw: SecondFactorInput): Promise<StaffSessionUser> {
    const input = SecondFactorInput.parse(raw);
    const staff = await db.read(loginContext(meta), (s) => repo.findForSecondFactor(s, input.staffUserId));
    if (!staff?.totpSecret) throw new StaffLoginError('unknown_account');
    const event = loginEvent(staff, meta);
    if (isRecoveryCode(input.code)) {
      // A recovery code in place of the TOTP code (a lost phone): each is good once, and a wrong
      // one counts towards the same lockout.
      const codeHash = hashRecoveryCode(staff.id, input.code);
      const known = await db.read(loginContext(meta), (s) => repo.hasUnusedRecoveryCode(s, staff.id, codeHash));
      const refusal = await attempt(staff.id, event, known, 'invalid_recovery_code', meta, async (s, now) => {
        // Under the account's row lock: of two concurrent logins with one code, one wins.
        if (!(await repo.spendRecoveryCode(s, staff.id, codeHash, now))) throw new StaffLoginError('invalid_second_factor');
        await repo.updateLoginState(s, staff.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
        const left = await repo.countUnusedRecoveryCodes(s, staff.id);
        await audit.record(s, { ...event, outcome: 'SUCCESS', reason: `recovery_code (${left} left)` });
      });
      if (refusal) throw new StaffLoginError(refusal);
      return toSessionUser(staff);
    }
    // A code is good once: its time step must be later than the last one used (no replay of a
    // code seen over a shoulder or in a proxy log while it is still valid).
    const step = matchTotp(staff.totpSecret, input.code);
    const codeOk = step !== null && (staff.totpLastStep === null || BigInt(step) > staff.totpLastStep);
    const refusal = await attempt(staff.id, event, codeOk, 'invalid_totp', meta, async (s, now) => {
      // Under the account's row lock: of two concurrent logins with one code, one wins.
      if (!(await repo.claimTotpStep(s, staff.id, step!))) throw new StaffLoginError('invalid_second_factor');
      await repo.updateLoginState(s, staff.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
      await audit.record(s, { ...event, outcome: 'SUCCESS', reason: 'totp' });
    });
    if (refusal) throw new StaffLoginError(refusal);
    return toSessionUser(staff);
  }

  /** A staff account by its login email, within what the actor may read, or NOT_FOUND. */
  async function requireStaffIdByEmail(ctx: ServiceContext, email: string): Promise<string> {
    const id = await db.read(ctx, (s) => deps.staff.findVisibleIdByEmail(s, email));
    if (!id) throw new AppError({ code: 'STAFFUSER.NOT_FOUND', kind: 'NOT_FOUND' });
    return id;
  }

  /** Whether the actor may change this staff account's second factor: their own, or a staff admin. */
  async function requireTotpChange(ctx: ServiceContext, staffUserId: string, action: string): Promise<void> {
    const self = ctx.actor.type === 'STAFF' && ctx.actor.id === staffUserId;
    if (!self) await requireAbility(deps, ctx, 'update', 'StaffUser', { action, recordId: staffUserId });
  }

  /**
   * Turns TOTP on for a staff account (their own, or by a superadmin or an operator's CLI) and
   * returns the new secret and otpauth URI and a set of recovery codes, all shown once. From the
   * next login the code is required; a recovery code can stand in for it, once each.
   */
  async function enrollTotp(
    ctx: ServiceContext,
    raw: TotpEnrollInput,
  ): Promise<{ secret: string; uri: string; recoveryCodes: string[] }> {
    const input = TotpEnrollInput.parse(raw);
    await requireTotpChange(ctx, input.staffUserId, 'staff.totp.enable');
    const secret = generateTotpSecret();
    const recoveryCodes = generateRecoveryCodes();
    const email = await db.write(ctx, async (s) => {
      const before = await repo.lockSelfOrVisible(s, input.staffUserId);
      if (!before) return null;
      await repo.setTotpSecret(s, before.id, secret);
      await repo.replaceRecoveryCodes(
        s,
        before.id,
        recoveryCodes.map((c) => hashRecoveryCode(before.id, c)),
      );
      await audit.record(s, {
        ...actorFields(ctx),
        action: 'staff.totp.enable',
        resource: 'StaffUser',
        recordId: before.id,
        reason: `${recoveryCodes.length} recovery codes generated`,
        diff: { totpSecret: { from: null, to: '[redacted]' }, recoveryCodes: { from: null, to: '[redacted]' } },
      });
      return before.email;
    });
    if (!email) throw await deny(deps, ctx, { action: 'staff.totp.enable', resource: 'StaffUser', recordId: input.staffUserId });
    return { secret, uri: otpauthUri(secret, email), recoveryCodes };
  }

  /**
   * New recovery codes for an account with TOTP (its own, or by a staff admin or the CLI): the
   * old ones stop working. Returned once; only their hashes are kept. Audited
   * `staff.totp.recovery_codes` (never the codes). 409 STAFF.TOTP_NOT_ENABLED without TOTP.
   */
  async function regenerateRecoveryCodes(ctx: ServiceContext, raw: TotpEnrollInput): Promise<string[]> {
    const input = TotpEnrollInput.parse(raw);
    const action = 'staff.totp.recovery_codes';
    await requireTotpChange(ctx, input.staffUserId, action);
    const codes = generateRecoveryCodes();
    const outcome = await db.write(ctx, async (s) => {
      const before = await repo.lockSelfOrVisible(s, input.staffUserId);
      if (!before) return 'denied' as const;
      const factor = await repo.findForSecondFactor(s, before.id);
      if (!factor?.totpSecret) throw new AppError({ code: 'STAFF.TOTP_NOT_ENABLED', kind: 'CONFLICT' });
      await repo.replaceRecoveryCodes(
        s,
        before.id,
        codes.map((c) => hashRecoveryCode(before.id, c)),
      );
      await audit.record(s, {
        ...actorFields(ctx),
        action,
        resource: 'StaffUser',
        recordId: before.id,
        reason: `${codes.length} recovery codes generated; earlier ones revoked`,
        diff: { recoveryCodes: { from: '[redacted]', to: '[redacted]' } },
      });
      return 'done' as const;
    });
    if (outcome === 'denied') throw await deny(deps, ctx, { action, resource: 'StaffUser', recordId: input.staffUserId });
    return codes;
  }

  /** Turns TOTP off for a staff account (reason required): the password alone opens it again. */
  async function disableTotp(ctx: ServiceContext, raw: TotpDisableInput): Promise<void> {
    const input = TotpDisableInput.parse(raw);
    await requireTotpChange(ctx, input.staffUserId, 'staff.totp.disable');
    const done = await db.write(ctx, async (s) => {
      const before = await repo.lockSelfOrVisible(s, input.staffUserId);
      if (!before) return false;
      await repo.setTotpSecret(s, before.id, null);
      await repo.replaceRecoveryCodes(s, before.id, []);
      await audit.record(s, {
        ...actorFields(ctx),
        action: 'staff.totp.disable',
        resource: 'StaffUser',
        recordId: before.id,
        reason: input.reason,
        diff: { totpSecret: { from: '[redacted]', to: null } },
      });
      return true;
    });
    if (!done) throw await deny(deps, ctx, { action: 'staff.totp.disable', resource: 'StaffUser', recordId: input.staffUserId });
  }

  /** Records that a staff member ended their session. */
  async function logout(ctx: ServiceContext): Promise<void> {
    await db.write(ctx, (s) =>
      audit.record(s, { ...actorFields(ctx), action: 'staff.logout', resource: 'StaffUser', recordId: ctx.actor.id }),
    );
  }

  /** Records that the server ended a session (timeout, disabled account, revoked sessions). */
  async function recordSessionEnd(
    user: Pick<StaffSessionUser, 'id' | 'role'>,
    meta: LoginMeta,
    reason: SessionEnd,
  ): Promise<void> {
    await db.write(loginContext(meta), (s) =>
      audit.record(s, {
        actorType: 'STAFF',
        actorId: user.id,
        actorRole: user.role,
        ...requestFields(meta),
        action: 'staff.session.end',
        resource: 'StaffUser',
        recordId: user.id,
        reason,
      }),
    );
  }

  /**
   * Re-reads a session's owner: a disabled account, or a bumped sessionVersion (disable, role
   * change, "end all sessions"), ends the session at once. Returns the fresh session user.
   */
  async function checkSession(user: Pick<StaffSessionUser, 'id' | 'sessionVersion'>): Promise<SessionCheck> {
    const row = await db.read(sessionCheckContext, (s) => repo.findSessionState(s, user.id));
    if (!row || row.status !== 'ACTIVE') return { ok: false, reason: 'disabled' };
    if (row.sessionVersion !== user.sessionVersion) return { ok: false, reason: 'revoked' };
    return { ok: true, user: toSessionUser(row) };
  }

  /** The service context of a signed-in staff member: grants are read now, per request. */
  function contextFor(
    user: { id: string; role: StaffSessionUser['role']; locale: string },
    meta: RequestMeta = {},
  ): Promise<ServiceContext> {
    return buildStaffContext(deps.grants, user, meta);
  }

  /** Stores the staff member's own language (the admin's language switch). */
  async function setLocale(ctx: ServiceContext, raw: StaffLocaleInput): Promise<StaffSessionUser> {
    const parsed = StaffLocaleInput.safeParse(raw);
    if (!parsed.success) throw validation([{ field: 'locale', code: 'invalid', message: 'Supported languages: en, es' }]);
    const input = parsed.data;
    if (ctx.actor.type !== 'STAFF') throw new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN' });
    const staffId = ctx.actor.id;
    return db.write(ctx, async (s) => {
      const before = await repo.findOwn(s);
      if (!before) throw new AppError({ code: 'STAFFUSER.NOT_FOUND', kind: 'NOT_FOUND' });
      if (before.locale === input.locale) return toSessionUser(before);
      const after = (await repo.updateOwnLocale(s, input.locale))!;
      await audit.record(s, {
        ...actorFields(ctx),
        action: 'staff.locale.update',
        resource: 'StaffUser',
        recordId: staffId,
        diff: diffRecords({ locale: before.locale }, { locale: after.locale }),
      });
      return toSessionUser(after);
    });
  }

  return {
    login,
    completeSecondFactor,
    enrollTotp,
    regenerateRecoveryCodes,
    disableTotp,
    requireStaffIdByEmail,
    logout,
    recordSessionEnd,
    checkSession,
    contextFor,
    setLocale,
  };
}
