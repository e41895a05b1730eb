import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface PoolOptions {
  connectionString: string;
  max: number;
  /** Where lost connections are reported (none: they are still handled, silently). */
  logger?: Logger | undefined;
  /**
   * Whether queries may be named prepared statements (`{ name, text }`). Behind PgBouncer in
   * transaction mode they may not: consecutive queries of one client run on different server
   * connections, and a statement prepared on one is unknown on the next. Then every query runs
   * unnamed (parsed each time), whatever the repository asked for.
   */
  namedStatements: boolean;
  applicationName?: string;
  /**
   * Pipelined connections (node-postgres `pipeline`): a statement is written at once, without
   * waiting for the answer to the one before, and `acknowledgeAtOnce` names the statements whose
   * answer nobody needs to wait for (see acknowledgeAtOnce below). A pipelined connection cannot
   * run cursors or COPY: only Prisma's pool and lone reads use one.
   */
  pipeline?: { acknowledgeAtOnce: ReadonlySet<string> } | undefined;
}

type QueryArgs = Parameters<pg.PoolClient['query']>;

/** Drops the `name` of a query config: the query runs as an unnamed statement. */
function unnamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: (...args: QueryArgs) => unknown }).query = (...args: QueryArgs) => {
    const [first, ...rest] = args as unknown[];
    // (Not a submittable — a query object that sends its own messages: runAfter names nothing here.)
    if (first && typeof first === 'object' && 'name' in first && 'text' in first && !isSubmittable(first)) {
      const { name: _name, ...config } = first as pg.QueryConfig;
      return query(config, ...rest);
    }
    return query(...args);
  };
}

/** Whether a query's first argument is a submittable: a query object that sends its own messages (stream, cursor, runAfter). */
export const isSubmittable = (first: unknown): boolean =>
  !!first && typeof first === 'object' && typeof (first as { submit?: unknown }).submit === 'function';

/** Whether a query call passes a callback (answered through it, not through a promise). */
export const sendsCallback = (args: readonly unknown[]): boolean => args.some((a) => typeof a === 'function');

/** The SQL text of a query's first argument (a string or a config), not of a submittable (stream, cursor). */
export const queryTextOf = (first: unknown): string | undefined =>
  typeof first === 'string'
    ? first
    : first && typeof first === 'object' && !isSubmittable(first) && typeof (first as { text?: unknown }).text === 'string'
      ? (first as { text: string }).text
      : undefined;

/** Statements that open a transaction, and that end one (not `ROLLBACK TO` a savepoint, nor `AND CHAIN`). */
export const TX_START = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
export const TX_END = /^\s*(COMMIT|END|ABORT|ROLLBACK)\b(?!\s+(AND\s+CHAIN|TO\b))/i;

/**
 * On a pipelined connection, answers the statements of `statements` at once — the start of a
 * transaction (`BEGIN`, the tenant settings) — so that the caller's next statement is written
 * right behind them and the three are answered in one round trip instead of three. Nothing is
 * assumed: a statement acknowledged early that then fails makes the caller's NEXT statement on
 * the connection fail with its error (inside a transaction that statement would fail anyway:
 * the transaction is aborted). Only statements whose result nobody reads may be listed.
 */
const unconfirmedOf = new WeakMap<pg.PoolClient, Array<Promise<unknown>>>();
/** The pipelined connections whose borrower has opened a transaction and not yet ended it. */
const inTransaction = new WeakSet<pg.PoolClient>();

/**
 * The mark of a statement inside a write transaction whose answer nobody reads (the key
 * completion of an idempotent write): on a pipelined connection it is acknowledged at once, like
 * the start of a transaction, and travels with the COMMIT behind it — one round trip where there
 * were two. Its failure fails the COMMIT (and the transaction is rolled back). Only inside a
 * transaction, which a COMMIT or ROLLBACK ends on the same connection: outside one (what is still
 * unconfirmed when the connection goes back to the pool is not reported) the mark is ignored and
 * the statement is waited for like any other.
 */
