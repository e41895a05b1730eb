import pg from 'pg';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * A connection the server ends while it is lent out and idle (between two statements of a
 * transaction — what a PostgreSQL restart does to every backend) must not crash the process:
 * pg emits 'error' on such a client, and pg-pool takes its own listener off it while it is lent.
 * tests/ops/postgres-restart.test.ts meets this by chance under load; here it happens every time.
 */
describe('a borrowed connection lost between statements', () => {
  let db: TestDatabase;
  let owner: pg.Client;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  const lines: string[] = [];
  const logger = createLogger(
    'warn',
    new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await db?.drop();
  });

  it('is logged, fails only its borrower, and is not lent again', async () => {
    // Vitest listens too; ours records what would otherwise have been an uncaught exception.
    process.prependListener('uncaughtException', onUncaught);
    const pool = createPool({ connectionString: db.appUrl, max: 1, logger, namedStatements: true });
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise<void>((resolve) => (client as unknown as pg.Client).once('end', () => resolve()));
      await owner.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await ended;

      expect(uncaught).toEqual([]);
      expect(lines.join('')).toContain('borrowed database connection lost');
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      // The one slot of the pool is free again, on a new connection.
      const again = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(again.rows[0]!.one).toBe(1);
      expect(pool.totalCount).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
    }
  });
});
