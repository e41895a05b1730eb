import { createHash } from 'node:crypto';
import type pg from 'pg';
import { dbOf, poolOf, type ReadSession } from './session.js';

/** Named statements per distinct SQL text are kept per connection by pg; bound their number. */
const MAX_PREPARED_TEXTS = 512;
const preparedNames = new Map<string, string>();

/**
 * Runs a statement through a pg pool as a named prepared statement: PostgreSQL parses and plans
 * it once per connection instead of on every request, and no ORM compiles it. Only a bounded
 * set of statement texts is prepared (hot paths have few shapes); any other text runs unnamed.
 * Behind PgBouncer the pool turns names off (src/db/pool.ts). Repositories only (they render the
 * session's scope into `text`).
 */
export async function runPrepared<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<R[]> {
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED_TEXTS) {
    name = `bo_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
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
