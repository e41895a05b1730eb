import { Prisma } from '@prisma/client';
import { readRows } from '../../db/prepared.js';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';
import type { CursorKey } from '../shared/keyset.js';

/** The columns a transaction is read with everywhere (API, admin, exports of one record). */
export const TRANSACTION_SELECT = {
  id: true,
  tenantId: true,
  accountId: true,
  categoryId: true,
  amount: true,
  currency: true,
  direction: true,
  occurredAt: true,
  description: true,
  kind: true,
  adjustsTransactionId: true,
  createdAt: true,
} as const satisfies Prisma.TransactionSelect;

export type TransactionRecord = Prisma.TransactionGetPayload<{ select: typeof TRANSACTION_SELECT }>;

export interface TransactionListFilters {
  tenantId?: string | undefined;
  accountId?: string | undefined;
  categoryId?: string | undefined;
  direction?: 'CREDIT' | 'DEBIT' | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** Columns an ability's conditions may name on Transaction, with their SQL type. */
const SCOPE_FIELDS = { id: 'uuid', tenantId: 'uuid', accountId: 'uuid', categoryId: 'uuid' } as const;

type RawRow = Omit<TransactionRecord, 'amount' | 'occurredAt' | 'createdAt'> & {
  amount: string;
  occurredAt: number;
  createdAt: number;
};

/** TRANSACTION_SELECT in SQL (alias t): ids and enums as text, timestamps as epoch milliseconds. */
const RAW_COLUMNS = `t."id"::text AS "id", t."tenantId"::text AS "tenantId", t."accountId"::text AS "accountId",
       t."categoryId"::text AS "categoryId", t."amount"::text AS "amount", t."currency"::text AS "currency",
       t."direction"::text AS "direction", (extract(epoch FROM t."occurredAt") * 1000)::float8 AS "occurredAt",
       t."description", t."kind"::text AS "kind", t."adjustsTransactionId"::text AS "adjustsTransactionId",
       (extract(epoch FROM t."createdAt") * 1000)::float8 AS "createdAt"`;

/** Timestamps travel as epoch milliseconds: a number parses far cheaper than timestamp text. */
const fromRaw = (r: RawRow): TransactionRecord => ({
  ...r,
  amount: new Prisma.Decimal(r.amount),
  occurredAt: new Date(Number(r.occurredAt)),
  createdAt: new Date(Number(r.createdAt)),
});

/** What a new transaction is made of (the rest is the database's: id, createdAt). */
export interface NewTransaction {
  tenantId: string;
  accountId: string;
  categoryId?: string | null | undefined;
  amount: string | Prisma.Decimal;
  currency: string;
  direction: 'CREDIT' | 'DEBIT';
  occurredAt?: Date | undefined;
  description?: string | null | undefined;
  kind?: 'REGULAR' | 'ADJUSTMENT' | undefined;
  adjustsTransactionId?: string | null | undefined;
}

/**
 * One INSERT of a transaction returning TRANSACTION_SELECT: in SQL because it is the hot write
 * path (a Prisma create costs more CPU in the query compiler than the database spends on it).
 */
const INSERT_SQL = `INSERT INTO "Transaction" AS t ("tenantId", "accountId", "categoryId", "amount", "currency", "direction",
    "occurredAt", "description", "kind", "adjustsTransactionId")
  VALUES ($1::uuid, $2::uuid, $3::uuid, $4::numeric, $5::text, $6::"Direction", coalesce($7::timestamptz, now()), $8::text,
    $9::"TransactionKind", $10::uuid)
  RETURNING ${RAW_COLUMNS}`;

/**
 * The only code that touches the Transaction table. Every method takes the session and applies
 * its ability in the query; the one that does not says so in its name.
 */
export const transactionRepository = {
  /**
   * One page of the transactions the session may read, newest first on (occurredAt desc, id
   * desc) — the order of the (tenantId, occurredAt desc, id desc) index — strictly after
   * `cursor`. Written in SQL (the hot path of the API: Prisma's query compiler costs more CPU
   * than the query itself), with the ability rendered by the one CASL → SQL translator; run as a
   * prepared statement through the raw pool when the session has one.
   */
  async listVisible(
    s: ReadSession,
    f: TransactionListFilters,
    cursor: CursorKey | undefined,
    take: number,
  ): Promise<TransactionRecord[]> {
    const p = new PositionalParams();
    const conditions = [prismaWhereToSql(scope(s.ctx, 'read', 'Transaction'), 't', SCOPE_FIELDS, p)];
    if (f.tenantId) conditions.push(`t."tenantId" = ${p.add(f.tenantId, 'uuid')}`);
    if (f.accountId) conditions.push(`t."accountId" = ${p.add(f.accountId, 'uuid')}`);
    if (f.categoryId) conditions.push(`t."categoryId" = ${p.add(f.categoryId, 'uuid')}`);
    if (f.direction) conditions.push(`t."direction" = ${p.add(f.direction, '"Direction"')}`);
    if (f.from) conditions.push(`t."occurredAt" >= ${p.add(f.from, 'timestamptz')}`);
    if (f.to) conditions.push(`t."occurredAt" < ${p.add(f.to, 'timestamptz')}`);
    if (cursor) conditions.push(`(t."occurredAt", t."id") < (${p.add(cursor.at, 'timestamptz')}, ${p.add(cursor.id, 'uuid')})`);
    // Columns are qualified: ORDER BY must name the table's columns (the index order), not the
    // output aliases of the same name.
    const text = `
      SELECT ${RAW_COLUMNS}
      FROM "Transaction" t
      WHERE ${conditions.join(' AND ')}
      ORDER BY t."occurredAt" DESC, t."id" DESC
      LIMIT ${p.add(take, 'bigint')}`;
    return (await readRows<RawRow>(s, text, p.values)).map(fromRaw);
  },

  /** One transaction the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).transaction.findFirst({ where: { AND: [scope(s.ctx, action, 'Transaction'), { id }] }, select: TRANSACTION_SELECT }),

  /** Adjustments that reference one of `ids` (within the session's ability), oldest first. */
  listAdjustmentsOf: (s: ReadSession, ids: string[]) =>
    dbOf(s).transaction.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Transaction'), { adjustsTransactionId: { in: ids } }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: TRANSACTION_SELECT,
    }),

  /**
   * Appends a transaction; refused unless the session's ability may `create` (or, for an
   * adjustment, `adjust`) a transaction of that tenant.
   */
  async create(s: WriteSession, data: NewTransaction): Promise<TransactionRecord> {
    requireCreatable(s.ctx, 'Transaction', data, data.kind === 'ADJUSTMENT' ? 'adjust' : 'create');
    const rows = await txOf(s).$queryRawUnsafe<RawRow[]>(
      INSERT_SQL,
      data.tenantId,
      data.accountId,
      data.categoryId ?? null,
      String(data.amount),
      data.currency,
      data.direction,
      data.occurredAt ?? null,
      data.description ?? null,
      data.kind ?? 'REGULAR',
      data.adjustsTransactionId ?? null,
    );
    return fromRaw(rows[0]!);
  },

  /**
   * Ignores the session's ability: only to tell whether a refused id belongs to another tenant,
   * so the refusal is audited in that tenant's chain. Returns nothing but the tenant id.
   */
  unsafeFindTenantId: async (s: ReadSession, id: string) =>
    (await dbOf(s).transaction.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
