import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/session.js';
import type { ServiceContext } from '../../src/lib/context.js';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import { adminRecordRepository } from '../../src/modules/admin-records/admin-records.repository.js';
import { scope } from '../../src/modules/shared/guard.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

type Args = Record<string, unknown> & { where?: Record<string, unknown> };
interface Delegate {
  findMany(args: Args): Promise<Array<Record<string, unknown>>>;
  count(args: Args): Promise<number>;
}

/**
 * The admin's generic reads of the Transaction list and its references are SQL
 * (admin-records.repository.ts), not Prisma. They must return what Prisma returns for the same
 * arguments — the same rows, in the same order, with values of the same types (decimals,
 * dates, a date-only column, nulls) — under the same ability, for every filter shape the admin
 * sends. Prisma's own read of the same arguments is the reference.
 */
describe("the admin's reads in SQL answer as Prisma does", () => {
  let t: TestContext;
  let owner: pg.Client;
  let superadmin: ServiceContext;
  let support: ServiceContext;
  const ids = { Transaction: [] as string[], Account: [] as string[], Tenant: [] as string[], Category: [] as string[] };
  const since = new Date(Date.UTC(2026, 2, 10, 12, 0, 0));

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    const tenants = [];
    for (let i = 0; i < 3; i++) {
      const tenant = await f.tenant({ name: `Household ${i}` });
      tenants.push(tenant.id);
      const account = await f.account(tenant.id);
      ids.Account.push(account.id);
      const rows: Array<[string, string, string | null, string, string | null]> = [
        ['12.5000', 'DEBIT', 'Café Central', '2026-03-01T08:00:00.123Z', null],
        ['100.0001', 'CREDIT', null, '2026-03-12T23:59:59.999Z', '2026-03-12'],
        ['9', 'DEBIT', 'cafe 100%_done', '2026-03-20T10:00:00Z', null],
        ['100.0001', 'DEBIT', 'Groceries', '2026-03-12T23:59:59.999Z', null],
      ];
      for (const [amount, direction, description, occurredAt, recurrenceDate] of rows) {
        const { rows: inserted } = await owner.query<{ id: string }>(
          `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description",
             "recurrenceDate")
           VALUES ($1, $2, $3::numeric, 'EUR', $4::"Direction", $5::timestamptz, $6, $7::date) RETURNING id::text`,
          [tenant.id, account.id, amount, direction, occurredAt, description, recurrenceDate],
        );
        ids.Transaction.push(inserted[0]!.id);
      }
    }
    ids.Tenant.push(...tenants);
    await owner.query(`UPDATE "Account" SET "archivedAt" = now(), "institution" = 'Bank' WHERE id = $1`, [ids.Account[1]]);
    await owner.query(`UPDATE "Tenant" SET "statusBeforeClose" = 'ACTIVE', "closedAt" = now() WHERE id = $1`, [tenants[2]]);
    ids.Category = (await owner.query<{ id: string }>(`SELECT id::text FROM "Category" ORDER BY name LIMIT 4`)).rows.map(
      (r) => r.id,
    );
    superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: tenants.slice(0, 2) }));
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const delegateOf = (s: Parameters<typeof dbOf>[0], model: AdminModel): Delegate =>
    (dbOf(s) as unknown as Record<string, Delegate>)[`${model[0]!.toLowerCase()}${model.slice(1)}`]!;
  const scoped = (ctx: ServiceContext, model: AdminModel, where?: Record<string, unknown>) => ({
    AND: [scope(ctx, 'read', model), ...(where ? [where] : [])],
  });

  /** The SQL read and Prisma's, of the same arguments, for the same staff member. */
  async function both(ctx: ServiceContext, model: AdminModel, args: Args) {
    const { select: _select, omit: _omit, ...counted } = args;
    // Without an order, rows come in whatever order a plan gives: compared by id.
    const ordered = (rows: Array<Record<string, unknown>>) =>
      args.orderBy ? rows : [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    return t.services.exportRunner.db.read(ctx, async (s) => ({
      sql: ordered(await adminRecordRepository.findManyVisible(s, model, args)),
      prisma: ordered(await delegateOf(s, model).findMany({ ...args, where: scoped(ctx, model, args.where) })),
      sqlCount: await adminRecordRepository.countVisible(s, model, counted),
      prismaCount: await delegateOf(s, model).count({ ...counted, where: scoped(ctx, model, args.where) }),
    }));
  }

  const order = (field: string, dir: 'asc' | 'desc' = 'desc') => ({ orderBy: [{ [field]: dir }, { id: dir }] });
  const cases: Array<[AdminModel, string, Args]> = [
    ['Transaction', 'the default page', { ...order('occurredAt'), take: 5 }],
    ['Transaction', 'a deeper page', { ...order('occurredAt'), take: 3, skip: 4 }],
    ['Transaction', 'sorted by amount', { ...order('amount', 'asc'), take: 20 }],
    // A deep page reads the keys of the rows it skips, then the page's rows by key.
    ['Transaction', 'a deeper page sorted by amount, ties on id', { ...order('amount', 'asc'), take: 4, skip: 3 }],
    [
      'Transaction',
      'a deeper page of a filter, some columns',
      {
        where: { direction: 'DEBIT' },
        ...order('occurredAt'),
        take: 2,
        skip: 2,
        select: { id: true, occurredAt: true, amount: true },
      },
    ],
    ['Account', 'a deeper page', { ...order('name', 'asc'), take: 2, skip: 1 }],
    [
      'Transaction',
      'text, insensitive, with escaped wildcards',
      { where: { description: { contains: '100\\%\\_', mode: 'insensitive' } }, ...order('occurredAt') },
    ],
    [
      'Transaction',
      'text, insensitive',
      { where: { description: { contains: 'CAF', mode: 'insensitive' } }, ...order('occurredAt') },
    ],
    [
      'Transaction',
      'a range of amounts and dates',
      { where: { AND: [{ amount: { gte: '10', lte: '100.0001' } }, { occurredAt: { gte: since } }] }, ...order('amount') },
    ],
    ['Transaction', 'an enum and a null', { where: { AND: [{ direction: 'CREDIT' }, { description: null }] } }],
    ['Transaction', 'a date-only column', { where: { recurrenceDate: new Date('2026-03-12T00:00:00.000Z') } }],
    ['Transaction', 'by ids', { where: { id: { in: () => ids.Transaction.slice(0, 9) } }, take: 9 }],
    ['Transaction', 'no ids', { where: { id: { in: [] } } }],
    ['Transaction', 'a selection of columns', { ...order('amount'), take: 6, select: { amount: true, id: true } }],
    ['Transaction', 'a count capped in index order', { ...order('occurredAt'), take: 5 }],
    ['Account', 'by ids', { where: { id: { in: () => ids.Account } }, take: 3 }],
    [
      'Account',
      'text and a null',
      { where: { AND: [{ name: { contains: 'account', mode: 'insensitive' } }, { archivedAt: null }] } },
    ],
    ['Tenant', 'by ids, with nulls and an optional enum', { where: { id: { in: () => ids.Tenant } }, ...order('name', 'asc') }],
    ['Tenant', 'an omitted column', { ...order('createdAt'), omit: { slug: true } }],
    ['Category', 'a boolean', { where: { isSystem: true }, ...order('name', 'asc'), take: 4 }],
  ];
  /** Ids exist only once the fixtures are made: a function in `in` is read at run time. */
  const resolved = (args: Args): Args =>
    JSON.parse(
      JSON.stringify(args, (_, v: unknown) => (typeof v === 'function' ? v() : v)),
      revive,
    );
  const revive = (key: string, v: unknown) =>
    typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && key !== 'contains' ? new Date(v) : v;

  for (const [model, what, args] of cases)
    it(`${model}: ${what}`, async () => {
      for (const ctx of [superadmin, support]) {
        const r = await both(ctx, model, resolved(args));
        expect(r.sql).toEqual(r.prisma);
        expect(r.sqlCount).toBe(r.prismaCount);
        // Same types, not only equal-looking values (a decimal stays a Decimal, a date a Date).
        for (const [i, row] of r.prisma.entries())
          for (const [key, value] of Object.entries(row))
            expect(Object.prototype.toString.call(r.sql[i]![key]), `${key}`).toBe(Object.prototype.toString.call(value));
      }
    });

  it('the fixtures give every case rows to compare (not two empty answers)', async () => {
    for (const [model, what, args] of cases) {
      if (what === 'no ids') continue;
      const r = await both(superadmin, model, resolved(args));
      expect(r.prisma.length, `${model}: ${what}`).toBeGreaterThan(0);
    }
  });
});
