import type { User } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, validation } from '../../lib/errors.js';
import type { Tx } from '../../db/prisma.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility, scope } from '../shared/guard.js';
import { CreateUserInput, UserAccountActionInput } from './user.schemas.js';

export type UserService = ReturnType<typeof createUserService>;

export function createUserService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  /** Creates a tenant's API user; the tenant's first user becomes its OWNER. */
  async function create(ctx: ServiceContext, raw: CreateUserInput): Promise<User> {
    const input = CreateUserInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'User', { action: 'user.create', tenantId: input.tenantId });
    requireAcceptablePassword(input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return await prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.findFirst({ where: { AND: [scope(ctx, 'read', 'Tenant'), { id: input.tenantId }] } });
        if (!tenant) throw validation([{ field: 'tenant', code: 'not_found', message: 'Unknown tenant' }]);
        const existing = await tx.user.count({ where: { tenantId: tenant.id } });
        const user = await tx.user.create({
          data: {
            tenantId: tenant.id,
            email: input.email,
            name: input.name ?? input.email.split('@')[0]!,
            phone: input.phone ?? null,
            role: input.role ?? (existing === 0 ? 'OWNER' : 'MEMBER'),
            locale: input.locale,
            passwordHash,
          },
        });
        await audit.record(tx, {
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
      if ((err as { code?: string }).code === 'P2002') throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
  }

  /**
   * A support action on one user in the actor's scope, audited in the same transaction as the
   * change; a user outside the scope answers not-found (audited as DENIED).
   */
  async function accountAction(
    ctx: ServiceContext,
    raw: UserAccountActionInput,
    ability: 'unlock' | 'resetPassword',
    action: string,
    change: (tx: Tx, before: User) => Promise<User>,
  ): Promise<User> {
    const input = UserAccountActionInput.parse(raw);
    const info = { action, recordId: input.userId, reason: input.reason ?? null };
    await requireAbility(deps, ctx, ability, 'User', info);
    const result = await prisma.$transaction(async (tx) => {
      const before = await tx.user.findFirst({ where: { AND: [scope(ctx, ability, 'User'), { id: input.userId }] } });
      if (!before) return null;
      const after = await change(tx, before);
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'User',
        recordId: before.id,
        reason: input.reason ?? null,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'User' });
    return result;
  }

  /** Unlocks a user: clears failed logins and the lockout; a LOCKED user becomes ACTIVE again. */
  const unlock = (ctx: ServiceContext, raw: UserAccountActionInput) =>
    accountAction(ctx, raw, 'unlock', 'user.unlock', async (tx, before) => {
      if (before.status !== 'LOCKED' && !before.lockedUntil && before.failedLoginCount === 0) throw conflict('USER.NOT_LOCKED');
      return tx.user.update({
        where: { id: before.id },
        data: { failedLoginCount: 0, lockedUntil: null, ...(before.status === 'LOCKED' ? { status: 'ACTIVE' as const } : {}) },
      });
    });

  /**
   * Sends a user a password-reset email: stamps passwordResetSentAt and writes the outbox event
   * 'user.password_reset_requested' (its consumer issues the token and the mail, after commit).
   */
  const requestPasswordReset = (ctx: ServiceContext, raw: UserAccountActionInput) =>
    accountAction(ctx, raw, 'resetPassword', 'user.password_reset', async (tx, before) => {
      if (before.status === 'CLOSED' || before.status === 'DISABLED' || before.erasedAt) throw conflict('USER.NOT_ACTIVE');
      const after = await tx.user.update({ where: { id: before.id }, data: { passwordResetSentAt: new Date() } });
      await tx.outboxEvent.create({
        data: {
          tenantId: before.tenantId,
          type: 'user.password_reset_requested',
          payload: { userId: before.id, tenantId: before.tenantId, locale: before.locale, requestedBy: ctx.actor.type },
        },
      });
      return after;
    });

  return { create, unlock, requestPasswordReset };
}
