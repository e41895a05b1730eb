import { promises as fsp } from 'node:fs';
import type { Tenant, User } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { forbidden } from '../../lib/errors.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility, scope } from '../shared/guard.js';
import { EraseUserInput, RequestErasureInput, SupportErasureInput } from './erasure.schemas.js';

export type ErasureService = ReturnType<typeof createErasureService>;

export interface ErasureServiceDeps extends CoreDeps {
  config: { ERASURE_GRACE_DAYS: number };
}

export interface ErasureRequestResult {
  userId: string;
  tenantId: string;
  closedAt: Date;
  erasureDueAt: Date;
  tenantClosed: boolean;
}

export type EraseResult =
  | { outcome: 'erased'; descriptionsCleared: number; valuesRedacted: number; mailDeleted: number; exportFilesDeleted: number }
  | { outcome: 'already-erased' | 'not-due' | 'missing' };

/** Placeholders that replace personal data: fixed text, nothing derived from the person. */
export const ERASED = {
  name: 'Erased user',
  tenantName: 'Erased tenant',
  passwordHash: '!erased', // not an Argon2 hash: verification always fails
  email: (userId: string) => `erased-${userId}@erased.invalid`,
  slug: (tenantId: string) => `erased-${tenantId.replaceAll('-', '')}`,
};

