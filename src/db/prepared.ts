import type pg from 'pg';
import { statementNameOf } from './pool.js';
import { dbOf, poolOf, type ReadSession } from './session.js';

/**
 * Runs a statement through a pg pool as a named prepared statement: PostgreSQL parses and plans
 * it once per connection instead of on every request, and no ORM compiles it. Only a bounded
 * set of statement texts is prepared (hot paths have few shapes); any other text runs unnamed.
 * Behind PgBouncer the pool turns names off (src/db/pool.ts). Repositories only (they render the
 * session's scope into `text`).
 */
export async function runPrepared<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<R[]> {
  const name = statementNameOf(text);
  const result = await pool.query<R>(name ? { name, text, values } : { text, values });
  return result.rows;
}

/**
 * A hand-written read of a session: a prepared statement through its raw pool (a lone read under
 * its tenant set) when it has one, else the same SQL through its Prisma handle. Repositories only.
 */
export async function readRows<R extends pg.QueryResultRow>(s: ReadSession, text: string, values: unknown[]): Promise<R[]> {
  const pool = poolOf(s);
  return pool ? runPrepared<R>(pool, text, values) : dbOf(s).$queryRawUnsafe<R[]>(text, ...values);
}
