import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface PoolOptions {
  connectionString: string;
  max: number;
  logger: Logger;
  /**
   * Whether queries may be named prepared statements (`{ name, text }`). Behind PgBouncer in
   * transaction mode they may not: consecutive queries of one client run on different server
   * connections, and a statement prepared on one is unknown on the next. Then every query runs
   * unnamed (parsed each time), whatever the repository asked for.
   */
  namedStatements: boolean;
  applicationName?: string;
}

type QueryArgs = Parameters<pg.PoolClient['query']>;

/** Drops the `name` of a query config: the query runs as an unnamed statement. */
function unnamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: (...args: QueryArgs) => unknown }).query = (...args: QueryArgs) => {
    const [first, ...rest] = args as unknown[];
    if (first && typeof first === 'object' && 'name' in first && 'text' in first) {
      const { name: _name, ...config } = first as pg.QueryConfig;
      return query(config, ...rest);
    }
    return query(...args);
  };
}

/** The one place a raw pg pool is created (COPY, cursors, hot reads written in SQL, health). */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: 5_000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => options.logger.warn({ err: err.message }, 'idle database connection lost'));
  if (!options.namedStatements) pool.on('connect', unnamed);
  return pool;
}
