import type { Prisma, Tenant, User, UserStatus } from '@prisma/client';
import type { WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, forbidden, type AppError } from '../../lib/errors.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { deleteStaleFile } from '../exports/export.files.js';
import type { exportRepository } from '../exports/export.repository.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isUuid, refuseInvisible } from '../shared/ledger.guard.js';
import type { tenantRepository } from '../tenants/tenant.repository.js';
import type { userRepository } from '../users/user.repository.js';
import type { erasureRepository } from './erasure.repository.js';
import { CancelErasureInput, EraseUserInput, RequestErasureInput, SupportErasureInput } from './erasure.schemas.js';

export type ErasureService = ReturnType<typeof createErasureService>;

export interface ErasureServiceDeps extends CoreDeps {
  config: { ERASURE_GRACE_DAYS: number };
  erasure: typeof erasureRepository;
  users: typeof userRepository;
  tenants: typeof tenantRepository;
  exports: typeof exportRepository;
  outbox: typeof outboxRepository;
}

export interface ErasureRequestResult {
  userId: string;
  tenantId: string;
  closedAt: Date;
  erasureDueAt: Date;
  tenantClosed: boolean;
}

export interface ErasureCancelResult {
  userId: string;
  tenantId: string;
  status: UserStatus;
  tenantReopened: boolean;
  membersReopened: number;
}

export type EraseResult =
  | {
      outcome: 'erased';
      descriptionsCleared: number;
      valuesRedacted: number;
      mailDeleted: number;
      outboxRedacted: number;
      exportFilesDeleted: number;
    }
  | { outcome: 'already-erased' | 'not-due' | 'missing' };

/** Placeholders that replace personal data: fixed text, nothing derived from the person. */
export const ERASED = {
  name: 'Erased user',
  tenantName: 'Erased tenant',
  passwordHash: '!erased', // not an Argon2 hash: verification always fails
  email: (userId: string) => `erased-${userId}@erased.invalid`,
  slug: (tenantId: string) => `erased-${tenantId.replaceAll('-', '')}`,
  /** Any text value of an outbox event's payload that names the person. */
  text: '[erased]',
};

/** How long one erasure may hold its transaction (a large household's ledger text is cleared in it). */
const ERASE_TIMEOUT_MS = 120_000;

/**
 * The strings that identify a person in free text: full email, full name, phone, and the email's
 * local part when it is distinctive (4+ characters, not mere hex that ids and hashes are made of).
 */
export function personalNeedles(user: Pick<User, 'email' | 'name' | 'phone'>): string[] {
  const local = user.email.split('@')[0] ?? '';
  const candidates = [user.email, user.name, user.phone ?? '', local.length >= 4 && /[^0-9a-f]/i.test(local) ? local : ''];
  return [...new Set(candidates.map((s) => s.trim().toLowerCase()).filter((s) => s.length >= 3))];
}

/**
 * A JSON value with every string (and object key) that contains one of `needles` (lower-case)
 * replaced by a fixed placeholder; the shape, numbers, ids and other text are kept.
 */
export function redactJson(value: Prisma.JsonValue, needles: readonly string[]): Prisma.JsonValue {
  const names = (text: string) => {
    const lower = text.toLowerCase();
    return needles.some((n) => lower.includes(n));
  };
  if (typeof value === 'string') return names(value) ? ERASED.text : value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, needles));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v], i) => [names(k) ? `${ERASED.text}${i}` : k, redactJson(v ?? null, needles)]),
    );
  return value;
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

/** The status a cancelled erasure restores: what the closure replaced, except a passing lockout. */
const reopenedStatus = (before: UserStatus | null): UserStatus => (before === 'DISABLED' ? 'DISABLED' : 'ACTIVE');

/**
 * Data-subject erasure. A request closes the account at once (status CLOSED, refresh tokens
 * revoked; the owner's request closes the whole tenant and its open members) and schedules
 * erasure ERASURE_GRACE_DAYS later. Within that grace period support may cancel it (`cancel`,
 * reason required), which reopens exactly what the request closed. The scheduled job then
 * replaces personal data by fixed placeholders, clears free text that names the person
 * (transaction descriptions through the one narrow database function allowed to touch them),
 * redacts the tenant's outbox events, removes their mail and the tenant's export files (after
 * commit), and keeps the financial records and the audit trail (which never holds personal data
 * in clear). Every statement is bounded to the user's tenant (erasure.repository.ts).
 */
