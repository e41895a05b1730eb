import type pg from 'pg';
import { formatAmount } from '../../src/lib/money.js';

/** The statement the app's list runs (the first page of one tenant, newest first). */
export const BARE_LIST_SQL = `SELECT "id", "tenantId", "accountId", "categoryId", "amount", "currency", "direction", "occurredAt", "description", "kind",
       "adjustsTransactionId", "createdAt"
  FROM "Transaction" WHERE "tenantId" = $1 ORDER BY "occurredAt" DESC, "id" DESC LIMIT $2`;

interface ListRow {
  id: string;
  accountId: string;
  categoryId: string | null;
  amount: string;
  currency: string;
  direction: string;
  occurredAt: Date;
  description: string | null;
  kind: string;
  adjustsTransactionId: string | null;
}

/**
 * The JSON of GET /api/v1/transactions?limit=50 for one tenant, as a bare node:http + pg server
 * makes it: the same SQL as a named prepared statement (the fastest way pg runs it), the same
 * fields, no framework. The baselines of bench/api.ts and bench/writes.ts.
 */
export async function bareListPage(pool: pg.Pool, tenantId: string): Promise<string> {
  const { rows } = await pool.query<ListRow>({ name: 'bare_list', text: BARE_LIST_SQL, values: [tenantId, 51] });
  const data = rows.slice(0, 50).map((r) => ({
    id: r.id,
    account_id: r.accountId,
    category_id: r.categoryId,
    amount: formatAmount(r.amount, r.currency),
    currency: r.currency,
    direction: r.direction,
    occurred_at: r.occurredAt.toISOString(),
    description: r.description,
    kind: r.kind,
    adjusts_transaction_id: r.adjustsTransactionId,
  }));
  return JSON.stringify({ data, next_cursor: rows.length > 50 ? 'x' : null });
}
