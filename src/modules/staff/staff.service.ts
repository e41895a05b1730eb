import type { StaffUser, TenantAccessGrant } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, validation } from '../../lib/errors.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility, scope } from '../shared/guard.js';
import { CreateStaffInput, GrantAccessInput, RevokeAccessInput, StaffAccountChangeInput } from './staff.schemas.js';

export type StaffService = ReturnType<typeof createStaffService>;

export function createStaffService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  async function insertGrant(ctx: ServiceContext, tx: Tx, input: ReturnType<typeof GrantAccessInput.parse>) {
    const grant = await tx.tenantAccessGrant.create({
      data: {
        staffUserId: input.staffUserId,
        tenantId: input.tenantId,
        reason: input.reason,
        expiresAt: input.expiresAt,
        grantedById: ctx.actor.type === 'STAFF' ? ctx.actor.id : null,
      },
    });
    await audit.record(tx, {
      ...actorFields(ctx),
      tenantId: input.tenantId,
      action: 'access.grant',
      resource: 'TenantAccessGrant',
      recordId: grant.id,
      reason: input.reason,
      diff: diffRecords(null, grant),
    });
    return grant;
  }

  /** Creates a staff member (password policy applies); SUPPORT may get tenant grants at once. */
  async function create(ctx: ServiceContext, raw: CreateStaffInput): Promise<StaffUser> {
    const input = CreateStaffInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'StaffUser', { action: 'staff.create' });
    requireAcceptablePassword(input.password);
    if (input.grantTenantIds.length && input.role !== 'SUPPORT')
      throw validation([{ field: 'tenant', code: 'invalid', message: 'Only SUPPORT staff receive tenant grants' }]);
    const passwordHash = await hashPassword(input.password);
    try {
      return await prisma.$transaction(async (tx) => {
        const staff = await tx.staffUser.create({
          data: {
            email: input.email,
            name: input.name ?? input.email.split('@')[0]!,
            role: input.role,
            locale: input.locale,
            passwordHash,
          },
        });
        await audit.record(tx, {
          ...actorFields(ctx),
          action: 'staff.create',
          resource: 'StaffUser',
          recordId: staff.id,
          diff: diffRecords(null, staff),
        });
        const expiresAt = new Date(Date.now() + input.grantDays * 86_400_000);
        for (const tenantId of input.grantTenantIds)
          await insertGrant(ctx, tx, { staffUserId: staff.id, tenantId, reason: input.grantReason, expiresAt });
        return staff;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict('STAFF.EMAIL_TAKEN');
      throw err;
    }
  }

  /** Grants a SUPPORT staff member access to a tenant until `expiresAt` (reason required). */
  async function grantAccess(ctx: ServiceContext, raw: GrantAccessInput): Promise<TenantAccessGrant> {
    const input = GrantAccessInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'TenantAccessGrant', {
      action: 'access.grant',
      tenantId: input.tenantId,
      reason: input.reason,
    });
    if (input.expiresAt.getTime() <= Date.now())
      throw validation([{ field: 'expiresAt', code: 'invalid', message: 'The expiry must be in the future' }]);
    return prisma.$transaction(async (tx) => {
      const staff = await tx.staffUser.findFirst({
        where: { AND: [scope(ctx, 'read', 'StaffUser'), { id: input.staffUserId }] },
      });
      const tenant = await tx.tenant.findFirst({ where: { AND: [scope(ctx, 'read', 'Tenant'), { id: input.tenantId }] } });
      if (!staff || !tenant)
        throw validation([{ field: staff ? 'tenantId' : 'staffUserId', code: 'not_found', message: 'Not found' }]);
      if (staff.role !== 'SUPPORT')
        throw validation([{ field: 'staffUserId', code: 'invalid', message: 'Only SUPPORT staff receive tenant grants' }]);
      return insertGrant(ctx, tx, input);
    });
  }

  /** Revokes a grant at once (reason required). */
  async function revokeAccess(ctx: ServiceContext, raw: RevokeAccessInput): Promise<TenantAccessGrant> {
    const input = RevokeAccessInput.parse(raw);
    await requireAbility(deps, ctx, 'revoke', 'TenantAccessGrant', {
      action: 'access.revoke',
      recordId: input.grantId,
      reason: input.reason,
    });
    const result = await prisma.$transaction(async (tx) => {
      const before = await tx.tenantAccessGrant.findFirst({
        where: { AND: [scope(ctx, 'revoke', 'TenantAccessGrant'), { id: input.grantId }] },
      });
      if (!before) return null;
      if (before.revokedAt) throw conflict('ACCESS.ALREADY_REVOKED');
      const after = await tx.tenantAccessGrant.update({
        where: { id: before.id },
        data: { revokedAt: new Date(), revokedById: ctx.actor.type === 'STAFF' ? ctx.actor.id : null },
      });
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action: 'access.revoke',
        resource: 'TenantAccessGrant',
        recordId: before.id,
        reason: input.reason,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action: 'access.revoke', resource: 'TenantAccessGrant', recordId: input.grantId });
    return result;
  }

  /**
   * Disables a staff account, re-enables it, or ends all of its sessions. Each bumps the
   * account's sessionVersion, so every open session of it ends on its very next request.
   */
  async function changeAccount(ctx: ServiceContext, raw: StaffAccountChangeInput, change: 'disable' | 'enable' | 'endSessions') {
    const input = StaffAccountChangeInput.parse(raw);
    const action = { disable: 'staff.disable', enable: 'staff.enable', endSessions: 'staff.sessions.end' }[change];
    await requireAbility(deps, ctx, 'update', 'StaffUser', { action, recordId: input.staffUserId, reason: input.reason });
    if (change === 'disable' && ctx.actor.type === 'STAFF' && ctx.actor.id === input.staffUserId)
      throw validation([{ field: 'staffUserId', code: 'invalid', message: 'Staff cannot disable their own account' }]);
    const result = await prisma.$transaction(async (tx) => {
      const before = await tx.staffUser.findFirst({
        where: { AND: [scope(ctx, 'update', 'StaffUser'), { id: input.staffUserId }] },
      });
      if (!before) return null;
      const status = change === 'disable' ? 'DISABLED' : change === 'enable' ? 'ACTIVE' : before.status;
      const after = await tx.staffUser.update({
        where: { id: before.id },
        data: {
          status,
          sessionVersion: { increment: 1 },
          ...(change === 'enable' ? { failedLoginCount: 0, lockedUntil: null } : {}),
        },
      });
      await audit.record(tx, {
        ...actorFields(ctx),
        action,
        resource: 'StaffUser',
        recordId: before.id,
        reason: input.reason,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result)
      throw await deny(deps, ctx, { action, resource: 'StaffUser', recordId: input.staffUserId, reason: input.reason });
    return result;
  }

  /** Disables a staff account; its sessions end at once. */
  const disable = (ctx: ServiceContext, raw: StaffAccountChangeInput) => changeAccount(ctx, raw, 'disable');
  /** Re-enables a disabled staff account (and clears a login lockout). */
  const enable = (ctx: ServiceContext, raw: StaffAccountChangeInput) => changeAccount(ctx, raw, 'enable');
  /** Ends every open session of a staff account (lost laptop, suspected compromise). */
  const endSessions = (ctx: ServiceContext, raw: StaffAccountChangeInput) => changeAccount(ctx, raw, 'endSessions');

  return { create, grantAccess, revokeAccess, disable, enable, endSessions };
}