export const RESULT_UNREAD = '/* result unread */ ';

function acknowledgeAtOnce(client: pg.PoolClient, statements: ReadonlySet<string>): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: (...args: QueryArgs) => unknown }).query = (...args: QueryArgs) => {
    const unconfirmed = unconfirmedOf.get(client) ?? [];
    const text = queryTextOf(args[0]);
    const unread = text !== undefined && text.startsWith(RESULT_UNREAD) && inTransaction.has(client);
    if (text !== undefined && TX_START.test(text)) inTransaction.add(client);
    else if (text !== undefined && TX_END.test(text)) inTransaction.delete(client);
    const sent = query(...args);
    if (sendsCallback(args) || !(sent instanceof Promise)) return sent;
    if (text !== undefined && (statements.has(text) || unread)) {
      // Its failure is reported with the next statement (and not as an unhandled rejection).
      sent.catch(() => {});
      unconfirmedOf.set(client, [...unconfirmed, sent]);
      const command = text.replace(RESULT_UNREAD, '').trimStart().split(/\s/)[0]!.toUpperCase();
      return Promise.resolve({ command, rowCount: 0, oid: 0, fields: [], rows: [] });
    }
    if (!unconfirmed.length) return sent;
    unconfirmedOf.delete(client);
    return Promise.all([...unconfirmed, sent]).then((results) => results[results.length - 1]);
  };
}

/**
 * A bounded set of statement names: the name a statement text is prepared under (the same on
 * every connection), or undefined once `max` texts have names — any other text then runs unnamed
 * (parsed and planned each time), so a stream of distinct texts cannot grow every connection's
 * statement cache. Each use has its own set, so that one kind of statement (Prisma's, whose texts
 * vary with the length of an `IN (...)` list) cannot use up the names of another (the hot reads).
 */
export function statementNames(max: number): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (!name && names.size < max) {
      name = `bo_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
}

/** The hand-written hot reads (runPrepared): few shapes, so this bound is never reached. */
export const statementNameOf = statementNames(512);

const namedPools = new WeakMap<pg.Pool, boolean>();

/** Whether a pool made by createPool may use named prepared statements (true for any other). */
export const namedStatementsOf = (pool: pg.Pool): boolean => namedPools.get(pool) ?? true;

const pipelinedPools = new WeakSet<pg.Pool>();

/** Whether a pool made by createPool has pipelined connections (PoolOptions.pipeline). */
export const isPipelined = (pool: pg.Pool): boolean => pipelinedPools.has(pool);

/** The one place a pg pool is created (Prisma's, and the raw one: COPY, cursors, hot reads in SQL, health). */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: 5_000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(options.pipeline ? { pipeline: true } : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => options.logger?.warn({ err: err.message }, 'idle database connection lost'));
  // Nor a borrowed one: pg emits 'error' on a client whose server ends the connection while none
  // of its queries runs (a restart sends 57P01 to every backend), and pg-pool takes its own
  // listener off a client while it is lent out — between two statements of a transaction the
  // event would have no listener and be an uncaught exception. The error still reaches the
  // borrower's next query ("not queryable"), and pg-pool drops an unqueryable client at release
  // instead of lending it again.
  const borrowed = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => borrowed.add(client));
  pool.on('release', (_err, client) => borrowed.delete(client));
  pool.on('connect', (client) =>
    client.on('error', (err) => {
      if (borrowed.has(client)) options.logger?.warn({ err: err.message }, 'borrowed database connection lost');
    }),
  );
  namedPools.set(pool, options.namedStatements);
  if (!options.namedStatements) pool.on('connect', unnamed);
  const pipeline = options.pipeline;
  if (pipeline) {
    pipelinedPools.add(pool);
    pool.on('connect', (client) => acknowledgeAtOnce(client, pipeline.acknowledgeAtOnce));
    // What one borrower left unconfirmed is not reported to the next.
    pool.on('release', (_err, client) => {
      unconfirmedOf.delete(client);
      inTransaction.delete(client);
    });
  }
  return pool;
}
