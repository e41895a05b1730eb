import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { pipelinedPoolOf, createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { loneRead, setLocalTenantSql, ALL_TENANT_SET } from '../../src/db/tenant-set.js';
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

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({
      connectionString: db.ownerUrl,
      max: 2,
      namedStatements: true,
      pipeline: { acknowledgeAtOnce: new Set(['BEGIN', 'SELECT 1/0']) },
    });
    prisma = createPrisma(db.appUrl, 2);
  });
  afterAll(async () => {
    await pool?.end();
    await prisma?.$disconnect();
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

  it('a lone read whose BEGIN or settings failed returns no rows, even if its statement ran', async () => {
    // A syntax error fails the whole first message before BEGIN runs: the statement behind it
    // then runs outside any transaction and answers. Its answer must not be taken.
    await expect(loneRead(pool, 'SET LOCAL backoffice.tenant_ids =', ['SELECT 1 AS one'])).rejects.toThrow(/syntax/);
    const { rows } = (await loneRead(pool, setLocalTenantSql(ALL_TENANT_SET), ['SELECT 1 AS one'])) as pg.QueryResult;
    expect(rows).toEqual([{ one: 1 }]);
    // Every connection goes back to the pool once its COMMIT is answered.
    await vi.waitFor(() => expect(pool.idleCount).toBe(pool.totalCount));
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
});
