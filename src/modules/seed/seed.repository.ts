import type pg from 'pg';
import { dbOf, poolOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { requireCreatable, scope } from '../shared/guard.js';
import { DEFAULT_CATEGORIES } from '../tenants/tenant.repository.js';
import { GIVEN_NAMES, MERCHANTS, SURNAMES } from './demo-data.js';

export interface DemoDataOptions {
  tenants: number;
  transactions: number;
  /** Transactions per INSERT statement. */
  batchSize?: number;
  /** Every demo API user's password hash (hashed once, so seeding thousands stays fast). */
  userHash: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface DemoDataCounts {
  tenantIds: string[];
  users: number;
  accounts: number;
  transactions: number;
}

const CURRENCY_SCALE_SQL = `CASE a.currency WHEN 'JPY' THEN 0 WHEN 'BHD' THEN 3 ELSE 2 END`;
const CURRENCY_FACTOR_SQL = `CASE a.currency WHEN 'JPY' THEN 150 WHEN 'BHD' THEN 0.4 ELSE 1 END`;

/**
 * The demo seed's bulk inserts: set-based SQL (one statement per batch of rows, generated in the
 * database), so two million transactions load in well under three minutes.
 */
export const seedRepository = {
  /**
   * Inserts demo tenants with their categories, users, accounts, budgets, recurring rules, loans,
   * assets and transactions, in one transaction of its own on a connection of the session's pool
   * (millions of rows: not a Prisma transaction). Refused unless the session may create tenants
   * (the system seeding).
   */
  async insertDemoData(s: ReadSession, options: DemoDataOptions): Promise<DemoDataCounts> {
    requireCreatable(s.ctx, 'Tenant', {});
    const pool = poolOf(s);
    if (!pool) throw new Error('the demo seed needs a session with the pg pool');
    const progress = options.onProgress ?? (() => {});
    const client: pg.PoolClient = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: countRows } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM "Tenant"');
      const offset = Number(countRows[0]!.n);
      const run = Date.now().toString(36);
      progress('tenants', 0, options.tenants);
      const { rows: tenants } = await client.query<{ id: string; n: number }>(
        `INSERT INTO "Tenant" ("slug", "name", "baseCurrency", "createdAt")
         SELECT lower(($1::text[])[1 + (g % array_length($1::text[], 1))]) || '-' || ($3 + g) || CASE WHEN $3 > 0 THEN '-' || $4 ELSE '' END,
                'The ' || ($1::text[])[1 + (g % array_length($1::text[], 1))] || ' household',
                (ARRAY['EUR','EUR','EUR','USD','GBP','JPY'])[1 + (g % 6)],
                -- Spread over the last months (30 to 330 days ago), so the demo has a history.
                now() - interval '30 days' - (((g * 53) % 300) || ' days')::interval - (random() * interval '1 day')
         FROM generate_series(1, $2::int) g
         RETURNING "id", ("createdAt" IS NOT NULL)::int AS n`,
        [SURNAMES, options.tenants, offset, run],
      );
      const tenantIds = tenants.map((t) => t.id);
      progress('tenants', tenantIds.length, options.tenants);

      await client.query(
        `INSERT INTO "Category" ("tenantId", "name", "kind", "isSystem")
         SELECT t, c.name, c.kind::"CategoryKind", true FROM unnest($1::uuid[]) t
         CROSS JOIN jsonb_to_recordset($2::jsonb) AS c(name text, kind text)`,
        [tenantIds, JSON.stringify(DEFAULT_CATEGORIES)],
      );

      // Users: an owner per household and a member in every third one.
      const { rowCount: users } = await client.query(
        `INSERT INTO "User" ("tenantId", "email", "name", "phone", "role", "passwordHash", "locale", "createdAt")
         SELECT t.id,
                'user' || u.k || '.' || replace(t.slug, '-', '.') || '@demo.backoffice.local',
                ($2::text[])[1 + ((t.rn + u.k) % array_length($2::text[], 1))] || ' ' || split_part(t.name, ' ', 2),
                '+34 6' || lpad(((t.rn * 7919 + u.k) % 100000000)::text, 8, '0'),
                CASE WHEN u.k = 1 THEN 'OWNER' ELSE 'MEMBER' END::"UserRole",
                $3, CASE WHEN t.rn % 4 = 0 THEN 'es' ELSE 'en' END, t."createdAt"
         FROM (SELECT id, slug, name, "createdAt", row_number() OVER (ORDER BY slug) AS rn FROM "Tenant" WHERE id = ANY($1::uuid[])) t
         CROSS JOIN LATERAL generate_series(1, CASE WHEN t.rn % 3 = 0 THEN 2 ELSE 1 END) AS u(k)`,
        [tenantIds, GIVEN_NAMES, options.userHash],
      );

      // Accounts: a current account in the base currency, a card, and sometimes savings or cash.
      const { rowCount: accounts } = await client.query(
        `INSERT INTO "Account" ("tenantId", "name", "type", "currency", "institution", "createdAt")
         SELECT t.id, a.name, a.type::"AccountType", CASE WHEN a.type = 'WALLET' AND t.rn % 5 = 0 THEN 'BHD' ELSE t."baseCurrency" END,
                a.institution, t."createdAt"
         FROM (SELECT id, "baseCurrency", "createdAt", row_number() OVER () AS rn FROM "Tenant" WHERE id = ANY($1::uuid[])) t
         CROSS JOIN (VALUES ('Current account', 'BANK', 'Banco Central', 0), ('Credit card', 'CREDIT_CARD', 'Visa', 0),
                            ('Savings', 'INVESTMENT', 'Index Fund Co', 2), ('Travel wallet', 'WALLET', 'PayWallet', 3)) AS a(name, type, institution, every)
         WHERE a.every = 0 OR t.rn % a.every = 0`,
        [tenantIds],
      );

      await client.query(
        `INSERT INTO "Budget" ("tenantId", "categoryId", "name", "amount", "currency", "period", "startsOn")
         SELECT c."tenantId", c.id, c.name || ' budget', CASE t."baseCurrency" WHEN 'JPY' THEN 60000 ELSE 400 END, t."baseCurrency", 'MONTHLY',
                date_trunc('month', now() - interval '5 months')::date
         FROM "Category" c JOIN "Tenant" t ON t.id = c."tenantId"
         WHERE c."tenantId" = ANY($1::uuid[]) AND c.name IN ('Groceries', 'Eating out', 'Entertainment')`,
        [tenantIds],
      );
      await client.query(
        `INSERT INTO "RecurringRule" ("tenantId", "accountId", "categoryId", "amount", "currency", "direction", "description", "frequency", "startsOn", "nextRunOn")
         SELECT a."tenantId", a.id, c.id, CASE a.currency WHEN 'JPY' THEN 120000 ELSE 950 END, a.currency, 'DEBIT', 'Monthly rent', 'MONTHLY',
                date_trunc('month', now())::date, (date_trunc('month', now()) + interval '1 month')::date
         FROM "Account" a JOIN "Category" c ON c."tenantId" = a."tenantId" AND c.name = 'Rent'
         WHERE a."tenantId" = ANY($1::uuid[]) AND a.type = 'BANK'`,
        [tenantIds],
      );
      await client.query(
        `WITH l AS (
           INSERT INTO "Liability" ("tenantId", "name", "type", "amount", "currency")
           SELECT t.id, 'Car loan', 'LOAN', CASE t."baseCurrency" WHEN 'JPY' THEN 1800000 ELSE 12000 END, t."baseCurrency"
           FROM "Tenant" t WHERE t.id = ANY($1::uuid[])
           RETURNING "id", "tenantId", "amount", "currency")
         INSERT INTO "Loan" ("tenantId", "liabilityId", "lender", "principal", "currency", "annualRatePct", "termMonths", "startsOn", "paymentAmount", "paymentDay")
         SELECT "tenantId", id, 'Banco Central', amount, currency, 5.9, 48, date_trunc('month', now() - interval '8 months')::date,
                round(amount / 44, CASE currency WHEN 'JPY' THEN 0 ELSE 2 END), 5 FROM l`,
        [tenantIds],
      );
      await client.query(
        `INSERT INTO "Asset" ("tenantId", "name", "type", "value", "currency", "valuedAt")
         SELECT t.id, 'Family car', 'VEHICLE', CASE t."baseCurrency" WHEN 'JPY' THEN 2100000 ELSE 14500 END, t."baseCurrency", now()
         FROM "Tenant" t WHERE t.id = ANY($1::uuid[])`,
        [tenantIds],
      );

      // Lookup tables for the set-based transaction generator. Categories are numbered income first
      // (0 = Other income, 1 = Salary): one row in 40 is a salary, the rest are spending.
      await client.query(
        `CREATE TEMP TABLE seed_accounts ON COMMIT DROP AS
         SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, "tenantId", currency, "createdAt" FROM "Account" WHERE "tenantId" = ANY($1::uuid[])`,
        [tenantIds],
      );
      await client.query(
        `CREATE TEMP TABLE seed_categories ON COMMIT DROP AS
         SELECT (row_number() OVER (PARTITION BY "tenantId" ORDER BY (kind <> 'INCOME'), name) - 1)::int AS k, id, "tenantId", kind FROM "Category" WHERE "tenantId" = ANY($1::uuid[])`,
        [tenantIds],
      );
      await client.query(
        'CREATE INDEX ON seed_accounts (n); CREATE INDEX ON seed_categories ("tenantId", k); ANALYZE seed_accounts; ANALYZE seed_categories',
      );
      const { rows: accRows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM seed_accounts');
      const accountCount = accRows[0]!.n;
      const categoriesPerTenant = DEFAULT_CATEGORIES.length;
      const batch = options.batchSize ?? 100_000;
      let done = 0;
      progress('transactions', 0, options.transactions);
      while (done < options.transactions && accountCount > 0) {
        const size = Math.min(batch, options.transactions - done);
        await client.query(
          `INSERT INTO "Transaction" ("tenantId", "accountId", "categoryId", "amount", "currency", "direction", "occurredAt", "description")
           SELECT a."tenantId", a.id, c.id,
                  round(((CASE WHEN c.kind = 'INCOME' THEN 900 + random() * 2600 ELSE 1.5 + random() * random() * 240 END) * ${CURRENCY_FACTOR_SQL})::numeric, ${CURRENCY_SCALE_SQL}),
                  a.currency,
                  (CASE WHEN c.kind = 'INCOME' THEN 'CREDIT' ELSE 'DEBIT' END)::"Direction",
                  date_trunc('milliseconds', a."createdAt" + random() * (now() - a."createdAt")),
                  CASE WHEN c.kind = 'INCOME' THEN 'Salary payment' ELSE ($4::text[])[1 + (g % array_length($4::text[], 1))] END
           FROM generate_series($1::bigint, $2::bigint) g
           JOIN seed_accounts a ON a.n = ((g * 2654435761) % $3::bigint)::int
           JOIN seed_categories c ON c."tenantId" = a."tenantId"
                AND c.k = CASE WHEN g % 40 = 0 THEN 1 ELSE 2 + (g % ($5::int - 2)) END`,
          [done + 1, done + size, accountCount, MERCHANTS, categoriesPerTenant],
        );
        done += size;
        progress('transactions', done, options.transactions);
      }
      await client.query('COMMIT');
      return { tenantIds, users: users ?? 0, accounts: accounts ?? 0, transactions: done };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  },

  /**
   * What the demo's audit history tells of these tenants: each with its users, accounts,
   * budgets and its latest `salaries` salary payments (the full rows, for the events' diffs).
   */
  async demoHistoryRows(s: ReadSession, tenantIds: string[], salaries: number) {
    const db = dbOf(s);
    const inTenants = { tenantId: { in: tenantIds } };
    const [tenants, users, accounts, budgets, payments] = await Promise.all([
      db.tenant.findMany({
        where: { AND: [scope(s.ctx, 'read', 'Tenant'), { id: { in: tenantIds } }] },
        orderBy: { createdAt: 'asc' },
      }),
      db.user.findMany({ where: { AND: [scope(s.ctx, 'read', 'User'), inTenants] }, orderBy: { email: 'asc' } }),
      db.account.findMany({ where: { AND: [scope(s.ctx, 'read', 'Account'), inTenants] }, orderBy: { id: 'asc' } }),
      db.budget.findMany({ where: { AND: [scope(s.ctx, 'read', 'Budget'), inTenants] }, orderBy: { id: 'asc' } }),
      db.transaction.findMany({
        where: { AND: [scope(s.ctx, 'read', 'Transaction'), inTenants, { description: 'Salary payment' }] },
        orderBy: { occurredAt: 'desc' },
      }),
    ]);
    const perTenant = new Map<string, number>();
    const latestPayments = payments.filter((p) => {
      const n = perTenant.get(p.tenantId) ?? 0;
      perTenant.set(p.tenantId, n + 1);
      return n < salaries;
    });
    return { tenants, users, accounts, budgets, payments: latestPayments };
  },

  /**
   * Leaves a demo tenant suspended since `since` (how its seeded history ends), in the
   * transaction of that history. Only where the session may suspend it (the system seeding).
   */
  async suspendDemoTenant(s: WriteSession, tenantId: string, since: Date): Promise<void> {
    await txOf(s).tenant.updateMany({
      where: { AND: [scope(s.ctx, 'suspend', 'Tenant'), { id: tenantId, status: 'ACTIVE' }] },
      data: { status: 'SUSPENDED', suspendedAt: since },
    });
  },

  /** Whether any staff member exists (none: the first start of a fresh database). */
  hasStaff: async (s: ReadSession): Promise<boolean> =>
    (await dbOf(s).staffUser.findFirst({ where: scope(s.ctx, 'read', 'StaffUser'), select: { id: true } })) !== null,

  /** The email of the first demo household's owner, for the start-up banner. */
  firstDemoOwnerEmail: async (s: ReadSession, domain: string): Promise<string | null> =>
    (
      await dbOf(s).user.findFirst({
        where: { AND: [scope(s.ctx, 'read', 'User'), { role: 'OWNER', email: { endsWith: `@${domain}` } }] },
        orderBy: { email: 'asc' },
        select: { email: true },
      })
    )?.email ?? null,

  firstTenantIds: async (s: ReadSession, count: number): Promise<string[]> =>
    (
      await dbOf(s).tenant.findMany({
        where: scope(s.ctx, 'read', 'Tenant'),
        orderBy: { slug: 'asc' },
        take: count,
        select: { id: true },
      })
    ).map((t) => t.id),
};
