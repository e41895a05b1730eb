import type { StaffUser, TenantAccessGrant } from '@prisma/client';
import type { ReadSession, WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict, validation } from '../../lib/errors.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { staffRepository } from './staff.repository.js';
import {
  CreateStaffInput,
  GrantAccessInput,
  RevokeAccessInput,
  StaffAccountChangeInput,
  UpdateStaffInput,
} from './staff.schemas.js';

export type StaffService = ReturnType<typeof createStaffService>;

/** A staff creation whose password has been checked and hashed (what a held creation keeps). */
export type HashedStaffInput = Omit<CreateStaffInput, 'password'> & { passwordHash: string };

export interface StaffServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  staff: typeof staffRepository;
  /** The tenants a grant may open (tenantRepository): the one read staff needs of them. */
  tenants: { findVisible(s: ReadSession, id: string): Promise<{ id: string } | null> };
}

/** Changing one of these ends the member's sessions: the session carries them (role) or was opened with them (email). */
export const STAFF_SESSION_FIELDS = ['role', 'email'] as const;

/** Thrown inside a transaction to roll it back; turned into an audited denial outside. */
class Refused extends Error {
  constructor(readonly error: AppError) {
    super(error.code);
  }
}

const isSelf = (ctx: ServiceContext, staffUserId: string) => ctx.actor.type === 'STAFF' && ctx.actor.id === staffUserId;

