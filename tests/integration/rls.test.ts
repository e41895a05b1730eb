import { Prisma } from '@prisma/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dbOf, poolOf, txOf, type Database } from '../../src/db/session.js';
import { setLocalTenantSql, tenantScopedPool } from '../../src/db/tenant-set.js';
import { jobContextForTenant } from '../../src/modules/jobs/jobs.context.js';
import { tenantIsolation } from '../../src/services.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

/**
 * Tenant isolation enforced by PostgreSQL itself (issue 13, ADR 0011). Everything here runs as
 * the application role (backoffice_app) with deliberately UNSCOPED SQL — no CASL condition — so
 * what comes back is what row-level security lets through, and nothing else. Fixtures are written
 * as the owner, which the policies do not apply to.
 */

/** Base tables of the public schema with a "tenantId" column, from the catalog, plus "Tenant" (by id). */
async function tenantTables(c: pg.Client | pg.Pool): Promise<Array<{ table: string; column: string; nullable: boolean }>> {
  const { rows } = await c.query<{ table: string; nullable: boolean }>(
    `SELECT c.table_name AS table, c.is_nullable = 'YES' AS nullable
       FROM information_schema.columns c
       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenantId' AND tb.table_type = 'BASE TABLE'
      ORDER BY c.table_name`,
  );
  return [{ table: 'Tenant', column: 'id', nullable: false }, ...rows.map((r) => ({ ...r, column: 'tenantId' }))];
}

/**
 * The tables among those that lack an enabled row-level security policy for the application role
 * with both USING and WITH CHECK (the check of the acceptance: a table added with a "tenantId"
 * and no policy is named here).
 */
async function tablesWithoutPolicy(c: pg.Client): Promise<string[]> {
  const missing: string[] = [];
  for (const { table } of await tenantTables(c)) {
    const { rows } = await c.query<{ enabled: boolean; policies: number }>(
      `SELECT cl.relrowsecurity AS enabled,
              (SELECT count(*)::int FROM pg_policies p
                WHERE p.schemaname = 'public' AND p.tablename = cl.relname AND p.cmd = 'ALL' AND p.permissive = 'PERMISSIVE'
                  AND p.qual IS NOT NULL AND p.with_check IS NOT NULL
                  AND ('backoffice_app' = ANY (p.roles) OR 'public' = ANY (p.roles))) AS policies
         FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = 'public' AND cl.relname = $1`,
      [table],
    );
    if (!rows[0]?.enabled || rows[0].policies < 1) missing.push(table);
  }
  return missing;
}

