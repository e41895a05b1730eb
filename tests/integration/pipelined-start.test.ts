import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, RESULT_UNREAD, statementNameOf } from '../../src/db/pool.js';
import { pipelinedPoolOf, createPrisma, readAlone, type PrismaClient } from '../../src/db/prisma.js';
import { loneRead, runAfter } from '../../src/db/tenant-set.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The start of a transaction travels with its first statement (src/db/pool.ts acknowledgeAtOnce,
 * tenant-set.ts loneRead): fewer round trips, and never a wrong answer for it. Each test breaks
 * what would make an early acknowledgement or a lone read lie.
 */
describe('pipelined transaction starts', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let prisma: PrismaClient;
  /** One connection only: what a lone read leaves on it, the next query sees. */
  let solo: PrismaClient;
  const tenant = { A: '', B: '' };
  /** A pool of `max` pipelined connections as the application role, naming its statements (as Prisma's). */
  const pipelinedAppPool = (max: number) =>
    createPool({ connectionString: db.appUrl, max, namedStatements: true, pipeline: { acknowledgeAtOnce: new Set() } });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({
      connectionString: db.ownerUrl,
      max: 2,
      namedStatements: true,
      pipeline: { acknowledgeAtOnce: new Set(['BEGIN', 'SELECT 1/0']) },
    });
    prisma = createPrisma(db.appUrl, 2);
    solo = createPrisma(db.appUrl, 1);
    for (const name of ['A', 'B'] as const) {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO "Tenant" ("slug", "name", "baseCurrency") VALUES ($1, $1, 'EUR') RETURNING "id"`,
        [`lone-${name.toLowerCase()}`],
      );
      tenant[name] = rows[0]!.id;
      for (const account of ['one', 'two'])
        await pool.query(`INSERT INTO "Account" ("tenantId", "name", "type", "currency") VALUES ($1, $2, 'BANK', 'EUR')`, [
          tenant[name],
          account,
        ]);
    }
  });
  afterAll(async () => {
    await pool?.end();
    await prisma?.$disconnect();
    await solo?.$disconnect();
    await db?.drop();
  });

  it('a statement acknowledged at once that fails makes the next statement fail with its error', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Acknowledged before the server has answered: the division by zero is not seen here…
      await expect(client.query('SELECT 1/0')).resolves.toMatchObject({ rows: [] });
      // …but by the statement after it, which must not pass for a success.
      await expect(client.query('SELECT 1 AS one')).rejects.toThrow(/division by zero/);
      await client.query('ROLLBACK');
      // The connection is sound again, and statements not listed are answered as usual.
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
  });

  it("a statement marked RESULT_UNREAD is answered at once, and its failure is the COMMIT's", async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS unread_probe (x int CHECK (x > 0))');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO unread_probe VALUES (1)');
      // Answered before the server has run it (the CHECK fails there)...
      await expect(client.query(`${RESULT_UNREAD}INSERT INTO unread_probe VALUES (-1)`)).resolves.toMatchObject({
        command: 'INSERT',
      });
      // ...and the COMMIT behind it fails with its error: the server rolled everything back.
      await expect(client.query('COMMIT')).rejects.toThrow(/unread_probe/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM unread_probe')).rows).toEqual([{ n: 0 }]);
    // Outside a transaction nothing need follow it to report its failure: it is waited for.
    const alone = await pool.connect();
    try {
      await expect(alone.query(`${RESULT_UNREAD}INSERT INTO unread_probe VALUES (-2)`)).rejects.toThrow(/unread_probe/);
    } finally {
      alone.release();
    }
  });

  it('a lone read: the statement runs after the settings in one implicit transaction, never after a failed one', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS lone_probe (x int)');
    const probes = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM lone_probe')).rows[0]!.n;
    // The first statement fails: the statement behind it does not run (the server skips to the Sync).
    await expect(runAfter(pool, { text: 'SELECT 1/0' }, ['INSERT INTO lone_probe VALUES (1)'])).rejects.toThrow(
      /division by zero/,
    );
    expect(await probes()).toBe(0);
    // One transaction: the statement failing undoes what the first one did.
    await expect(runAfter(pool, { text: 'INSERT INTO lone_probe VALUES (2)' }, ['SELECT 1/0'])).rejects.toThrow(
      /division by zero/,
    );
    expect(await probes()).toBe(0);
    await runAfter(pool, { text: 'INSERT INTO lone_probe VALUES (3)' }, ['INSERT INTO lone_probe VALUES (4)']);
    expect(await probes()).toBe(2);
    // The settings are seen by the statement and end with it, on a pool that names its statements
    // and on one that may not (behind PgBouncer), each on its one connection, twice.
    for (const namedStatements of [true, false]) {
      const one = createPool({ connectionString: db.appUrl, max: 1, namedStatements });
      try {
        for (let i = 0; i < 2; i++) {
          const inside = await loneRead(one, { allTenants: false, tenantIds: [tenant.A] }, [
            {
              text: 'SELECT current_setting($1, true) AS ids, (SELECT count(*)::int FROM "Account") AS n',
              values: ['backoffice.tenant_ids'],
            },
          ]);
          expect(inside.rows).toEqual([{ ids: `{${tenant.A}}`, n: 2 }]);
          const after = await one.query<{ ids: string | null; n: number }>(
            `SELECT current_setting('backoffice.tenant_ids', true) AS ids, (SELECT count(*)::int FROM "Account") AS n`,
          );
          expect([after.rows[0]!.ids ?? '', after.rows[0]!.n]).toEqual(['', 0]);
        }
      } finally {
        await one.end();
      }
    }
    // A named statement (a hand-written hot read) runs with a generic plan; others as configured.
    const mode = "SELECT current_setting('plan_cache_mode') AS mode";
    const set = { allTenants: false, tenantIds: [tenant.A] };
    expect((await loneRead(pool, set, [{ name: 'lone_mode', text: mode }])).rows).toEqual([{ mode: 'force_generic_plan' }]);
    expect((await loneRead(pool, set, [mode])).rows).toEqual([{ mode: 'auto' }]);
    expect((await pool.query(mode)).rows).toEqual([{ mode: 'auto' }]);
    // Every connection goes back to the pool once its read is answered.
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('a named lone read that fails leaves no connection that fails the reads after it', async () => {
    // One connection, named statements, pipelined as Prisma's pool is: what a failure leaves on
    // the connection, the next read meets.
    const one = pipelinedAppPool(1);
    const set = { allTenants: false, tenantIds: [tenant.A] };
    const count = { name: 'lone_count', text: 'SELECT count(*)::int AS n FROM "Account"' };
    try {
      expect((await loneRead(one, set, [count])).rows).toEqual([{ n: 2 }]);
      // Fails at its Parse (the settings statement before it was prepared in the same batch),
      // at its Bind, and at its execution.
      const failing = [
        { name: 'lone_bad_parse', text: 'SELECT * FROM no_such_table' },
        { name: 'lone_bad_bind', text: 'SELECT count(*)::int AS n FROM "Account" WHERE "id" = $1::uuid', values: ['not-a-uuid'] },
        { name: 'lone_bad_run', text: 'SELECT 1/0 AS n' },
      ];
      for (const bad of failing) {
        await expect(loneRead(one, set, [bad])).rejects.toThrow();
        // The next reads, new and already prepared, answer on the pool's connection.
        expect((await loneRead(one, set, [count])).rows).toEqual([{ n: 2 }]);
        expect((await loneRead(one, set, [{ name: `${bad.name}_next`, text: 'SELECT 2 AS two' }])).rows).toEqual([{ two: 2 }]);
        expect((await loneRead(one, set, [count])).rows).toEqual([{ n: 2 }]);
      }
    } finally {
      await one.end();
    }
    // The first read of a new connection prepares the settings statement in the same batch; it
    // fails at its own Parse, and is valid later (its table made meanwhile): it is prepared
    // again, not taken for a statement the server has.
    const fresh = pipelinedAppPool(1);
    try {
      const later = { name: 'lone_later', text: 'SELECT count(*)::int AS n FROM lone_later' };
      await expect(loneRead(fresh, set, [later])).rejects.toThrow(/lone_later/);
      await pool.query('CREATE TABLE lone_later (x int)');
      await pool.query('GRANT SELECT ON lone_later TO backoffice_app');
      expect((await loneRead(fresh, set, [later])).rows).toEqual([{ n: 0 }]);
      expect((await loneRead(fresh, set, [later])).rows).toEqual([{ n: 0 }]);
    } finally {
      await fresh.end();
    }
  });

  it('lone reads started together go out in one write on one connection, each under its own set', async () => {
    const shared = pipelinedAppPool(4);
    // Socket writes per connection (a corked batch is one _writev).
    let writes = 0;
    shared.on('connect', (client) => {
      const stream = (client as unknown as { connection: { stream: Record<string, unknown> } }).connection.stream;
      for (const method of ['_write', '_writev']) {
        const original = stream[method] as ((...a: unknown[]) => unknown) | undefined;
        if (original)
          stream[method] = function (this: unknown, ...a: unknown[]) {
            writes++;
            return original.apply(this, a);
          };
      }
    });
    const SEEN = `SELECT current_setting('backoffice.tenant_ids', true) AS ids, (SELECT count(*)::int FROM "Account") AS n,
                         pg_backend_pid() AS pid`;
    const read = (set: { allTenants: boolean; tenantIds: string[] }, text = SEEN) =>
      loneRead(shared, set, [{ name: text === SEEN ? 'lone_seen' : 'lone_seen_fails', text }]).then(
        (r) => r.rows[0] as { ids: string; n: number; pid: number },
      );
    const idsAndCount = ({ ids, n }: { ids: string; n: number }) => ({ ids, n });
    const onlyA = { allTenants: false, tenantIds: [tenant.A] };
    const onlyB = { allTenants: false, tenantIds: [tenant.B] };
    const both = { allTenants: true, tenantIds: [] };
    try {
      const { pid } = await read(onlyA); // the connection is made, and the statement prepared on it
      writes = 0;
      const seen = await Promise.all([read(onlyA), read(onlyB), read(both), read(onlyA)]);
      expect(seen.map((s) => s.pid)).toEqual([pid, pid, pid, pid]);
      expect(seen.map(idsAndCount)).toEqual([
        { ids: `{${tenant.A}}`, n: 2 },
        { ids: `{${tenant.B}}`, n: 2 },
        { ids: '{}', n: 4 },
        { ids: `{${tenant.A}}`, n: 2 },
      ]);
      expect(writes).toBe(1);
      // One statement of a batch failing: the others are answered as if alone, and the
      // connection is not lent again.
      const settled = await Promise.allSettled([read(onlyA), read(onlyB, 'SELECT 1/0 AS n'), read(onlyB)]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(settled.map((s) => (s.status === 'fulfilled' ? [s.value.n, s.value.pid] : null))).toEqual([
        [2, pid],
        null,
        [2, pid],
      ]);
      const next = await read(onlyB);
      expect(idsAndCount(next)).toEqual({ ids: `{${tenant.B}}`, n: 2 });
      expect(next.pid).not.toBe(pid);
    } finally {
      await shared.end();
    }
  });

  it("Prisma's transactions run on the pipelined pool and see their own settings", async () => {
    expect(pipelinedPoolOf(prisma)).toBeDefined();
    const seen = await prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT set_config('backoffice.tenant_ids', '{}', true)");
      const [row] = await tx.$queryRawUnsafe<Array<{ ids: string | null }>>(
        "SELECT current_setting('backoffice.tenant_ids', true) AS ids",
      );
      return row;
    });
    // A transaction-local setting seen by the next statement: BEGIN was acknowledged early, not
    // skipped (outside a transaction the setting would have ended with its own statement).
    expect(seen).toEqual({ ids: '{}' });
    const after = await prisma.$queryRawUnsafe<Array<{ ids: string | null }>>(
      "SELECT current_setting('backoffice.tenant_ids', true) AS ids",
    );
    expect(after[0]!.ids ?? '').toBe('');
  });

  it('a Prisma model read run alone sends each statement as a lone read under the set, and leaves nothing behind', async () => {
    const onlyA = { allTenants: false, tenantIds: [tenant.A] };
    const rows = await readAlone(onlyA, () => solo.account.findMany({ select: { tenantId: true } }));
    expect(rows.map((r) => r.tenantId)).toEqual([tenant.A, tenant.A]);
    expect(await readAlone(onlyA, () => solo.account.count())).toBe(2);
    const groups = await readAlone(onlyA, () => solo.account.groupBy({ by: ['tenantId'], _count: { _all: true } }));
    expect(groups).toEqual([{ tenantId: tenant.A, _count: { _all: 2 } }]);
    // A relation loaded by a second statement is read under the set too.
    const withAccounts = await readAlone(onlyA, () => solo.tenant.findMany({ include: { accounts: true } }));
    expect(withAccounts.map((t) => [t.id, t.accounts.length])).toEqual([[tenant.A, 2]]);
    // The one connection afterwards: no setting (SET LOCAL ran inside a transaction), no rows.
    const [after] = await solo.$queryRawUnsafe<Array<{ ids: string | null; n: number }>>(
      `SELECT current_setting('backoffice.tenant_ids', true) AS ids, (SELECT count(*)::int FROM "Account") AS n`,
    );
    expect([after!.ids ?? '', after!.n]).toEqual(['', 0]);
  });

  it('a Prisma model read run alone is a named prepared statement with a generic plan, right under every set', async () => {
    const read = (tenantId: string) =>
      readAlone({ allTenants: false, tenantIds: [tenantId] }, () =>
        solo.account.findMany({ where: { name: 'one' }, select: { tenantId: true } }),
      );
    // The same statement under two sets, twice each, on the one connection: each read sees its set.
    for (let i = 0; i < 2; i++) {
      expect((await read(tenant.A)).map((r) => r.tenantId)).toEqual([tenant.A]);
      expect((await read(tenant.B)).map((r) => r.tenantId)).toEqual([tenant.B]);
    }
    // Prepared once on the connection and executed from its cached generic plan, not planned per read.
    const prepared = await solo.$queryRawUnsafe<Array<{ name: string; generic: number; custom: number }>>(
      `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
        WHERE statement LIKE '%"Account"%' AND statement LIKE '%"name" = $%'`,
    );
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^bo_/);
    expect(prepared[0]).toMatchObject({ generic: 4, custom: 0 });
  });

  it("Prisma's lone reads have names of their own, bounded, and none for a long parameter list", async () => {
    const set = { allTenants: false, tenantIds: [tenant.A] };
    const names = (k: number) => Array.from({ length: k }, (_, i) => `n${i}`);
    // A read whose text grows with its list (a text filter's ids): past 100 parameters, unnamed.
    await readAlone(set, () => solo.account.findMany({ where: { name: { in: names(150) } }, select: { id: true } }));
    const long = await solo.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%"Account"%' AND statement LIKE '%$150%'`,
    );
    expect(long[0]!.n).toBe(0);
    // 1,100 distinct texts of up to 100 parameters each: more than any one set of names holds.
    const selects = [{ id: true }, { name: true }, { type: true }, { currency: true }];
    const orders = [{ name: 'asc' }, { name: 'desc' }, { id: 'asc' }] as const;
    let texts = 0;
    for (const select of selects)
      for (const orderBy of orders)
        for (let k = 1; k <= 100 && texts < 1100; k++, texts++)
          await readAlone(set, () => solo.account.findMany({ where: { name: { in: names(k) } }, select, orderBy }));
    const held = await solo.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'bo\\_%'`,
    );
    // The connection holds Prisma's bounded set of plans, not one per text...
    expect(held[0]!.n).toBeGreaterThan(100);
    expect(held[0]!.n).toBeLessThanOrEqual(256 + 2);
    // ...and a hot read first seen now still gets a name: Prisma did not use up the hot reads' names.
    expect(statementNameOf('SELECT 1 AS "first seen after many Prisma texts"')).toMatch(/^bo_/);
  });

  it('a transaction Prisma opens inside a lone read applies the set first', async () => {
    const onlyB = { allTenants: false, tenantIds: [tenant.B] };
    const [seen] = await readAlone(onlyB, () =>
      solo.$transaction((tx) =>
        tx.$queryRawUnsafe<Array<{ ids: string; n: number }>>(
          `SELECT current_setting('backoffice.tenant_ids', true) AS ids, (SELECT count(*)::int FROM "Account") AS n`,
        ),
      ),
    );
    expect(seen).toEqual({ ids: `{${tenant.B}}`, n: 2 });
  });
});
