import type pg from 'pg';

/**
 * Inserts `count` transactions into one account as the owner (row-level security does not apply
 * to it), one a minute going back from now: a big table in one statement. Every `cafeEvery`-th
 * is "Cafe Central <n>", the others "Groceries market <n>"; amounts vary when `varyAmounts`.
 */
export async function insertBulkTransactions(
  owner: pg.Client,
  t: { tenantId: string; accountId: string; count: number; cafeEvery: number; varyAmounts?: boolean },
): Promise<void> {
  await owner.query(
    `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
     SELECT $1, $2, CASE WHEN $5 THEN (1 + (g * 7919 % 100000))::numeric / 100 ELSE 1 END, 'EUR', 'DEBIT',
            now() - (g || ' minutes')::interval,
            CASE WHEN g % $4 = 0 THEN 'Cafe Central ' || g ELSE 'Groceries market ' || g END
     FROM generate_series(1, $3::int) g`,
    [t.tenantId, t.accountId, t.count, t.cafeEvery, t.varyAmounts ?? false],
  );
}
