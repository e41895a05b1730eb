import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '@prisma/client';
import type pg from 'pg';
import type { Tx } from '../../db/prisma.js';
import type { CursorKey } from './keyset.js';
import { scopeToSql } from './scope-sql.js';

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

type Db = Tx | PrismaClient;

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

/** Columns an ability's conditions may name when rendered as SQL. */
const SCOPE_COLUMNS = new Set(['id', 'tenantId', 'accountId', 'categoryId']);

type RawRow = Omit<TransactionRecord, 'amount' | 'occurredAt' | 'createdAt'> & {
  amount: string;
  occurredAt: number;
  createdAt: number;
};

/** Named statements per distinct SQL text are kept per connection by pg; bound their number. */
const MAX_PREPARED_TEXTS = 256;
const preparedNames = new Map<string, string>();

/**
 * Runs a read through the raw pg pool as a named prepared statement: PostgreSQL parses and plans
 * it once per connection instead of on every request. Only a bounded set of statement texts is
 * prepared (filters combine into few shapes); any other text runs unnamed.
 */
async function runPrepared<R extends pg.QueryResultRow>(pool: pg.Pool, query: Prisma.Sql): Promise<R[]> {
  let name = preparedNames.get(query.text);
  if (!name && preparedNames.size < MAX_PREPARED_TEXTS) {
    name = `tx_list_${createHash('sha1').update(query.text).digest('hex').slice(0, 16)}`;
    preparedNames.set(query.text, name);
  }
  const result = await pool.query<R>(
    name ? { name, text: query.text, values: query.values } : { text: query.text, values: query.values },
  );
  return result.rows;
}

/** The only code of this module that touches the Transaction table. Callers pass the `where` scope. */
export const transactionRepository = {
  /**
   * One page, newest first on (occurredAt desc, id desc) — the order of the
   * (tenantId, occurredAt desc, id desc) index — strictly after `cursor`. Written in SQL (the hot
   * path of the API: Prisma's query compiler costs more CPU than the query itself), with the
   * actor's scope rendered from the same CASL conditions; a scope SQL cannot express falls back
   * to the equivalent Prisma query.
   */
  async list(
    db: Db,
    scope: Record<string, unknown>,
    f: TransactionListFilters,
    cursor: CursorKey | undefined,
    take: number,
    pool?: pg.Pool,
  ): Promise<TransactionRecord[]> {
    const scopeSql = scopeToSql(scope, SCOPE_COLUMNS, 't.');
    if (!scopeSql) return transactionRepository.listWithPrisma(db, scope, f, cursor, take);
    const conditions: Prisma.Sql[] = [scopeSql];
    if (f.tenantId) conditions.push(Prisma.sql`t."tenantId" = ${f.tenantId}::uuid`);
    if (f.accountId) conditions.push(Prisma.sql`t."accountId" = ${f.accountId}::uuid`);
    if (f.categoryId) conditions.push(Prisma.sql`t."categoryId" = ${f.categoryId}::uuid`);
    if (f.direction) conditions.push(Prisma.sql`t."direction" = ${f.direction}::"Direction"`);
    if (f.from) conditions.push(Prisma.sql`t."occurredAt" >= ${f.from}::timestamptz`);
    if (f.to) conditions.push(Prisma.sql`t."occurredAt" < ${f.to}::timestamptz`);
    if (cursor) conditions.push(Prisma.sql`(t."occurredAt", t."id") < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
    // Columns are qualified: ORDER BY must name the table's columns (the index order), not the
    // output aliases of the same name.
    const query = Prisma.sql`
      SELECT t."id"::text AS "id", t."tenantId"::text AS "tenantId", t."accountId"::text AS "accountId",
             t."categoryId"::text AS "categoryId", t."amount"::text AS "amount", t."currency"::text AS "currency",
             t."direction"::text AS "direction", (extract(epoch FROM t."occurredAt") * 1000)::float8 AS "occurredAt",
             t."description", t."kind"::text AS "kind", t."adjustsTransactionId"::text AS "adjustsTransactionId",
             (extract(epoch FROM t."createdAt") * 1000)::float8 AS "createdAt"
      FROM "Transaction" t
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY t."occurredAt" DESC, t."id" DESC
      LIMIT ${take}`;
    const rows = pool ? await runPrepared<RawRow>(pool, query) : await db.$queryRaw<RawRow[]>(query);
    // Timestamps travel as epoch milliseconds: a number parses far cheaper than timestamp text.
    return rows.map((r) => ({
      ...r,
      amount: new Prisma.Decimal(r.amount),
      occurredAt: new Date(Number(r.occurredAt)),
      createdAt: new Date(Number(r.createdAt)),
    }));
  },

  /** The same page through Prisma's query builder (scopes SQL rendering does not cover). */
  listWithPrisma: (
    db: Db,
    scope: Record<string, unknown>,
    f: TransactionListFilters,
    cursor: CursorKey | undefined,
    take: number,
  ) => {
    const occurredAt: Prisma.DateTimeFilter = {};
    if (f.from) occurredAt.gte = f.from;
    if (f.to) occurredAt.lt = f.to;
    return db.transaction.findMany({
      where: {
        AND: [
          scope,
          {
            ...(f.tenantId && { tenantId: f.tenantId }),
            ...(f.accountId && { accountId: f.accountId }),
            ...(f.categoryId && { categoryId: f.categoryId }),
            ...(f.direction && { direction: f.direction }),
            ...((f.from || f.to) && { occurredAt }),
          },
          cursor
            ? {
                occurredAt: { lte: cursor.at },
                OR: [{ occurredAt: { lt: cursor.at } }, { occurredAt: cursor.at, id: { lt: cursor.id } }],
              }
            : {},
        ],
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
      select: TRANSACTION_SELECT,
    });
  },

  findFirst: (db: Db, where: Prisma.TransactionWhereInput) => db.transaction.findFirst({ where, select: TRANSACTION_SELECT }),

  create: (db: Db, data: Prisma.TransactionUncheckedCreateInput) => db.transaction.create({ data, select: TRANSACTION_SELECT }),

  /** Ignores the actor's ability: only to decide whether a refused id belongs to another tenant. */
  unsafeFindTenantId: async (db: Db, id: string) =>
    (await db.transaction.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