describe('row-level security: the database enforces tenant isolation under the CASL scope', () => {
  let t: TestContext;
  let owner: pg.Client;
  let app: pg.Client;
  let db: Database;
  let tables: Awaited<ReturnType<typeof tenantTables>>;
  /** A is granted to the agent, B never, C until its grant expires. */
  const tenant = { A: '', B: '', C: '' };
  let agent: { id: string; role: 'SUPPORT'; locale: string };

  beforeAll(async () => {
    t = await createTestContext();
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    db = createDatabase(t.runtime.prisma, t.runtime.pool, undefined, tenantIsolation(t.config));
    const f = factories(t.owner.prisma, t.services);

    // Three households with every kind of row (the demo seed is all-tenants system work).
    await t.services.seed.demo({ tenants: 3, transactions: 60 });
    const ids = (await owner.query<{ id: string }>(`SELECT "id" FROM "Tenant" ORDER BY "createdAt", "id"`)).rows.map((r) => r.id);
    [tenant.A, tenant.B, tenant.C] = ids as [string, string, string];
    const created = await f.staff('SUPPORT', { grantTenantIds: [tenant.A, tenant.C] });
    agent = { id: created.id, role: 'SUPPORT', locale: created.locale };
    await f.staff('SUPPORT', { grantTenantIds: [tenant.B] });

    // The tables the seed leaves empty get one row per tenant, as the owner.
    const policy = (await owner.query<{ id: string }>(`SELECT "id" FROM "ApprovalPolicy" LIMIT 1`)).rows[0]!.id;
    for (const id of ids) {
      const user = (await owner.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "tenantId" = $1 LIMIT 1`, [id])).rows[0]!.id;
      await owner.query(
        `INSERT INTO "ExportJob" ("tenantId", "requestedByType", "requestedById", "resource", "format") VALUES ($1, 'SYSTEM', 'test', 'Account', 'CSV')`,
        [id],
      );
      await owner.query(
        `INSERT INTO "RefreshToken" ("tenantId", "userId", "familyId", "tokenHash", "expiresAt")
         VALUES ($1, $2, gen_random_uuid(), md5(random()::text), now() + interval '1 day')`,
        [id, user],
      );
      await owner.query(
        `INSERT INTO "IdempotencyKey" ("tenantId", "userId", "key", "method", "path", "fingerprint", "expiresAt", "retainUntil")
         VALUES ($1, $2, md5(random()::text), 'POST', '/api/v1/accounts', 'f', now() + interval '1 day', now() + interval '2 days')`,
        [id, user],
      );
      await owner.query(
        `INSERT INTO "PersonalDataReveal" ("tenantId", "staffUserId", "resource", "recordId", "reason", "expiresAt")
         VALUES ($1, $2, 'User', $3, 'test', now() + interval '1 hour')`,
        [id, agent.id, user],
      );
      await owner.query(
        `INSERT INTO "ConsentChange" ("tenantId", "userId", "purpose", "granted", "source") VALUES ($1, $2, 'MARKETING', true, 'API')`,
        [id, user],
      );
      await owner.query(
        `INSERT INTO "ApprovalRequest" ("tenantId", "action", "policyId", "policyVersion", "input", "preview", "reason", "makerType",
                                        "makerId", "makerRole", "fingerprint", "approverRoles", "approvalsRequired", "expiresAt")
         VALUES ($1, 'test.action', $2, 1, '{}', '{}', 'test', 'STAFF', 'x', 'SUPPORT', md5(random()::text), '{SUPERADMIN}', 1, now() + interval '1 day')`,
        [id, policy],
      );
      await owner.query(`INSERT INTO "OutboxEvent" ("tenantId", "type", "payload") VALUES ($1, 'test.event', '{}')`, [id]);
      await owner.query(
        `SELECT * FROM backoffice_audit_append('tenant:' || $1::text, $1::uuid, now(), 'SYSTEM', 'test', 'SYSTEM', 'test.fixture',
           'Tenant', $1::text, 'SUCCESS', NULL, NULL, NULL, NULL, 'rls-test', repeat('0', 64))`,
        [id],
      );
    }
    tables = await tenantTables(owner);
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await t?.close();
  });

  const tenantsIn = async (rows: Array<{ t: string | null }>): Promise<Set<string | null>> => new Set(rows.map((r) => r.t));
  const unscoped = (table: string, column: string) => `SELECT "${column}"::text AS t FROM "${table}"`;

  it('connects as a role without BYPASSRLS that owns no table (owners are exempt from policies)', async () => {
    const { rows } = await app.query<{ user: string; superuser: boolean; bypass: boolean; owned: number }>(
      `SELECT current_user AS user, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({ user: 'backoffice_app', superuser: false, bypass: false, owned: 0 });
  });

  it('every table with a tenantId column (read from the catalog) has an enabled policy', async () => {
    expect(tables.map((x) => x.table)).toEqual(
      expect.arrayContaining(['Tenant', 'User', 'Account', 'Transaction', 'AuditEvent']),
    );
    expect(tables.length).toBeGreaterThanOrEqual(19);
    expect(await tablesWithoutPolicy(owner)).toEqual([]);
  });

  it('the catalog check names a new tenant table until its migration enables the policy', async () => {
    await owner.query(`CREATE TABLE "RlsProbe" ("id" int PRIMARY KEY, "tenantId" uuid NOT NULL)`);
    try {
      expect(await tablesWithoutPolicy(owner)).toEqual(['RlsProbe']);
      // What a migration adding a tenant table runs (docs/migrations.md).
      await owner.query(`SELECT backoffice_enable_tenant_isolation('RlsProbe')`);
      expect(await tablesWithoutPolicy(owner)).toEqual([]);
    } finally {
      await owner.query(`DROP TABLE "RlsProbe"`);
    }
  });

  it('the fixtures hold rows of all three tenants in every tenant-owned table', async () => {
    for (const { table, column } of tables) {
      const seen = await tenantsIn((await owner.query(unscoped(table, column))).rows);
      expect([table, [tenant.A, tenant.B, tenant.C].every((id) => seen.has(id))]).toEqual([table, true]);
    }
  });

  it('with no context, raw SQL as the application role reads 0 rows of every tenant-owned table and inserts none', async () => {
    for (const { table } of tables) {
      const { rows } = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
      expect([table, rows[0]!.n]).toEqual([table, 0]);
    }
    // Inside a transaction that set nothing, the same.
    await app.query('BEGIN');
    try {
      expect((await app.query(`SELECT count(*)::int AS n FROM "Account"`)).rows[0].n).toBe(0);
    } finally {
      await app.query('ROLLBACK');
    }
    await expect(
      app.query(`INSERT INTO "Account" ("tenantId", "name", "type", "currency") VALUES ($1, 'Sneaky', 'BANK', 'EUR')`, [
        tenant.A,
      ]),
    ).rejects.toThrow(/row-level security/);
    await expect(
      app.query(`INSERT INTO "Tenant" ("slug", "name", "baseCurrency") VALUES ('sneaky', 'Sneaky', 'EUR')`),
    ).rejects.toThrow(/row-level security/);
    await expect(app.query(`UPDATE "User" SET "name" = 'x'`)).resolves.toMatchObject({ rowCount: 0 });
  });

  it("a support agent's unscoped SELECT of every tenant-owned table returns only granted tenants' rows (Prisma and raw pool)", async () => {
    const ctx = await t.services.staffAuth.contextFor(agent);
    for (const { table, column, nullable } of tables) {
      const viaPrisma = await db.read(ctx, (s) => dbOf(s).$queryRawUnsafe<Array<{ t: string | null }>>(unscoped(table, column)));
      const viaPool = await db.read(
        ctx,
        async (s) => (await poolOf(s)!.query<{ t: string | null }>(unscoped(table, column))).rows,
      );
      // A model read runs alone (no interactive transaction): each statement a lone read under the set.
      const delegate = `${table[0]!.toLowerCase()}${table.slice(1)}`;
      type Delegate = { findMany: (args: object) => Promise<Array<Record<string, unknown>>> };
      // (Tables without a Prisma model — the audit counts of migration 092 — are read in SQL only.)
      const viaModel = !(table in Prisma.ModelName)
        ? viaPool
        : await db.read(ctx, async (s) => {
            const model = (dbOf(s) as unknown as Record<string, Delegate>)[delegate]!;
            const rows = await model.findMany({ select: { [column]: true } });
            return rows.map((r) => ({ t: r[column] === null ? null : (r[column] as string) }));
          });
      for (const rows of [viaPrisma, viaPool, viaModel]) {
        const seen = await tenantsIn(rows);
        seen.delete(null);
        expect([table, [...seen].sort()]).toEqual([table, [tenant.A, tenant.C].sort()]);
        if (!nullable || table === 'AuditEvent') expect([table, rows.every((r) => r.t !== null)]).toEqual([table, true]);
      }
    }
  });

  it('an expired grant removes its tenant from the set at the next request', async () => {
    await owner.query(
      `UPDATE "TenantAccessGrant" SET "expiresAt" = now() - interval '1 second' WHERE "staffUserId" = $1 AND "tenantId" = $2`,
      [agent.id, tenant.C],
    );
    const next = await t.services.staffAuth.contextFor(agent);
    for (const { table, column } of tables) {
      const rows = await db.read(next, (s) => dbOf(s).$queryRawUnsafe<Array<{ t: string | null }>>(unscoped(table, column)));
      const seen = await tenantsIn(rows);
      seen.delete(null);
      expect([table, [...seen]]).toEqual([table, [tenant.A]]);
    }
    // Restored for the tests below.
    await owner.query(
      `UPDATE "TenantAccessGrant" SET "expiresAt" = now() + interval '1 day' WHERE "staffUserId" = $1 AND "tenantId" = $2`,
      [agent.id, tenant.C],
    );
  });

  it("a write naming another tenant's id fails WITH CHECK, in the agent's own transaction", async () => {
    const ctx = await t.services.staffAuth.contextFor(agent);
    const insert = (tenantId: string) =>
      db.write(ctx, (s) =>
        txOf(s).$executeRawUnsafe(
          `INSERT INTO "Account" ("tenantId", "name", "type", "currency") VALUES ($1::uuid, 'RLS probe', 'BANK', 'EUR')`,
          tenantId,
        ),
      );
    await expect(insert(tenant.B)).rejects.toThrow(/row-level security/);
    // Moving a granted tenant's row into another tenant fails the same way.
    await expect(
      db.write(ctx, (s) =>
        txOf(s).$executeRawUnsafe(`UPDATE "Account" SET "tenantId" = $1::uuid WHERE "tenantId" = $2::uuid`, tenant.B, tenant.A),
      ),
    ).rejects.toThrow(/row-level security/);
    // The granted tenant is writable (the probe is the policy, not a broken insert).
    expect(await insert(tenant.A)).toBe(1);
    expect((await owner.query(`SELECT count(*)::int AS n FROM "Account" WHERE "name" = 'RLS probe'`)).rows[0].n).toBe(1);
  });

  it('a job about one tenant sees that tenant only, whatever its SQL asks', async () => {
    const ctx = jobContextForTenant('rls-test', 'job-1', tenant.B);
    const rows = await db.read(ctx, (s) => dbOf(s).$queryRawUnsafe<Array<{ t: string }>>(unscoped('Transaction', 'tenantId')));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.t))).toEqual(new Set([tenant.B]));
  });

  it("a read session's concurrent queries run side by side, each under the session's set", async () => {
    const ctx = jobContextForTenant('rls-test', 'job-2', tenant.B);
    const probe = `SELECT pg_backend_pid() AS pid, current_setting('backoffice.tenant_ids', true) AS ids, pg_sleep(0.05)::text AS slept`;
    const [first, second, after] = await db.read(ctx, async (s) => {
      const both = await Promise.all([
        dbOf(s).$queryRawUnsafe<Array<{ pid: number; ids: string }>>(probe),
        dbOf(s).$queryRawUnsafe<Array<{ pid: number; ids: string }>>(probe),
      ]);
      // One after the other, a query is back in the session's own transaction.
      return [...both, await dbOf(s).$queryRawUnsafe<Array<{ pid: number; ids: string }>>(probe)];
    });
    expect(first[0]!.pid).not.toBe(second[0]!.pid);
    expect([first[0]!.ids, second[0]!.ids, after[0]!.ids]).toEqual([`{${tenant.B}}`, `{${tenant.B}}`, `{${tenant.B}}`]);
    expect(after[0]!.pid).toBe(first[0]!.pid);
  });

  it('findUnique of two sessions in one tick each run under their own set (Prisma batches those: never alone)', async () => {
    const accountOf = async (tenantId: string) =>
      (await owner.query<{ id: string }>(`SELECT "id" FROM "Account" WHERE "tenantId" = $1 LIMIT 1`, [tenantId])).rows[0]!.id;
    const [a, b] = [await accountOf(tenant.A), await accountOf(tenant.B)];
    const [seenA, seenB] = await Promise.all([
      db.read(jobContextForTenant('rls-test', 'job-3', tenant.A), (s) => dbOf(s).account.findUnique({ where: { id: a } })),
      db.read(jobContextForTenant('rls-test', 'job-4', tenant.B), (s) => dbOf(s).account.findUnique({ where: { id: b } })),
    ]);
    expect([seenA?.id, seenB?.id]).toEqual([a, b]);
  });

  it('the settings never outlive their transaction (a pooled connection, reused)', async () => {
    const pool = new pg.Pool({ connectionString: t.db.appUrl, max: 1 });
    try {
      const scoped = tenantScopedPool(pool, { allTenants: false, tenantIds: [tenant.A] });
      const inside = await scoped.query<{ n: number; ids: string }>(
        `SELECT count(*)::int AS n, current_setting('backoffice.tenant_ids', true) AS ids FROM "Account"`,
      );
      expect(inside.rows[0]!.n).toBeGreaterThan(0);
      expect(inside.rows[0]!.ids).toBe(`{${tenant.A}}`);
      // The same (only) connection afterwards: no setting, no rows.
      const after = await pool.query<{ n: number; ids: string | null; all: string | null }>(
        `SELECT count(*)::int AS n, current_setting('backoffice.tenant_ids', true) AS ids,
                current_setting('backoffice.all_tenants', true) AS all FROM "Account"`,
      );
      expect(after.rows[0]!.n).toBe(0);
      expect(after.rows[0]!.ids ?? '').toBe('');
      expect(after.rows[0]!.all ?? '').toBe('');
      // A Prisma read session: the same.
      const ctx = await t.services.staffAuth.contextFor(agent);
      expect(await db.read(ctx, async (s) => (await dbOf(s).account.count()) > 0)).toBe(true);
      expect((await app.query(`SELECT count(*)::int AS n FROM "Account"`)).rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('a raw connection released inside its transaction is closed, not handed on with its settings', async () => {
    const pool = new pg.Pool({ connectionString: t.db.appUrl, max: 1 });
    try {
      const scoped = tenantScopedPool(pool, { allTenants: true, tenantIds: [] });
      const client = await scoped.connect();
      await client.query('BEGIN');
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      client.release();
      const next = await pool.query<{ pid: number; all: string | null }>(
        `SELECT pg_backend_pid() AS pid, current_setting('backoffice.all_tenants', true) AS all`,
      );
      expect(next.rows[0]!.pid).not.toBe(pid);
      expect(next.rows[0]!.all ?? '').toBe('');
      // A stream cannot run outside a transaction (it would have no tenant set).
      const other = await scoped.connect();
      try {
        expect(() => other.query(new pg.Query('SELECT 1') as never)).toThrow(/inside a transaction/);
      } finally {
        other.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('the erasure function (SECURITY DEFINER, not bound by the policies) refuses a user outside the set', async () => {
    const userOf = async (tenantId: string) =>
      (await owner.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "tenantId" = $1 LIMIT 1`, [tenantId])).rows[0]!.id;
    const erase = async (tenantIds: string[], user: string): Promise<string | undefined> => {
      await app.query('BEGIN');
      try {
        await app.query(setLocalTenantSql({ allTenants: false, tenantIds }));
        await app.query('SELECT backoffice_erase_transaction_text($1::uuid)', [user]);
        return undefined;
      } catch (err) {
        return (err as { code?: string }).code;
      } finally {
        await app.query('ROLLBACK');
      }
    };
    const inB = await userOf(tenant.B);
    // From tenant A's transaction: refused before anything else is looked at.
    expect(await erase([tenant.A], inB)).toBe('42501');
    // From its own tenant's: past the bound, refused only because that user is not due.
    expect(await erase([tenant.B], inB)).toBe('BO002');
  });

  it('the principal check is a SECURITY DEFINER function: it answers with no tenant set, which shows no User row', async () => {
    const user = (await owner.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "tenantId" = $1 LIMIT 1`, [tenant.A])).rows[0]!
      .id;
    expect((await app.query(`SELECT "id" FROM "User" WHERE "id" = $1`, [user])).rows).toEqual([]);
    const { rows } = await app.query<{ tenantId: string; familyRevoked: boolean }>(
      `SELECT "tenantId", "familyRevoked" FROM backoffice_api_principal($1::uuid, gen_random_uuid())`,
      [user],
    );
    expect(rows).toEqual([{ tenantId: tenant.A, familyRevoked: false }]);
  });
});
