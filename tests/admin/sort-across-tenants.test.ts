import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

/**
 * A tenant-scoped staff member's list is read tenant by tenant and merged in the list's order
 * (pageAcrossTenants). The merge must order as PostgreSQL does: amounts as numbers (not as the
 * text "100" < "9"), with the id breaking ties. The same page as superadmin, read in one query by
 * PostgreSQL, is the reference.
 */
describe('a list merged across tenants keeps the order PostgreSQL gives', () => {
  let t: TestContext;
  let owner: pg.Client;
  let support: ServiceContext;
  let superadmin: ServiceContext;
  let tenants: string[];
  const amounts = ['9', '100', '25.5', '1000.0001', '0.75', '300', '25.5', '99.9999'];

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    tenants = [];
    for (let i = 0; i < 2; i++) {
      const tenant = await f.tenant();
      const account = await f.account(tenant.id);
      tenants.push(tenant.id);
      // Alternate amounts between the two tenants, so that the merge interleaves them.
      for (const [n, amount] of amounts.entries())
        if (n % 2 === i)
          await owner.query(
            `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
             VALUES ($1, $2, $3::numeric, 'EUR', 'DEBIT', now() - ($4 || ' minutes')::interval, 'sorted')`,
            [tenant.id, account.id, amount, String(n)],
          );
    }
    // Users (read through Prisma, merged in the app) with names that interleave the tenants.
    for (const [n, name] of ['Quinn', 'abel', 'Zed', 'Mara', 'bea', 'Ana', 'Omar'].entries())
      await f.user(tenants[n % 2]!, { name: `${name} Merge`, email: `merge.${n}@example.test` });
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: tenants }));
    superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const page = (ctx: ServiceContext, direction: 'asc' | 'desc', skip = 0) =>
    t.services.adminRecords.list(ctx, 'Transaction', {
      filters: [{ field: 'description', op: 'contains', value: 'sorted' }],
      sort: { field: 'amount', direction },
      take: 3,
      skip,
    });

  it.each(['asc', 'desc'] as const)('sorted by amount %s: every page as PostgreSQL orders it', async (direction) => {
    const { rows } = await owner.query<{ id: string; amount: string }>(
      `SELECT t.id::text AS id, t.amount::text AS amount FROM "Transaction" t WHERE t.description = 'sorted'
        ORDER BY t.amount ${direction === 'asc' ? 'ASC' : 'DESC'}, t.id ${direction === 'asc' ? 'ASC' : 'DESC'}`,
    );
    expect(rows).toHaveLength(amounts.length);
    for (let skip = 0; skip < amounts.length; skip += 3) {
      const expected = rows.slice(skip, skip + 3).map((r) => r.id);
      expect((await page(support, direction, skip)).map((r) => String(r.id))).toEqual(expected);
      expect((await page(superadmin, direction, skip)).map((r) => String(r.id))).toEqual(expected);
    }
  });

  it.each(['asc', 'desc'] as const)(
    'a model read through Prisma, by name %s: every page as PostgreSQL orders it',
    async (direction) => {
      const dir = direction === 'asc' ? 'ASC' : 'DESC';
      const { rows } = await owner.query<{ id: string }>(
        `SELECT id::text FROM "User" WHERE name LIKE '% Merge' AND "tenantId" = ANY($1::uuid[]) ORDER BY name ${dir}, id ${dir}`,
        [tenants],
      );
      expect(rows).toHaveLength(7);
      for (let skip = 0; skip < rows.length; skip += 3) {
        const listed = await t.services.adminRecords.list(support, 'User', {
          filters: [{ field: 'name', op: 'contains', value: 'Merge' }],
          sort: { field: 'name', direction },
          take: 3,
          skip,
        });
        expect(listed.map((r) => String(r.id))).toEqual(rows.slice(skip, skip + 3).map((r) => r.id));
      }
    },
  );
});