/** Tables whose text columns are never rewritten by the generic sweep (handled otherwise, or history). */
const SWEEP_EXCLUDED_TABLES = [
  'AuditEvent',
  'AuditChainHead',
  'AuditCheckpoint',
  'Transaction',
  'User',
  'Tenant',
  'schema_migrations',
];
/** Identifier-like columns: codes, hashes, paths and ids are not personal data and must stay valid. */
const SWEEP_EXCLUDED_COLUMN =
  /(^id$|Id$|Hash$|^sha256$|^filePath$|^fingerprint$|^currency$|^baseCurrency$|^locale$|^slug$|^key$|^method$|^path$|^type$|^resource$)/;

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
 * Data-subject erasure. A request closes the account at once (status CLOSED, refresh tokens
 * revoked; the owner's request closes the whole tenant and its members) and schedules erasure
 * ERASURE_GRACE_DAYS later. The scheduled job then replaces personal data by fixed
 * placeholders, clears free text that names the person (transaction descriptions through the one
 * narrow database function allowed to touch them), removes their mail and exports, and keeps
 * the financial records and the audit trail (which never holds personal data in clear).
 */
export function createErasureService(deps: ErasureServiceDeps) {
  const { prisma, audit, config } = deps;

  async function closeAndSchedule(ctx: ServiceContext, tx: Tx, user: User, reason: string | null): Promise<ErasureRequestResult> {
    const now = new Date();
    const erasureDueAt = new Date(now.getTime() + config.ERASURE_GRACE_DAYS * 86_400_000);
    const closeUsers = async (ids: string[]) => {
      await tx.user.updateMany({
        where: { id: { in: ids }, erasedAt: null },
        data: { status: 'CLOSED', closedAt: now, erasureDueAt },
      });
      await tx.refreshToken.updateMany({ where: { userId: { in: ids }, revokedAt: null }, data: { revokedAt: now } });
    };
    await closeUsers([user.id]);
    const after = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
    const diff: Record<string, unknown> = diffRecords(user, after);
    let tenantClosed = false;
    if (user.role === 'OWNER') {
      // The owner leaving closes the household: the tenant and every member, same grace period.
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: user.tenantId } });
      if (tenant.status !== 'CLOSED') {
        await tx.tenant.update({ where: { id: tenant.id }, data: { status: 'CLOSED', closedAt: now, erasureDueAt } });
        diff.tenantStatus = { from: tenant.status, to: 'CLOSED' };
        diff.tenantErasureDueAt = { from: tenant.erasureDueAt?.toISOString() ?? null, to: erasureDueAt.toISOString() };
      }
      const members = await tx.user.findMany({
        where: { tenantId: user.tenantId, id: { not: user.id }, erasedAt: null },
        select: { id: true },
      });
      if (members.length) {
        await closeUsers(members.map((m) => m.id));
        diff.membersClosed = { from: null, to: members.length };
      }
      tenantClosed = true;
    }
    // Exactly one audit event for the request, whatever it closed.
    await audit.record(tx, {
      ...actorFields(ctx),
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
    return prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
      const user = await tx.user.findFirst({ where: { AND: [scope(ctx, 'close', 'User'), { id: userId }] } });
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
      return closeAndSchedule(ctx, tx, user, reason);
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
    const users = await prisma.user.findMany({
      where: { status: 'CLOSED', erasedAt: null, erasureDueAt: { lte: now } },
      orderBy: { erasureDueAt: 'asc' },
      take: limit,
      select: { id: true, tenantId: true },
    });
    return users.map((u) => ({ userId: u.id, tenantId: u.tenantId }));
  }

  async function sweepTenantText(tx: Tx, tenantId: string, needles: string[]): Promise<number> {
    if (!needles.length) return 0;
    const columns = await tx.$queryRaw<Array<{ table: string; column: string; hasId: boolean }>>`
      SELECT c.table_name::text AS "table", c.column_name::text AS "column",
             EXISTS (SELECT 1 FROM information_schema.columns i
                      WHERE i.table_schema = c.table_schema AND i.table_name = c.table_name AND i.column_name = 'id') AS "hasId"
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = 'public'
         AND c.data_type IN ('text', 'character varying')
         AND EXISTS (SELECT 1 FROM information_schema.columns x
                      WHERE x.table_schema = c.table_schema AND x.table_name = c.table_name AND x.column_name = 'tenantId')
         AND NOT (c.table_name = ANY(${SWEEP_EXCLUDED_TABLES}::text[]))
         -- Append-only history (no UPDATE for the application) is kept as it is: docs/jobs.md.
         AND has_column_privilege(format('%I.%I', c.table_schema, c.table_name), c.column_name::text, 'UPDATE')
       ORDER BY 1, 2`;
    let redacted = 0;
    for (const { table, column, hasId } of columns) {
      if (SWEEP_EXCLUDED_COLUMN.test(column) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table + column)) continue;
      // The placeholder carries the row's id prefix so unique constraints (category names) hold.
      const placeholder = hasId ? `'[erased ' || left("id"::text, 8) || ']'` : `'[erased]'`;
      redacted += await tx.$executeRawUnsafe(
        `UPDATE "${table}" SET "${column}" = ${placeholder}
          WHERE "tenantId" = $1::uuid AND "${column}" IS NOT NULL
            AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n(v) WHERE strpos(lower("${column}"), n.v) > 0)`,
        tenantId,
        needles,
      );
    }
    return redacted;
  }

  /**
   * Erases one user's personal data once due (system job, audited `user.erase`). Re-checks the
   * user's tenant and state when it runs; idempotent (an erased user is left alone).
   */
  async function eraseUser(ctx: ServiceContext, raw: EraseUserInput, now = new Date()): Promise<EraseResult> {
    requireSystem(ctx);
    const input = EraseUserInput.parse(raw);
    return prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${input.userId}::uuid FOR UPDATE`;
        const user = await tx.user.findFirst({ where: { id: input.userId, tenantId: input.tenantId } });
        if (!user) return { outcome: 'missing' as const };
        if (user.erasedAt) return { outcome: 'already-erased' as const };
        if (user.status !== 'CLOSED' || !user.erasureDueAt || user.erasureDueAt > now) return { outcome: 'not-due' as const };
        const tenant: Tenant = await tx.tenant.findUniqueOrThrow({ where: { id: user.tenantId } });
        const needles = personalNeedles(user);
        const wholeTenant = user.role === 'OWNER' && tenant.status === 'CLOSED';

        // 1. Free text of financial records: the one narrow exception to append-only (migration 004).
        const cleared = (
          await tx.$queryRaw<Array<{ cleared: bigint }>>`SELECT backoffice_erase_transaction_text(${user.id}::uuid) AS cleared`
        )[0]!.cleared;
        // 2. Other free text of the tenant that names the person.
        const valuesRedacted = await sweepTenantText(tx, user.tenantId, needles);
        // 3. The tenant itself, when the household is gone (its name and slug often name the owner).
        if (wholeTenant) {
          await tx.tenant.update({ where: { id: tenant.id }, data: { name: ERASED.tenantName, slug: ERASED.slug(tenant.id) } });
        } else if (needles.some((n) => tenant.name.toLowerCase().includes(n))) {
          await tx.tenant.update({ where: { id: tenant.id }, data: { name: ERASED.tenantName } });
        }
        // 4. Mail to or about the person, events and replay records that may quote them.
        const mailDeleted = await tx.$executeRaw`
          DELETE FROM "MailMessage"
           WHERE lower("to") = lower(${user.email})
              OR EXISTS (SELECT 1 FROM unnest(${needles}::text[]) AS n(v)
                          WHERE strpos(lower("subject"), n.v) > 0 OR strpos(lower("text"), n.v) > 0)`;
        await tx.$executeRaw`
          DELETE FROM "OutboxEvent"
           WHERE EXISTS (SELECT 1 FROM unnest(${needles}::text[]) AS n(v) WHERE strpos(lower("payload"::text), n.v) > 0)`;
        await tx.idempotencyKey.deleteMany({ where: { userId: user.id } });
        await tx.$executeRaw`
          DELETE FROM "IdempotencyKey"
           WHERE "tenantId" = ${user.tenantId}::uuid AND "responseText" IS NOT NULL
             AND EXISTS (SELECT 1 FROM unnest(${needles}::text[]) AS n(v) WHERE strpos(lower("responseText"), n.v) > 0)`;
        await tx.refreshToken.deleteMany({ where: { userId: user.id } });
        // 5. Export files that contain the person: theirs, and any export of their tenant.
        const exportsWithFiles = await tx.exportJob.findMany({
          where: {
            filePath: { not: null },
            OR: [{ tenantId: user.tenantId }, { requestedByType: 'USER', requestedById: user.id }],
          },
          select: { id: true, filePath: true },
        });
        for (const e of exportsWithFiles) {
          await fsp.rm(e.filePath!, { force: true });
          await fsp.rm(`${e.filePath!}.manifest.json`, { force: true });
        }
        if (exportsWithFiles.length)
          await tx.exportJob.updateMany({ where: { id: { in: exportsWithFiles.map((e) => e.id) } }, data: { filePath: null } });
        // 6. The person: fixed placeholders, no way back.
        const erased = await tx.user.update({
          where: { id: user.id },
          data: {
            email: ERASED.email(user.id),
            name: ERASED.name,
            phone: null,
            passwordHash: ERASED.passwordHash,
            failedLoginCount: 0,
            lockedUntil: null,
            passwordResetSentAt: null,
            erasedAt: now,
          },
        });
        await audit.record(tx, {
          ...actorFields(ctx),
          tenantId: user.tenantId,
          action: 'user.erase',
          resource: 'User',
          recordId: user.id,
          diff: {
            ...diffRecords(user, erased),
            descriptionsCleared: { from: null, to: Number(cleared) },
            valuesRedacted: { from: null, to: valuesRedacted },
            mailDeleted: { from: null, to: mailDeleted },
            exportFilesDeleted: { from: null, to: exportsWithFiles.length },
          },
        });
        return {
          outcome: 'erased' as const,
          descriptionsCleared: Number(cleared),
          valuesRedacted,
          mailDeleted,
          exportFilesDeleted: exportsWithFiles.length,
        };
      },
      { timeout: 120_000 },
    );
  }

  return { requestErasure, requestErasureBySupport, dueUsers, eraseUser };
}
