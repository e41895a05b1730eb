import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, idsOf, type World } from './resources.helpers.js';

/**
 * Lists on large tables: the count stops at 10,000 ("10,000+") instead of counting every row,
 * and pages stop where the offset would pass 10,000.
 */
describe('admin lists on large tables', () => {
  let w: World;
  const EXTRA = 10_050;

  beforeAll(async () => {
    w = await buildWorld();
    const client = new pg.Client({ connectionString: w.h.t.db.ownerUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
         SELECT $1, $2, 1 + (g % 50), 'EUR', 'DEBIT', now() - (g || ' minutes')::interval - interval '2 days', 'Bulk ' || g
         FROM generate_series(1, $3::int) g`,
        [w.a.tenantId, w.a.accountId, EXTRA],
      );
      await client.query('ANALYZE "Transaction"');
    } finally {
      await client.end();
    }
  });
  afterAll(async () => w.close());

  it('caps the count at 10,000 and says so (meta.totalCapped), for every role that sees the rows', async () => {
    for (const who of ['superadmin', 'supportA', 'compliance'] as const) {
      const res = await w.api[who].list('Transaction');
      expect(res.status).toBe(200);
      expect(res.body.meta.total, who).toBe(10_001);
      expect(res.body.meta.totalCapped, who).toBe(true);
      expect(res.body.meta.maxPage).toBe(1_000);
    }
    // Below the cap the count is exact: tenant B alone.
    const b = await w.api.superadmin.list('Transaction', { 'filters.tenant': w.b.tenantId });
    expect(b.body.meta).toMatchObject({ total: 6, totalCapped: false });
  });

  it('clamps deep pages so the offset never passes 10,000', async () => {
    const res = await w.api.superadmin.list('Transaction', { page: 5_000, perPage: 10 });
    expect(res.body.meta.page).toBe(1_000);
    expect(res.body.records).toHaveLength(10);
    const big = await w.api.superadmin.list('Transaction', { page: 999, perPage: 100 });
    expect(big.body.meta.page).toBe(100);
    // Page 1,000 of 10 is rows 9,991–10,000 in (occurredAt desc, id desc) order.
    const db = await w.h.t.owner.prisma.transaction.findMany({
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      skip: 9_990,
      take: 10,
      select: { id: true },
    });
    expect(idsOf(res)).toEqual(db.map((r) => r.id));
  });

  it('does not let a support user page into tenant B by going deep', async () => {
    const res = await w.api.supportA.list('Transaction', { page: 1_000, perPage: 10 });
    for (const r of res.body.records) expect(r.params.tenant).toBe(w.a.tenantId);
  });
});
