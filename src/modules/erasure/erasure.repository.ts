import type { User } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** Tables whose text columns the generic sweep never rewrites (handled otherwise, or history). */
const SWEEP_EXCLUDED_TABLES = [
  'AuditEvent',
  'AuditChainHead',
  'AuditCheckpoint',
  'Transaction',
  'User',
  'Tenant',
  // Replay records are deleted (below), not rewritten: a rewritten response would replay garbage.
  'IdempotencyKey',
  'schema_migrations',
];
/** Identifier-like columns: codes, hashes, paths and ids are not personal data and must stay valid. */
const SWEEP_EXCLUDED_COLUMN =
  /(^id$|Id$|Hash$|^sha256$|[fF]ilePath$|^fingerprint$|^currency$|^baseCurrency$|^locale$|^slug$|^key$|^method$|^path$|^type$|^resource$)/;
const SAFE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The statements of data-subject erasure (src/modules/erasure). Each is bounded to ONE tenant
 * (the erased user's) and, where the rows are the person's own, to that user: no statement here
 * can touch another tenant's rows, whatever text they contain (tests/jobs/erasure-bounds.test.ts).
 * The session's ability is applied on top (the erasure job runs as the system, whose ability is
 * everything: the tenant bound is the guard that matters).
 */
export const erasureRepository = {
  /** A user of `tenantId` the session may update, locked for the rest of the transaction. */
  async lockUserOfTenant(s: WriteSession, userId: string, tenantId: string): Promise<User | null> {
    const tx = txOf(s);
    const visible = await tx.user.findFirst({
      where: { AND: [scope(s.ctx, 'update', 'User'), { id: userId, tenantId }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    return tx.user.findFirst({ where: { id: userId, tenantId } });
  },

  /** Members of `tenantId` other than `exceptUserId` that are neither closed nor erased (the session may close them). */
  listOpenMembers: (s: ReadSession, tenantId: string, exceptUserId: string) =>
    dbOf(s).user.findMany({
      where: {
        AND: [scope(s.ctx, 'close', 'User'), { tenantId, id: { not: exceptUserId }, erasedAt: null, status: { not: 'CLOSED' } }],
      },
      orderBy: { id: 'asc' },
    }),

  /**
   * Members of `tenantId` (other than `exceptUserId`) closed by one particular request: still
   * CLOSED and not erased, with exactly its closing time and erasure date (the session may reopen them).
   */
  listMembersClosedWith: (s: ReadSession, tenantId: string, exceptUserId: string, closedAt: Date, erasureDueAt: Date) =>
    dbOf(s).user.findMany({
      where: {
        AND: [
          scope(s.ctx, 'reopen', 'User'),
          { tenantId, id: { not: exceptUserId }, status: 'CLOSED', erasedAt: null, closedAt, erasureDueAt },
        ],
      },
      orderBy: { id: 'asc' },
    }),

  /** Revokes the refresh tokens of users of `tenantId` (closing their accounts ends their sessions). */
  async revokeRefreshTokens(s: WriteSession, tenantId: string, userIds: string[], now: Date): Promise<number> {
    for (const id of userIds) requireCreatable(s.ctx, 'User', { id, tenantId }, 'close');
    const { count } = await txOf(s).refreshToken.updateMany({
      where: { tenantId, userId: { in: userIds }, revokedAt: null },
      data: { revokedAt: now },
    });
    return count;
  },

  /** Users whose erasure is due (the session may read them), oldest due first. */
  listDue: (s: ReadSession, now: Date, take: number) =>
    dbOf(s).user.findMany({
      where: { AND: [scope(s.ctx, 'read', 'User'), { status: 'CLOSED', erasedAt: null, erasureDueAt: { lte: now } }] },
      orderBy: { erasureDueAt: 'asc' },
      take,
      select: { id: true, tenantId: true },
    }),

  /**
   * Clears the free text of the user's financial records through the one narrow database function
   * allowed to (migration 004: it checks the erasure is due and works within the user's tenant).
   */
  async eraseTransactionText(s: WriteSession, user: Pick<User, 'id' | 'tenantId'>): Promise<number> {
    requireCreatable(s.ctx, 'User', { tenantId: user.tenantId }, 'update');
    const rows = await txOf(s).$queryRaw<
      Array<{ cleared: bigint }>
    >`SELECT backoffice_erase_transaction_text(${user.id}::uuid) AS cleared`;
    return Number(rows[0]!.cleared);
  },

  /**
   * Every other free-text column of `tenantId`'s rows that the application may update and that
   * contains one of `needles` becomes `[erased <id prefix>]` (found through information_schema,
   * so new tables are covered). Only rows WHERE "tenantId" = the tenant.
   */
  async sweepTenantText(s: WriteSession, tenantId: string, needles: string[]): Promise<number> {
    requireCreatable(s.ctx, 'Tenant', { id: tenantId }, 'update');
    if (!needles.length) return 0;
    const tx = txOf(s);
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
      if (SWEEP_EXCLUDED_COLUMN.test(column) || !SAFE_IDENTIFIER.test(table) || !SAFE_IDENTIFIER.test(column)) continue;
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
  },

  /**
   * Deletes mail of the tenant's people (the development mailbox / sent-mail ledger has no tenant
   * column: a message belongs to the tenant of its recipient, and user emails are unique): every
   * message to the erased user, and messages to other members of `tenantId` that name the person.
   */
  async deleteMail(s: WriteSession, tenantId: string, email: string, needles: string[]): Promise<number> {
    const p = new PositionalParams();
    const allowed = prismaWhereToSql(scope(s.ctx, 'delete', 'MailMessage'), 'm', { id: 'uuid', to: 'text' }, p);
    const tenant = p.add(tenantId, 'uuid');
    const recipient = p.add(email.toLowerCase(), 'text');
    const mentions = p.addArray(needles, 'text');
    return txOf(s).$executeRawUnsafe(
      `DELETE FROM "MailMessage" m
        WHERE ${allowed}
          AND lower(m."to") IN (SELECT lower(u."email") FROM "User" u WHERE u."tenantId" = ${tenant})
          AND (lower(m."to") = ${recipient}
               OR EXISTS (SELECT 1 FROM unnest(${mentions}) AS n(v)
                           WHERE strpos(lower(m."subject"), n.v) > 0 OR strpos(lower(m."text"), n.v) > 0))`,
      ...p.values,
    );
  },

  /**
   * Deletes replay records that may quote the person: the user's own idempotency keys, and keys
   * of `tenantId` whose stored response names them.
   */
  async deleteIdempotencyRecords(s: WriteSession, user: Pick<User, 'id' | 'tenantId'>, needles: string[]): Promise<number> {
    requireCreatable(s.ctx, 'User', { tenantId: user.tenantId }, 'update');
    const tx = txOf(s);
    const own = await tx.idempotencyKey.deleteMany({ where: { tenantId: user.tenantId, userId: user.id } });
    const quoting = await tx.$executeRaw`
      DELETE FROM "IdempotencyKey"
       WHERE "tenantId" = ${user.tenantId}::uuid AND "responseText" IS NOT NULL
         AND EXISTS (SELECT 1 FROM unnest(${needles}::text[]) AS n(v) WHERE strpos(lower("responseText"), n.v) > 0)`;
    return own.count + quoting;
  },

  /** Deletes the user's refresh tokens (their sessions are over for good). */
  async deleteRefreshTokens(s: WriteSession, user: Pick<User, 'id' | 'tenantId'>): Promise<number> {
    requireCreatable(s.ctx, 'User', { tenantId: user.tenantId }, 'update');
    const { count } = await txOf(s).refreshToken.deleteMany({ where: { tenantId: user.tenantId, userId: user.id } });
    return count;
  },

  /**
   * Ignores the session's ability: only to tell whether a refused user id belongs to another
   * tenant, so the refusal is audited in that tenant's chain. Returns nothing but the tenant id.
   */
  unsafeFindTenantIdOfUser: async (s: ReadSession, id: string) =>
    (await dbOf(s).user.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
