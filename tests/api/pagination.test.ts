import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadSession } from '../../src/db/session.js';
import { buildUserContext } from '../../src/modules/access/context.factory.js';
import { transactionRepository } from '../../src/modules/transactions/transaction.repository.js';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from './helpers/harness.js';

describe('cursor pagination under concurrent inserts', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  let accountId: string;
  const N = 10_000;

  beforeAll(async () => {
    h = await startApi();
    u = await signUp(h, 'pager');
    accountId = checked(
      await h
        .http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ name: 'Main', type: 'BANK', currency: 'EUR' }),
    ).body.id;
    // 10,000 rows; every three share a timestamp so the id must break ties.
    await h.t.owner.pool.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1, $2, (1 + g % 900)::numeric, 'EUR', 'DEBIT', timestamptz '2024-01-01 00:00:00+00' - ((g / 3) || ' seconds')::interval, 'seed ' || g
       FROM generate_series(1, ${N}) g`,
      [u.tenantId, accountId],
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('returns every pre-existing row exactly once while another client inserts', async () => {
    const existing = new Set(
      (
        await h.t.owner.pool.query<{ id: string }>('SELECT id::text AS id FROM "Transaction" WHERE "tenantId" = $1', [u.tenantId])
      ).rows.map((r) => r.id),
    );
    expect(existing.size).toBe(N + 0);

    let paging = true;
    let inserted = 0;
    const inserter = (async () => {
      let i = 0;
      while (paging) {
        // New rows land everywhere: in the future, at timestamps of existing rows, in pages not yet read.
        const offsetSeconds = [0, 1, 1666, 3333, -60][i % 5]!;
        const occurredAt = new Date(Date.UTC(2024, 0, 1) - offsetSeconds * 1000).toISOString();
        const res = await h.client.POST('/api/v1/transactions', {
          headers: u.auth,
          params: { header: { 'idempotency-key': newKey('ins') } },
          body: { account_id: accountId, amount: '1.00', direction: 'CREDIT', occurred_at: occurredAt },
        });
        expect(res.response.status).toBe(201);
        inserted++;
        i++;
      }
    })();

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    try {
      do {
        const res = await h.client.GET('/api/v1/transactions', {
          headers: u.auth,
          params: { query: { limit: 100, ...(cursor && { cursor }) } },
        });
        expect(res.response.status).toBe(200);
        seen.push(...res.data!.data.map((t) => t.id));
        cursor = res.data!.next_cursor ?? undefined;
        pages++;
      } while (cursor);
    } finally {
      paging = false;
      await inserter;
    }

    expect(inserted).toBeGreaterThan(0);
    expect(pages).toBeGreaterThanOrEqual(100);
    const counts = new Map<string, number>();
    for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const missing = [...existing].filter((id) => !counts.has(id));
    expect(missing).toEqual([]);
  }, 180_000);

  it('the list query the service sends is an ordered index range scan from the cursor, without a sort', async () => {
    const owner = new pg.Client({ connectionString: h.t.db.ownerUrl });
    await owner.connect();
    try {
      await owner.query('ANALYZE "Transaction"');
      // Capture the statement exactly as the repository prepares it.
      let captured: { text: string; values: unknown[] } | undefined;
      const spy = {
        query: (config: { text: string; values: unknown[] }) => {
          captured = config;
          return h.t.owner.pool.query(config);
        },
      } as unknown as pg.Pool;
      const ctx = buildUserContext({ id: u.userId, tenantId: u.tenantId, role: 'OWNER', locale: 'en' });
      const cursor = { at: new Date('2023-12-31T23:30:00Z'), id: '00000000-0000-4000-8000-000000000000' };
      const rows = await transactionRepository.listVisible(new ReadSession(ctx, h.t.owner.prisma, spy), {}, cursor, 101);
      expect(rows).toHaveLength(101);
      const plan = await owner.query(`EXPLAIN ${captured!.text}`, captured!.values);
      const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      // An ordered index scan starting at the cursor (with one tenant in this database the planner
      // may pick the global (occurredAt, id) index; with many, the per-tenant one — see bench/api.ts).
      // The table is partitioned by year (migration 106): the scan is of a partition's copy of the
      // index, and the partitions are read in order (an Append, never a Merge Append).
      expect(text).toMatch(/Index Scan using "Transaction_\w+?_(tenantId_)?occurredAt_id(_tenantId)?_idx"/);
      expect(text).toMatch(/Index Cond:.*ROW\("occurredAt", id\) < ROW/);
      expect(text).not.toMatch(/Sort|Merge Append/);
    } finally {
      await owner.end();
    }
  });
});