export function createStaffService(deps: StaffServiceDeps) {
  const { db, audit, staff, tenants } = deps;

  async function insertGrant(s: WriteSession, input: ReturnType<typeof GrantAccessInput.parse>) {
    const ctx = s.ctx;
    const grant = await staff.createGrant(s, {
      staffUserId: input.staffUserId,
      tenantId: input.tenantId,
      reason: input.reason,
      expiresAt: input.expiresAt,
      grantedById: ctx.actor.type === 'STAFF' ? ctx.actor.id : null,
    });
    await audit.record(s, {
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
  async function create(ctx: ServiceContext, raw: CreateStaffInput, options: WriteOptions = {}): Promise<StaffUser> {
    const input = CreateStaffInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'StaffUser', { action: 'staff.create' });
    return createHashed(ctx, await hashedStaffInput(input), options);
  }

  /**
   * A creation's input with its password checked against the policy and replaced by its hash: what
   * a held creation keeps (never the password itself), and what createHashed takes.
   */
  async function hashedStaffInput(raw: CreateStaffInput): Promise<HashedStaffInput> {
    const { password, ...input } = CreateStaffInput.parse(raw);
    requireAcceptablePassword(password);
    return { ...input, passwordHash: await hashPassword(password) };
  }

  /** The creation itself, from a hashed input (create, and the execution of an approved creation). */
  async function createHashed(ctx: ServiceContext, raw: HashedStaffInput, options: WriteOptions = {}): Promise<StaffUser> {
    const { passwordHash, ...rest } = raw;
    const input = CreateStaffInput.omit({ password: true }).parse(rest);
    await requireAbility(deps, ctx, 'create', 'StaffUser', { action: 'staff.create' });
    if (input.grantTenantIds.length && input.role !== 'SUPPORT')
      throw validation([{ field: 'tenant', code: 'invalid', message: 'Only SUPPORT staff receive tenant grants' }]);
    try {
      return await db.write(
        ctx,
        async (s) => {
          const created = await staff.create(s, {
            email: input.email,
            name: input.name ?? input.email.split('@')[0]!,
            role: input.role,
            locale: input.locale,
            passwordHash,
          });
          await audit.record(s, {
            ...actorFields(ctx),
            action: 'staff.create',
            resource: 'StaffUser',
            recordId: created.id,
            diff: diffRecords(null, created),
          });
          const expiresAt = new Date(Date.now() + input.grantDays * 86_400_000);
          for (const tenantId of input.grantTenantIds)
            await insertGrant(s, { staffUserId: created.id, tenantId, reason: input.grantReason, expiresAt });
          return created;
        },
        options,
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('STAFF.EMAIL_TAKEN');
      throw err;
    }
  }

  /**
   * Changes a staff member's name, role or language (the admin's edit). Nobody changes their own
   * role (403, audited); a change of role ends the member's sessions (sessionVersion), so their
   * next request signs in again with the new role. Audited `staff.update` with its diff.
   */
  async function update(ctx: ServiceContext, id: string, raw: UpdateStaffInput, options: WriteOptions = {}): Promise<StaffUser> {
    const input = UpdateStaffInput.parse(raw);
    const action = 'staff.update';
    await requireAbility(deps, ctx, 'update', 'StaffUser', { action, recordId: id });
    let result: StaffUser | null;
    try {
      result = await db.write(
        ctx,
        async (s) => {
          const before = isUuid(id) ? await staff.lockVisible(s, id, 'update') : null;
          if (!before) return null;
          const changes: Record<string, unknown> = Object.fromEntries(
            Object.entries(input).filter(([field, value]) => value !== undefined && value !== before[field as keyof StaffUser]),
          );
          const endsSessions = STAFF_SESSION_FIELDS.filter((field) => field in changes);
          if (endsSessions.length && isSelf(ctx, before.id))
            throw new Refused(
              new AppError({
                code: 'AUTH.FORBIDDEN',
                kind: 'FORBIDDEN',
                details: endsSessions.map((field) => ({
                  field,
                  code: 'not_permitted',
                  message: 'Staff cannot change their own role',
                })),
              }),
            );
          const after = Object.keys(changes).length
            ? (await staff.updateVisible(s, before.id, {
                ...changes,
                ...(endsSessions.length ? { sessionVersion: { increment: 1 } } : {}),
              }))!
            : before;
          await audit.record(s, {
            ...actorFields(ctx),
            action,
            resource: 'StaffUser',
            recordId: before.id,
            diff: diffRecords(before, after),
          });
          return after;
        },
        options,
      );
    } catch (err) {
      if (err instanceof Refused) throw await deny(deps, ctx, { action, resource: 'StaffUser', recordId: id }, err.error);
      throw err;
    }
    if (!result) throw await deny(deps, ctx, { action, resource: 'StaffUser', recordId: id });
    return result;
  }

  /** Grants a SUPPORT staff member access to a tenant until `expiresAt` (reason required). */
  async function grantAccess(ctx: ServiceContext, raw: GrantAccessInput, options: WriteOptions = {}): Promise<TenantAccessGrant> {
    const input = GrantAccessInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'TenantAccessGrant', {
      action: 'access.grant',
      tenantId: input.tenantId,
      reason: input.reason,
    });
    if (input.expiresAt.getTime() <= Date.now())
      throw validation([{ field: 'expiresAt', code: 'invalid', message: 'The expiry must be in the future' }]);
    return db.write(
      ctx,
      async (s) => {
        const grantee = await staff.findVisible(s, input.staffUserId);
        const tenant = await tenants.findVisible(s, input.tenantId);
        if (!grantee || !tenant)
          throw validation([{ field: grantee ? 'tenantId' : 'staffUserId', code: 'not_found', message: 'Not found' }]);
        if (grantee.role !== 'SUPPORT')
          throw validation([{ field: 'staffUserId', code: 'invalid', message: 'Only SUPPORT staff receive tenant grants' }]);
        return insertGrant(s, input);
      },
      options,
    );
  }

  /** Revokes a grant at once (reason required). */
  async function revokeAccess(ctx: ServiceContext, raw: RevokeAccessInput): Promise<TenantAccessGrant> {
    const input = RevokeAccessInput.parse(raw);
    const action = 'access.revoke';
    await requireAbility(deps, ctx, 'revoke', 'TenantAccessGrant', { action, recordId: input.grantId, reason: input.reason });
    const result = await db.write(ctx, async (s) => {
      const before = await staff.lockVisibleGrant(s, input.grantId, 'revoke');
      if (!before) return null;
      if (before.revokedAt) throw conflict('ACCESS.ALREADY_REVOKED');
      const after = (await staff.updateGrantVisible(
        s,
        before.id,
        { revokedAt: new Date(), revokedById: ctx.actor.type === 'STAFF' ? ctx.actor.id : null },
        'revoke',
      ))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'TenantAccessGrant',
        recordId: before.id,
        reason: input.reason,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'TenantAccessGrant', recordId: input.grantId });
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
    if (change === 'disable' && isSelf(ctx, input.staffUserId))
      throw validation([{ field: 'staffUserId', code: 'invalid', message: 'Staff cannot disable their own account' }]);
    const result = await db.write(ctx, async (s) => {
      const before = await staff.lockVisible(s, input.staffUserId, 'update');
      if (!before) return null;
      const status = change === 'disable' ? 'DISABLED' : change === 'enable' ? 'ACTIVE' : before.status;
      const after = (await staff.updateVisible(s, before.id, {
        status,
        sessionVersion: { increment: 1 },
        ...(change === 'enable' ? { failedLoginCount: 0, lockedUntil: null } : {}),
      }))!;
      await audit.record(s, {
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

  /** The id of a staff account by its login email, within what the actor may read, or NOT_FOUND. */
  async function requireIdByEmail(ctx: ServiceContext, email: string): Promise<string> {
    const id = await findIdByEmail(ctx, email);
    if (!id) throw new AppError({ code: 'STAFFUSER.NOT_FOUND', kind: 'NOT_FOUND' });
    return id;
  }

  /** The id of a staff account by its login email, within what the actor may read, or null. */
  const findIdByEmail = (ctx: ServiceContext, email: string): Promise<string | null> =>
    db.read(ctx, (s) => staff.findVisibleIdByEmail(s, email));

  /** How many access grants (any state) the staff member has, among those the actor may read. */
  const countGrants = (ctx: ServiceContext, staffUserId: string): Promise<number> =>
    db.read(ctx, (s) => staff.countVisibleGrantsOf(s, staffUserId));

  return {
    create,
    createHashed,
    hashedStaffInput,
    update,
    grantAccess,
    revokeAccess,
    disable,
    enable,
    endSessions,
    requireIdByEmail,
    findIdByEmail,
    countGrants,
  };
}
