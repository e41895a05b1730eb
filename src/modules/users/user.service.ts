import { subject } from '@casl/ability';
import type { User } from '@prisma/client';
import type { WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict, validation } from '../../lib/errors.js';
import type { Action } from '../access/ability.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { tenantRepository } from '../tenants/tenant.repository.js';
import type { userRepository } from './user.repository.js';
import { CreateUserInput, UpdateUserProfileInput, UserAccountActionInput, UserStatusChangeInput } from './user.schemas.js';

export type UserService = ReturnType<typeof createUserService>;

export interface UserServiceDeps extends CoreDeps {
  users: typeof userRepository;
  tenants: typeof tenantRepository;
  outbox: typeof outboxRepository;
}

/** Thrown inside a transaction to roll it back; turned into an audited denial outside. */
class Refused extends Error {
  constructor(
    readonly error: AppError,
    readonly tenantId: string,
  ) {
    super(error.code);
  }
}

export function createUserService(deps: UserServiceDeps) {
  const { db, audit, users, tenants, outbox } = deps;

  /** Creates a tenant's API user; the tenant's first user becomes its OWNER. */
  async function create(ctx: ServiceContext, raw: CreateUserInput): Promise<User> {
    const input = CreateUserInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'User', { action: 'user.create', tenantId: input.tenantId });
    requireAcceptablePassword(input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return await db.write(ctx, async (s) => {
        const tenant = await tenants.findVisible(s, input.tenantId);
        if (!tenant) throw validation([{ field: 'tenant', code: 'not_found', message: 'Unknown tenant' }]);
        const existing = await users.countVisibleInTenant(s, tenant.id);
        const user = await users.create(s, {
          tenantId: tenant.id,
          email: input.email,
          name: input.name ?? input.email.split('@')[0]!,
          phone: input.phone ?? null,
          role: input.role ?? (existing === 0 ? 'OWNER' : 'MEMBER'),
          locale: input.locale,
          passwordHash,
        });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: tenant.id,
          action: 'user.create',
          resource: 'User',
          recordId: user.id,
          diff: diffRecords(null, user),
        });
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
  }

  /**
   * One change to one user in the actor's scope, audited in the same transaction; a user outside
   * the scope answers not-found (audited as DENIED), a refusal of the change itself is audited too.
   */
  async function change(
    ctx: ServiceContext,
    info: { userId: string; action: string; ability: Action; reason: string | null },
    apply: (s: WriteSession, before: User) => Promise<User>,
  ): Promise<User> {
    const denial = { action: info.action, recordId: info.userId, reason: info.reason };
    await requireAbility(deps, ctx, info.ability, 'User', denial);
    let result: User | null;
    try {
      result = await db.write(ctx, async (s) => {
        const before = isUuid(info.userId) ? await users.lockVisible(s, info.userId, info.ability) : null;
        if (!before) return null;
        const after = await apply(s, before);
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: before.tenantId,
          action: info.action,
          resource: 'User',
          recordId: before.id,
          reason: info.reason,
          diff: diffRecords(before, after),
        });
        return after;
      });
    } catch (err) {
      if (err instanceof Refused) throw await deny(deps, ctx, { ...denial, resource: 'User', tenantId: null }, err.error);
      if (isUniqueViolation(err)) throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
    if (!result) throw await deny(deps, ctx, { ...denial, resource: 'User' });
    return result;
  }

  /**
   * Changes a user's profile (email, name, phone, locale, role). Each changed field must be one
   * the actor's ability lets them update (support: name, phone, locale); others are refused
   * (403, audited). The status is never changed here.
   */
  async function updateProfile(ctx: ServiceContext, userId: string, raw: UpdateUserProfileInput): Promise<User> {
    const input = UpdateUserProfileInput.parse(raw);
    return change(ctx, { userId, action: 'user.update', ability: 'update', reason: null }, async (s, before) => {
      const changes = Object.fromEntries(
        Object.entries(input).filter(([field, value]) => value !== undefined && value !== before[field as keyof User]),
      );
      const refused = Object.keys(changes).filter((field) => !ctx.ability.can('update', subject('User', before) as never, field));
      if (refused.length)
        throw new Refused(
          new AppError({
            code: 'AUTH.FORBIDDEN',
            kind: 'FORBIDDEN',
            details: refused.map((field) => ({ field, code: 'not_permitted', message: 'You may not change this field' })),
          }),
          before.tenantId,
        );
      if (!Object.keys(changes).length) return before;
      return (await users.updateVisible(s, before.id, changes, 'update'))!;
    });
  }

  /** Unlocks a user: clears failed logins and the lockout; a LOCKED user becomes ACTIVE again. */
  const unlock = (ctx: ServiceContext, raw: UserAccountActionInput) => {
    const input = UserAccountActionInput.parse(raw);
    return change(
      ctx,
      { userId: input.userId, action: 'user.unlock', ability: 'unlock', reason: input.reason ?? null },
      async (s, before) => {
        if (before.status !== 'LOCKED' && !before.lockedUntil && before.failedLoginCount === 0) throw conflict('USER.NOT_LOCKED');
        return (await users.updateVisible(
          s,
          before.id,
          { failedLoginCount: 0, lockedUntil: null, ...(before.status === 'LOCKED' ? { status: 'ACTIVE' as const } : {}) },
          'unlock',
        ))!;
      },
    );
  };

  /**
   * Disables a user's access (ACTIVE or LOCKED → DISABLED, reason required): they can no longer
   * sign in, and their tokens stop working on the next request.
   */
  const disable = (ctx: ServiceContext, raw: UserStatusChangeInput) => {
    const input = UserStatusChangeInput.parse(raw);
    return change(
      ctx,
      { userId: input.userId, action: 'user.disable', ability: 'disable', reason: input.reason },
      async (s, before) => {
        if (before.status !== 'ACTIVE' && before.status !== 'LOCKED') throw conflict('USER.NOT_ACTIVE');
        return (await users.updateVisible(s, before.id, { status: 'DISABLED' }, 'disable'))!;
      },
    );
  };

  /** Re-enables a DISABLED user (reason required). A CLOSED account is reopened only by cancelling its erasure. */
  const enable = (ctx: ServiceContext, raw: UserStatusChangeInput) => {
    const input = UserStatusChangeInput.parse(raw);
    return change(
      ctx,
      { userId: input.userId, action: 'user.enable', ability: 'enable', reason: input.reason },
      async (s, before) => {
        if (before.status !== 'DISABLED') throw conflict('USER.NOT_DISABLED');
        return (await users.updateVisible(s, before.id, { status: 'ACTIVE', failedLoginCount: 0, lockedUntil: null }, 'enable'))!;
      },
    );
  };

  /**
   * Sends a user a password-reset email: stamps passwordResetSentAt and writes the outbox event
   * 'user.password_reset_requested' (its consumer issues the token and the mail, after commit).
   */
  const requestPasswordReset = (ctx: ServiceContext, raw: UserAccountActionInput) => {
    const input = UserAccountActionInput.parse(raw);
    return change(
      ctx,
      { userId: input.userId, action: 'user.password_reset', ability: 'resetPassword', reason: input.reason ?? null },
      async (s, before) => {
        if (before.status === 'CLOSED' || before.status === 'DISABLED' || before.erasedAt) throw conflict('USER.NOT_ACTIVE');
        const after = (await users.updateVisible(s, before.id, { passwordResetSentAt: new Date() }, 'resetPassword'))!;
        await outbox.enqueue(s, {
          tenantId: before.tenantId,
          type: 'user.password_reset_requested',
          payload: { userId: before.id, tenantId: before.tenantId, locale: before.locale, requestedBy: ctx.actor.type },
        });
        return after;
      },
    );
  };

  return { create, updateProfile, unlock, disable, enable, requestPasswordReset };
}
