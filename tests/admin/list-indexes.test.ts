import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_POLICIES } from '../../src/modules/admin-records/admin-records.policy.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { insertBulkTransactions } from '../helpers/bulk.js';
import { factories } from '../helpers/factories.js';

/**
 * Issue 17: the admin's text filters and sorts on big tables answer from an index.
 * - the catalog: every column the admin offers as sortable is served by an index (column first;
 *   and (tenantId, column) on tenant-indexed models), unless the model has few rows;
 * - the plans: the SQL the admin sends (the shapes @adminjs/prisma's `contains` and our orderOf
 *   produce, copied from Prisma's query log) on a table of 40,000 rows with fresh statistics uses
 *   the trigram index for a substring filter and an index in the sort's order (no Sort node, no
 *   Seq Scan). Dropping any of those indexes makes this fail.
 */
describe('admin lists on big tables answer from an index', () => {
  let t: TestContext;
  let owner: pg.Client;
  let tenantIds: string[];

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    tenantIds = [];
    for (let i = 0; i < 20; i++) {
      const tenant = await f.tenant();
      const account = await f.account(tenant.id);
      tenantIds.push(tenant.id);
      await insertBulkTransactions(owner, {
        tenantId: tenant.id,
        accountId: account.id,
        count: 2000,
        cafeEvery: 500,
        varyAmounts: true,
      });
    }
    // Many users in one tenant and many tenants (what a superadmin's search runs over).
    await owner.query(
      `INSERT INTO "User" ("tenantId", "email", "name", "passwordHash", "updatedAt")
       SELECT $1, 'person' || g || '@example.test', 'Person ' || g, 'x', now() FROM generate_series(1, 20000) g`,
      [tenantIds[0]],
    );
    await owner.query(
      `INSERT INTO "Tenant" ("slug", "name", "updatedAt") SELECT 'bulk-' || g, 'Household ' || g, now() FROM generate_series(1, 20000) g`,
    );
    await owner.query('ANALYZE');
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  it('every sortable column of a model with many rows is served by an index (tenant-first where tenant-indexed)', async () => {
    const { rows } = await owner.query<{ tbl: string; cols: string[] }>(
      `SELECT t.relname AS tbl,
              array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS cols
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
         JOIN pg_am am ON am.oid = ix.relam
        WHERE t.relnamespace = 'public'::regnamespace AND i.indpred IS NULL AND am.amname = 'btree'`,
    );
    const missing: string[] = [];
    for (const [model, policy] of Object.entries(MODEL_POLICIES)) {
      if (policy.fewRows) continue;
      const indexes = rows.filter((r) => r.tbl === model).map((r) => r.cols);
      for (const column of policy.sortable) {
        if (!indexes.some((cols) => cols[0] === column)) missing.push(`${model}(${column}, …)`);
        if (policy.tenantIndexed && !indexes.some((cols) => cols[0] === 'tenantId' && cols[1] === column))
          missing.push(`${model}(tenantId, ${column}, …)`);
      }
    }
    expect(missing).toEqual([]);
  });

  async function plan(sql: string, params: unknown[], options: { noSeqScan?: boolean } = {}): Promise<string> {
    await owner.query('BEGIN');
    try {
      if (options.noSeqScan) await owner.query('SET LOCAL enable_seqscan = off');
      const { rows } = await owner.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await owner.query('ROLLBACK');
    }
  }

  // Indexes of the year partitions of "Transaction" (migration 106: each partition has its own
  // copy of every index of the parent, named after the partition and the columns).
  const TRIGRAM = /Transaction_(p\d{4}|before|after)_description_idx/;
  const TRIGRAM_OR_TENANT_FIRST = /Transaction_(p\d{4}|before|after)_(description|tenantId_\w+)_idx/;
  const AMOUNT_SCAN = /Index Scan.*Transaction_(p\d{4}|before|after)_amount_id_tenantId_idx/;
  const TENANT_AMOUNT_SCAN = /Index Scan.*Transaction_(p\d{4}|before|after)_tenantId_amount_id_idx/;
  /**
   * A sequential scan of a partition that holds rows (the planner scans an empty month, whose
   * estimate is cost=0.00..0.00, sequentially: nothing to read).
   */
  const WALK = /Seq Scan on \S+ \S+ +\(cost=(?!0\.00\.\.0\.00 )/;
  /** Such a scan, or a Sort node (a Merge Append's "Sort Key" merges index-ordered partitions). */
  const NO_SCAN_OR_SORT = /Seq Scan on \S+ \S+ +\(cost=(?!0\.00\.\.0\.00 )|(^|-> +)Sort {2}\(/m;

  const TX = `SELECT "public"."Transaction"."id", "public"."Transaction"."amount", "public"."Transaction"."occurredAt",
      "public"."Transaction"."description" FROM "public"."Transaction"`;

  it('a description filter (superadmin, and within a support agent’s tenants) uses the trigram index', async () => {
    for (const pattern of ['%cafe central%', '%nothing matches this%']) {
      // What an all-tenants staff member's filter runs (backoffice_text_matches, migration 105:
      // the matching ids, at most COUNT_CAP + 1, then the page read by id). Whether the index can
      // serve it: this test's months are small enough for a sequential scan of one to cost less
      // (at 2M rows: npm run bench -- admin-http).
      const everywhere = await plan(
        `SELECT "id" FROM "public"."Transaction" WHERE "description" ILIKE $1 LIMIT 10001`,
        [pattern],
        { noSeqScan: true },
      );
      expect(everywhere, everywhere).toMatch(TRIGRAM);
      expect(everywhere, everywhere).not.toMatch(WALK);
      const scoped = await plan(
        `${TX} WHERE ("public"."Transaction"."tenantId" IN ($1, $2, $3) AND "public"."Transaction"."description" ILIKE $4)
         ORDER BY "public"."Transaction"."occurredAt" DESC, "public"."Transaction"."id" DESC LIMIT 10 OFFSET 0`,
        [...tenantIds.slice(0, 3), pattern],
        { noSeqScan: true },
      );
      expect(scoped, scoped).not.toMatch(WALK);
      // Bounded by the trigram index or by a tenant-first index (the tenants' rows only).
      expect(scoped, scoped).toMatch(TRIGRAM_OR_TENANT_FIRST);
    }
  });

  it('a sort by amount is an index scan in that order, everywhere and within one tenant (no Sort, no Seq Scan)', async () => {
    for (const dir of ['ASC', 'DESC']) {
      const everywhere = await plan(
        `${TX} ORDER BY "public"."Transaction"."amount" ${dir}, "public"."Transaction"."id" ${dir} LIMIT 10 OFFSET 490`,
        [],
      );
      expect(everywhere, everywhere).toMatch(AMOUNT_SCAN);
      expect(everywhere, everywhere).not.toMatch(NO_SCAN_OR_SORT);
      const tenant = await plan(
        `${TX} WHERE "public"."Transaction"."tenantId" = $1
         ORDER BY "public"."Transaction"."amount" ${dir}, "public"."Transaction"."id" ${dir} LIMIT 500`,
        [tenantIds[1]],
      );
      expect(tenant, tenant).toMatch(TENANT_AMOUNT_SCAN);
      expect(tenant, tenant).not.toMatch(NO_SCAN_OR_SORT);
    }
  });

  it('user and tenant searches by name or email use their trigram indexes', async () => {
    for (const [table, column, pattern] of [
      ['User', 'email', '%person19999@%'],
      ['User', 'name', '%person 19999%'],
      ['Tenant', 'name', '%household 19999%'],
    ] as const) {
      const text = await plan(
        `SELECT "id" FROM "public"."${table}" WHERE "public"."${table}"."${column}" ILIKE $1 ORDER BY "id" LIMIT 10`,
        [pattern],
        { noSeqScan: true },
      );
      expect(text, text).toContain(`${table}_${column}_trgm_idx`);
      expect(text, text).not.toMatch(/Seq Scan/);
    }
  });

  it('pg_trgm is installed by the migrations (a fresh database has it)', async () => {
    const { rows } = await owner.query(`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(rows).toHaveLength(1);
  });
});