export function createErasureService(deps: ErasureServiceDeps) {
  const { db, audit, config, erasure, users, tenants, exports, outbox } = deps;

  /** The household side of a user's request (tenant, other members): a system step in the same transaction. */
  const householdSession = (s: WriteSession) =>
    s.as(buildSystemContext('erasure:household', ALL_TENANTS, { correlationId: s.ctx.correlationId }));

  async function closeAndSchedule(s: WriteSession, user: User, reason: string | null): Promise<ErasureRequestResult> {
    const now = new Date();
    const erasureDueAt = new Date(now.getTime() + config.ERASURE_GRACE_DAYS * 86_400_000);
    const closing = (u: User) => ({ status: 'CLOSED' as const, closedAt: now, erasureDueAt, statusBeforeClose: u.status });
    const after = (await users.updateVisible(s, user.id, closing(user), 'close'))!;
    await erasure.revokeRefreshTokens(s, user.tenantId, [user.id], now);
    const diff: Record<string, unknown> = diffRecords(user, after);
    let tenantClosed = false;
    if (user.role === 'OWNER') {
      // The owner leaving closes the household: the tenant and every open member, same grace
      // period. Members who had already asked for their own erasure keep their own request.
      const household = householdSession(s);
      const tenant = (await tenants.lockVisible(household, user.tenantId, 'update'))!;
      if (tenant.status !== 'CLOSED') {
        await tenants.updateVisible(household, tenant.id, {
          status: 'CLOSED',
          closedAt: now,
          erasureDueAt,
          statusBeforeClose: tenant.status,
        });
        diff.tenantStatus = { from: tenant.status, to: 'CLOSED' };
        diff.tenantErasureDueAt = { from: tenant.erasureDueAt?.toISOString() ?? null, to: erasureDueAt.toISOString() };
      }
      const members = await erasure.listOpenMembers(household, user.tenantId, user.id);
      for (const member of members) await users.updateVisible(household, member.id, closing(member), 'close');
      if (members.length) {
        await erasure.revokeRefreshTokens(
          household,
          user.tenantId,
          members.map((m) => m.id),
          now,
        );
        diff.membersClosed = { from: null, to: members.length };
      }
      tenantClosed = true;
    }
    // Exactly one audit event for the request, whatever it closed.
    await audit.record(s, {
      ...actorFields(s.ctx),
      tenantId: user.tenantId,
      action: 'user.erasure_request',
      resource: 'User',
      recordId: user.id,
      reason,
      diff,
    });
    return { userId: user.id, tenantId: user.tenantId, closedAt: now, erasureDueAt, tenantClosed };
  }

  async function request(ctx: ServiceContext, userId: string, reason: string | null): Promise<ErasureRequestResult | null> {
    if (!isUuid(userId)) return null;
    return db.write(ctx, async (s) => {
      const user = await users.lockVisible(s, userId, 'close');
      if (!user) return null;
      if (user.status === 'CLOSED' && user.erasureDueAt) {
        // Asked twice: the first request stands (idempotent, nothing new to audit).
        return {
          userId,
          tenantId: user.tenantId,
          closedAt: user.closedAt ?? user.updatedAt,
          erasureDueAt: user.erasureDueAt,
          tenantClosed: false,
        };
      }
      if (user.erasedAt) return null;
      return closeAndSchedule(s, user, reason);
    });
  }

  /** `DELETE /api/v1/me`: the signed-in user closes their own account (audited `user.erasure_request`). */
  async function requestErasure(ctx: ServiceContext, raw: RequestErasureInput = {}): Promise<ErasureRequestResult> {
    const input = RequestErasureInput.parse(raw);
    if (ctx.actor.type !== 'USER') throw forbidden('AUTH.FORBIDDEN', 'only a user can close their own account');
    const result = await request(ctx, ctx.actor.id, input.reason ?? null);
    if (!result)
      throw await deny(deps, ctx, {
        action: 'user.erasure_request',
        resource: 'User',
        recordId: ctx.actor.id,
        tenantId: ctx.actor.tenantId,
      });
    return result;
  }

  /** The support action: close a user of a granted tenant and schedule the erasure (reason required). */
  async function requestErasureBySupport(ctx: ServiceContext, raw: SupportErasureInput): Promise<ErasureRequestResult> {
    const input = SupportErasureInput.parse(raw);
    const info = { action: 'user.erasure_request', recordId: input.userId, reason: input.reason };
    await requireAbility(deps, ctx, 'close', 'User', info);
    const result = await request(ctx, input.userId, input.reason);
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'User' });
    return result;
  }

  /**
   * Reopens a closed account, cancelling its erasure (support within granted tenants, superadmin;
   * ability `reopen` User): only while the erasure is pending — CLOSED, not erased, and its
   * erasureDueAt still ahead — and with a reason; audited `user.erasure_cancel` in the same
   * transaction. The user gets back the status the closure replaced (ACTIVE; a DISABLED user stays
   * disabled) and may sign in again. When the request was an owner's that closed the household,
   * the tenant and the members that request closed (only those) are reopened with it. A member of
   * a household that is still closed is refused (cancel the owner's erasure instead). Out of
   * scope: 404 (audited DENIED); refused transitions: 409 (audited DENIED).
   */
  async function cancel(
    ctx: ServiceContext,
    raw: CancelErasureInput,
    now = new Date(),
    options: WriteOptions = {},
  ): Promise<ErasureCancelResult> {
    const input = CancelErasureInput.parse(raw);
    const info = { action: 'user.erasure_cancel', recordId: input.userId, reason: input.reason };
    await requireAbility(deps, ctx, 'reopen', 'User', info);
    let result: ErasureCancelResult | null;
    try {
      result = await db.write(
        ctx,
        async (s) => {
          const before = await users.lockVisible(s, input.userId, 'reopen');
          if (!before) return null;
          const refuse = (code: string) => new Refused(conflict(code), before.tenantId);
          if (before.status !== 'CLOSED' || before.erasedAt || !before.erasureDueAt || !before.closedAt)
            throw refuse('ERASURE.NOT_PENDING');
          if (before.erasureDueAt.getTime() <= now.getTime()) throw refuse('ERASURE.GRACE_PERIOD_OVER');
          const household = householdSession(s);
          const tenant = (await tenants.lockVisible(household, before.tenantId, 'update'))!;
          const closedWithTenant =
            tenant.status === 'CLOSED' &&
            tenant.closedAt?.getTime() === before.closedAt.getTime() &&
            tenant.erasureDueAt?.getTime() === before.erasureDueAt.getTime();
          if (tenant.status === 'CLOSED' && !(before.role === 'OWNER' && closedWithTenant))
            throw refuse('ERASURE.HOUSEHOLD_CLOSED');

          const reopen = (u: User) => ({
            status: reopenedStatus(u.statusBeforeClose),
            closedAt: null,
            erasureDueAt: null,
            statusBeforeClose: null,
          });
          const after = (await users.updateVisible(s, before.id, reopen(before), 'reopen'))!;
          const diff: Record<string, unknown> = diffRecords(before, after);
          let membersReopened = 0;
          if (closedWithTenant) {
            const reopened = await tenants.updateVisible(household, tenant.id, {
              status: tenant.statusBeforeClose ?? 'ACTIVE',
              closedAt: null,
              erasureDueAt: null,
              statusBeforeClose: null,
            });
            diff.tenantStatus = { from: tenant.status, to: reopened!.status };
            const members = await erasure.listMembersClosedWith(
              household,
              tenant.id,
              before.id,
              before.closedAt,
              before.erasureDueAt,
            );
            for (const member of members) await users.updateVisible(household, member.id, reopen(member), 'reopen');
            membersReopened = members.length;
            if (membersReopened) diff.membersReopened = { from: null, to: membersReopened };
          }
          await audit.record(s, {
            ...actorFields(ctx),
            tenantId: before.tenantId,
            action: 'user.erasure_cancel',
            resource: 'User',
            recordId: before.id,
            reason: input.reason,
            diff,
          });
          return {
            userId: before.id,
            tenantId: before.tenantId,
            status: after.status,
            tenantReopened: closedWithTenant,
            membersReopened,
          };
        },
        options,
      );
    } catch (err) {
      if (err instanceof Refused) throw await deny(deps, ctx, { ...info, resource: 'User', tenantId: err.tenantId }, err.error);
      throw err;
    }
    if (!result)
      throw await refuseInvisible(deps, ctx, { ...info, resource: 'User' }, (s) =>
        erasure.unsafeFindTenantIdOfUser(s, input.userId),
      );
    return result;
  }

  function requireSystem(ctx: ServiceContext) {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'erasure runs as a system job');
  }

  /** Users whose erasure is due (system job): their id and tenant, oldest first. */
  async function dueUsers(
    ctx: ServiceContext,
    now = new Date(),
    limit = 500,
  ): Promise<Array<{ userId: string; tenantId: string }>> {
    requireSystem(ctx);
    const due = await db.read(ctx, (s) => erasure.listDue(s, now, limit));
    return due.map((u) => ({ userId: u.id, tenantId: u.tenantId }));
  }

  /** Redacts the tenant's outbox events that name the person (never another tenant's; never deleted). */
  async function redactOutbox(s: WriteSession, tenantId: string, needles: string[]): Promise<number> {
    let redacted = 0;
    for (const event of await outbox.listOfTenantMentioning(s, tenantId, needles)) {
      const payload = redactJson(event.payload, needles);
      if (await outbox.replacePayloadOfTenant(s, tenantId, event.id, payload as Prisma.InputJsonValue)) redacted++;
    }
    return redacted;
  }

  /**
   * Erases one user's personal data once due (system job, audited `user.erase`). Re-checks the
   * user's tenant and state when it runs; idempotent (an erased user is left alone). Export files
   * are deleted after the transaction commits (a rollback leaves them, and their rows, as they
   * were); a deletion that fails is retried by export maintenance.
   */
  async function eraseUser(ctx: ServiceContext, raw: EraseUserInput, now = new Date()): Promise<EraseResult> {
    requireSystem(ctx);
    const input = EraseUserInput.parse(raw);
    return db.write(
      ctx,
      async (s): Promise<EraseResult> => {
        const user = await erasure.lockUserOfTenant(s, input.userId, input.tenantId);
        if (!user) return { outcome: 'missing' };
        if (user.erasedAt) return { outcome: 'already-erased' };
        if (user.status !== 'CLOSED' || !user.erasureDueAt || user.erasureDueAt > now) return { outcome: 'not-due' };
        const tenantId = user.tenantId;
        const tenant: Tenant = (await tenants.findVisible(s, tenantId, 'update'))!;
        const needles = personalNeedles(user);
        const wholeTenant = user.role === 'OWNER' && tenant.status === 'CLOSED';

        // 1. Free text of financial records: the one narrow exception to append-only (migration 004).
        const descriptionsCleared = await erasure.eraseTransactionText(s, user);
        // 2. Replay records, mail and outbox events that may quote the person, their sessions.
        await erasure.deleteIdempotencyRecords(s, user, needles);
        const mailDeleted = await erasure.deleteMail(s, tenantId, user.email, needles);
        const outboxRedacted = await redactOutbox(s, tenantId, needles);
        await erasure.deleteRefreshTokens(s, user);
        // 3. Other free text of the tenant that names the person.
        const valuesRedacted = await erasure.sweepTenantText(s, tenantId, needles);
        // 4. The tenant itself, when the household is gone (its name and slug often name the owner).
        if (wholeTenant) {
          await tenants.updateVisible(s, tenant.id, { name: ERASED.tenantName, slug: ERASED.slug(tenant.id) });
        } else if (needles.some((n) => tenant.name.toLowerCase().includes(n))) {
          await tenants.updateVisible(s, tenant.id, { name: ERASED.tenantName });
        }
        // 5. Export files of the tenant (the person's own exports among them): the rows let go of
        //    them now; the files are deleted once this transaction has committed.
        const files = await exports.detachFilesOfTenant(s, tenantId);
        s.afterCommit.push(async () => {
          for (const file of files) await deleteStaleFile(deps, ctx, file);
        });
        // 6. The person: fixed placeholders, no way back.
        const erased = (await users.updateVisible(
          s,
          user.id,
          {
            email: ERASED.email(user.id),
            name: ERASED.name,
            phone: null,
            passwordHash: ERASED.passwordHash,
            failedLoginCount: 0,
            lockedUntil: null,
            passwordResetSentAt: null,
            pendingEmail: null,
            emailVerificationSentAt: null,
            erasedAt: now,
          },
          'update',
        ))!;
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId,
          action: 'user.erase',
          resource: 'User',
          recordId: user.id,
          diff: {
            ...diffRecords(user, erased),
            descriptionsCleared: { from: null, to: descriptionsCleared },
            valuesRedacted: { from: null, to: valuesRedacted },
            mailDeleted: { from: null, to: mailDeleted },
            outboxRedacted: { from: null, to: outboxRedacted },
            exportFilesDeleted: { from: null, to: files.length },
          },
        });
        return {
          outcome: 'erased',
          descriptionsCleared,
          valuesRedacted,
          mailDeleted,
          outboxRedacted,
          exportFilesDeleted: files.length,
        };
      },
      { timeoutMs: ERASE_TIMEOUT_MS },
    );
  }

  return { requestErasure, requestErasureBySupport, cancel, dueUsers, eraseUser };
}
