import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { adminRecordRepository } from '../../src/modules/admin-records/admin-records.repository.js';
import { COUNT_CAP } from '../../src/modules/admin-records/admin-records.schemas.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { insertBulkTransactions } from '../helpers/bulk.js';
import { factories } from '../helpers/factories.js';

/**
 * Issue 17: under row-level security a query's ILIKE cannot use the trigram index (the operator
 * is not leakproof, so the policy's condition runs first), and an all-tenants staff member's text
 * filter walked the table in list order. backoffice_text_matches() (migration 105) answers the
 * filter from the index within the caller's tenant set; the rows are then read through the
 * policies as before. These tests watch the index being used (pg_stat_user_indexes), the tenant
 * bound, literal matching, the dense case and the function's own guard.
 */
describe('admin text filters under row-level security', () => {
  let t: TestContext;
  let owner: pg.Client;
  let tenantIds: string[];
  let superadmin: ServiceContext;
  let support: ServiceContext;

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    tenantIds = [];
    for (let i = 0; i < 6; i++) {
      const tenant = await f.tenant();
      const account = await f.account(tenant.id);
      tenantIds.push(tenant.id);
      // 3,000 groceries per tenant (18,000: more than COUNT_CAP) and 4 cafes each.
      await insertBulkTransactions(owner, { tenantId: tenant.id, accountId: account.id, count: 3000, cafeEvery: 750 });
      if (i === 0)
        await owner.query(
          `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
           VALUES ($1, $2, 1, 'EUR', 'DEBIT', now(), 'Refund 100% done'), ($1, $2, 1, 'EUR', 'DEBIT', now(), 'Refund 1000 done')`,
          [tenant.id, account.id],
        );
    }
    await owner.query('ANALYZE "Transaction"');
    superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: tenantIds.slice(0, 2) }));
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  /**
   * Runs `sql` as the application role under the all-tenants set, on the owner's connection,
   * with sequential scans off (this table is small enough for one to win; the question is
   * whether the index may serve the filter at all), and returns how many scans of the trigram
   * index this transaction made (the backend's own statistics, read before they are flushed).
   */
  async function trigramScansOf(sql: string, params: unknown[]): Promise<number> {
    await owner.query('BEGIN');
    try {
      await owner.query(
        `SELECT set_config('backoffice.tenant_ids', '{}', true), set_config('backoffice.all_tenants', 'on', true)`,
      );
      await owner.query('SET LOCAL enable_seqscan = off');
      await owner.query('SET LOCAL ROLE backoffice_app');
      await owner.query(sql, params);
      await owner.query('RESET ROLE');
      const { rows } = await owner.query<{ n: string }>(
        // The table is partitioned by year (migration 106): its partitions' indexes are scanned.
        `SELECT coalesce(sum(pg_stat_get_xact_numscans(i.inhrelid)), 0)::text AS n FROM pg_inherits i
          WHERE i.inhparent = '"Transaction_description_trgm_idx"'::regclass`,
      );
      return Number(rows[0]!.n);
    } finally {
      await owner.query('ROLLBACK');
    }
  }
  const filter = (value: string) => [{ field: 'description', op: 'contains' as const, value }];
  const ownerNewest = async (pattern: string, take: number) =>
    (
      await owner.query<{ id: string }>(
        `SELECT id::text FROM "Transaction" WHERE description ILIKE $1 ORDER BY "occurredAt" DESC, id DESC LIMIT $2`,
        [pattern, take],
      )
    ).rows.map((r) => r.id);

  it('under the policies an ILIKE cannot use the trigram index; backoffice_text_matches() does', async () => {
    expect(await trigramScansOf(`SELECT id FROM "Transaction" WHERE description ILIKE $1 LIMIT 10001`, ['%cafe central%'])).toBe(
      0,
    );
    expect(
      await trigramScansOf(`SELECT backoffice_text_matches('Transaction', 'description', $1, $2)`, [
        'cafe central',
        COUNT_CAP + 1,
      ]),
    ).toBeGreaterThan(0);
  });

  it("a superadmin's description filter goes through the index search, with the rows and count the table has", async () => {
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      const rows = await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('cafe central'), take: 10 });
      expect(rows.map((r) => String(r.id))).toEqual(await ownerNewest('%cafe central%', 10));
      expect(search).toHaveBeenCalledWith(expect.anything(), 'Transaction', 'description', 'cafe central', COUNT_CAP + 1);
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: filter('CAFE CENTRAL') })).toEqual({
        count: 24,
        capped: false,
      });
      expect(
        await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('zzqx no match'), take: 10 }),
      ).toEqual([]);
      // A support agent's filter too (their tenants whole would be walked otherwise), within them.
      search.mockClear();
      const theirs = await t.services.adminRecords.list(support, 'Transaction', { filters: filter('cafe central'), take: 10 });
      expect(search).toHaveBeenCalledWith(expect.anything(), 'Transaction', 'description', 'cafe central', COUNT_CAP + 1);
      const { rows: expected } = await owner.query<{ id: string }>(
        `SELECT id::text FROM "Transaction" WHERE description ILIKE '%cafe central%' AND "tenantId" = ANY($1::uuid[])
          ORDER BY "occurredAt" DESC, id DESC LIMIT 10`,
        [tenantIds.slice(0, 2)],
      );
      expect(theirs.map((r) => String(r.id))).toEqual(expected.map((r) => r.id));
      expect(await t.services.adminRecords.count(support, 'Transaction', { filters: filter('cafe central') })).toEqual({
        count: 8,
        capped: false,
      });
    } finally {
      search.mockRestore();
    }
  });

  it("one request's page and count share one index search; the next request searches again", async () => {
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      const request = { textLookups: new Map() };
      const dense = filter('groceries');
      await t.services.adminRecords.list(superadmin, 'Transaction', { filters: dense, take: 10 }, request);
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: dense }, request)).toEqual({
        count: COUNT_CAP,
        capped: true,
      });
      const probe = filter('lookup probe');
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: probe }, request)).toEqual({
        count: 0,
        capped: false,
      });
      expect(search).toHaveBeenCalledTimes(2);
      // Another request (its own lookups, or none): the search runs again and sees a new match.
      const [{ id: accountId }] = (
        await owner.query<{ id: string }>(`SELECT id FROM "Account" WHERE "tenantId" = $1 LIMIT 1`, [tenantIds[5]])
      ).rows as [{ id: string }];
      await owner.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
         VALUES ($1, $2, 1, 'EUR', 'DEBIT', now(), 'Lookup probe once')`,
        [tenantIds[5], accountId],
      );
      expect(
        await t.services.adminRecords.count(superadmin, 'Transaction', { filters: probe }, { textLookups: new Map() }),
      ).toEqual({ count: 1, capped: false });
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: probe })).toEqual({
        count: 1,
        capped: false,
      });
      expect(search).toHaveBeenCalledTimes(4);
    } finally {
      search.mockRestore();
    }
  });

  it('matches literally: % and _ in the filter are characters, not wildcards', async () => {
    const rows = await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('100%'), take: 10 });
    expect(rows.map((r) => r.description)).toEqual(['Refund 100% done']);
    expect(await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('Refund _'), take: 10 })).toEqual([]);
    // The same for a support agent.
    const theirs = await t.services.adminRecords.list(support, 'Transaction', { filters: filter('100%'), take: 10 });
    expect(theirs.map((r) => r.description)).toEqual(['Refund 100% done']);
    expect(await t.services.adminRecords.list(support, 'Transaction', { filters: filter('Refund _'), take: 10 })).toEqual([]);
  });

  it('more matches than the count cap: the page is the newest of them and the count is capped', async () => {
    const rows = await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('groceries'), take: 10 });
    expect(rows.map((r) => String(r.id))).toEqual(await ownerNewest('%groceries%', 10));
    expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: filter('groceries') })).toEqual({
      count: COUNT_CAP,
      capped: true,
    });
    // Another filter narrows the matches: counted, not assumed.
    const narrowed = await t.services.adminRecords.count(superadmin, 'Transaction', {
      filters: [...filter('groceries'), { field: 'tenantId', op: 'equals', value: tenantIds[3] }],
    });
    expect(narrowed).toEqual({ count: 2996, capped: false });
  });

  it("the search is bounded to the session's tenant set, and a support agent's filter sees only their tenants", async () => {
    const db = t.services.exportRunner.db;
    const ids = await db.read(support, (s) =>
      adminRecordRepository.textMatches(s, 'Transaction', 'description', 'cafe central', 100),
    );
    expect(ids).toHaveLength(8);
    const { rows } = await owner.query<{ tenantId: string }>(
      `SELECT DISTINCT "tenantId"::text FROM "Transaction" WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows.map((r) => r.tenantId).sort()).toEqual(tenantIds.slice(0, 2).sort());
    const listed = await t.services.adminRecords.list(support, 'Transaction', { filters: filter('cafe central'), take: 50 });
    expect(listed).toHaveLength(8);
    expect(new Set(listed.map((r) => String(r.tenantId)))).toEqual(new Set(tenantIds.slice(0, 2)));
  });

  it('a filter value the admin refuses is refused for all-tenants staff too (400, no search)', async () => {
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      for (const value of ['x'.repeat(10_001), { not: 'text' }])
        await expect(
          t.services.adminRecords.list(superadmin, 'Transaction', { filters: [{ field: 'description', op: 'contains', value }] }),
        ).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
      expect(search).not.toHaveBeenCalled();
    } finally {
      search.mockRestore();
    }
  });

  it('the function accepts only its own columns', async () => {
    const db = t.services.exportRunner.db;
    await expect(
      db.read(superadmin, (s) => adminRecordRepository.textMatches(s, 'Transaction', 'currency', 'eur', 10)),
    ).rejects.toThrow(/not searchable/);
  });

  it('remembers a count past the cap and a dense filter, per reader; a count below the cap is always counted', async () => {
    const counted = vi.spyOn(adminRecordRepository, 'countVisible');
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      const capped = { count: COUNT_CAP, capped: true };
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', {})).toEqual(capped);
      await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('groceries'), take: 10 });
      counted.mockClear();
      search.mockClear();
      // The next page view: "more than 10,000" again, without walking 10,001 rows or the index.
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', {})).toEqual(capped);
      const rows = await t.services.adminRecords.list(superadmin, 'Transaction', { filters: filter('groceries'), take: 10 });
      expect(rows.map((r) => String(r.id))).toEqual(await ownerNewest('%groceries%', 10));
      expect(await t.services.adminRecords.count(superadmin, 'Transaction', { filters: filter('groceries') })).toEqual(capped);
      expect(counted).not.toHaveBeenCalled();
      expect(search).not.toHaveBeenCalled();
      // Another reader of the same condition counts their own rows: two tenants' 6,000 and more.
      const theirs = await t.services.adminRecords.count(support, 'Transaction', {});
      expect(theirs.capped).toBe(false);
      expect(theirs.count).toBeGreaterThan(6000);
      // Below the cap nothing is remembered: a new row is counted on the next view.
      const [{ id: accountId }] = (
        await owner.query<{ id: string }>(`SELECT id FROM "Account" WHERE "tenantId" = $1 LIMIT 1`, [tenantIds[1]])
      ).rows as [{ id: string }];
      await owner.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt")
         VALUES ($1, $2, 1, 'EUR', 'DEBIT', now())`,
        [tenantIds[1], accountId],
      );
      expect(await t.services.adminRecords.count(support, 'Transaction', {})).toEqual({
        count: theirs.count + 1,
        capped: false,
      });
    } finally {
      counted.mockRestore();
      search.mockRestore();
    }
  });

  it("a text commoner than a tenant set's rows is left to the reader's ILIKE, and counted as usual", async () => {
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      const db = t.services.exportRunner.db;
      // 'groceries' is nearly every row; the two tenants hold a third of them (planner estimates).
      expect(
        await db.read(support, (s) => adminRecordRepository.textMatches(s, 'Transaction', 'description', 'groceries', 100)),
      ).toBeNull();
      search.mockClear();
      const rows = await t.services.adminRecords.list(support, 'Transaction', { filters: filter('groceries'), take: 10 });
      expect(search).toHaveBeenCalled();
      const { rows: newest } = await owner.query<{ id: string }>(
        `SELECT id::text FROM "Transaction" WHERE description ILIKE '%groceries%' AND "tenantId" = ANY($1::uuid[])
          ORDER BY "occurredAt" DESC, id DESC LIMIT 10`,
        [tenantIds.slice(0, 2)],
      );
      expect(rows.map((r) => String(r.id))).toEqual(newest.map((r) => r.id));
      const { rows: all } = await owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Transaction" WHERE description ILIKE '%groceries%' AND "tenantId" = ANY($1::uuid[])`,
        [tenantIds.slice(0, 2)],
      );
      expect(await t.services.adminRecords.count(support, 'Transaction', { filters: filter('groceries') })).toEqual({
        count: all[0]!.n,
        capped: false,
      });
      // A reader with no tenant: no ids, whatever the text.
      const staff = factories(t.owner.prisma, t.services);
      const nobody = await staff.staffCtx(await staff.staff('SUPPORT'));
      expect(
        await db.read(nobody, (s) => adminRecordRepository.textMatches(s, 'Transaction', 'description', 'groceries', 100)),
      ).toEqual([]);
    } finally {
      search.mockRestore();
    }
  });
});
