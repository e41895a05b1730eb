import pg from 'pg';
import { isPipelined, isSubmittable, namedStatementsOf, queryTextOf, TX_END, TX_START } from './pool.js';
import type { ServiceContext } from '../lib/context.js';

/**
 * The tenants one unit of database work may see and write (row-level security, ADR 0011 and
 * prisma/migrations/100.do.row-level-security.sql): a list of tenant ids, or all tenants. It is
 * decided by ONE function of the domain, `tenantSetOf()` in src/modules/access/ability.ts, which
 * the composition root hands to the database port; src/db only applies it.
 */
export interface TenantSet {
  allTenants: boolean;
  tenantIds: readonly string[];
}

/** How the database port learns a context's tenant set (tenantSetOf of the access module). */
export type TenantSetOf = (ctx: ServiceContext) => TenantSet;

/** The set of work that spans every tenant by definition (named where it is used). */
export const ALL_TENANT_SET: TenantSet = Object.freeze({ allTenants: true, tenantIds: Object.freeze([]) });

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The two settings' values: a uuid[] literal and 'on'/'off'. Refuses anything but tenant ids. */
export function tenantSettings(set: TenantSet): { tenantIds: string; allTenants: 'on' | 'off' } {
  for (const id of set.tenantIds) if (!UUID_RE.test(id)) throw new Error(`tenant set: not a tenant id: ${JSON.stringify(id)}`);
  return { tenantIds: `{${set.tenantIds.join(',')}}`, allTenants: set.allTenants ? 'on' : 'off' };
}

/**
 * The first statement of every Prisma transaction: both settings, transaction-local (`true`), so
 * they end with the transaction and a pooled connection never carries them further.
 */
export const SET_TENANT_SQL =
  "SELECT set_config('backoffice.tenant_ids', $1, true), set_config('backoffice.all_tenants', $2, true)";

/**
 * The statements that open a transaction and whose answer nobody reads: on Prisma's pipelined
 * connections they are acknowledged at once and answered in the same round trip as the first
 * real statement (src/db/pool.ts, acknowledgeAtOnce).
 */
export const TRANSACTION_START: ReadonlySet<string> = new Set(['BEGIN', SET_TENANT_SQL]);

/** Applies `set` to a Prisma transaction (its first statement). */
export async function applyTenantSet(
  tx: { $queryRawUnsafe: (sql: string, ...values: unknown[]) => Promise<unknown> },
  set: TenantSet,
): Promise<void> {
  const { tenantIds, allTenants } = tenantSettings(set);
  await tx.$queryRawUnsafe(SET_TENANT_SQL, tenantIds, allTenants);
}

/**
 * The same settings as utility statements, for a raw pg connection: `SET LOCAL` is
 * `set_config(…, true)`, and unlike a SELECT it does not take the transaction's snapshot, so it
 * may follow a `BEGIN ISOLATION LEVEL REPEATABLE READ` in the same simple-query message (one
 * round trip). The values are tenant ids checked above and 'on'/'off': nothing else is inlined.
 */
export function setLocalTenantSql(set: TenantSet): string {
  const { tenantIds, allTenants } = tenantSettings(set);
  return `SET LOCAL backoffice.tenant_ids = '${tenantIds}'; SET LOCAL backoffice.all_tenants = '${allTenants}'`;
}

type QueryArgs = Parameters<pg.PoolClient['query']>;
const READ_ONLY = /^\s*SELECT\b/i;

/**
 * A pooled raw connection that runs every statement under a tenant set: a `BEGIN` the caller
 * sends gets the settings in the same message; a statement sent outside a transaction runs in
 * one of its own (BEGIN; SET LOCAL …; statement; COMMIT). A stream (COPY, cursor) must be read
 * inside the caller's transaction. Released while still inside a transaction, the connection is
 * destroyed rather than handed to the next borrower with its settings.
 */
class TenantScopedClient {
  readonly #client: pg.PoolClient;
  readonly #setSql: string;
  #inTransaction = false;

  constructor(client: pg.PoolClient, set: TenantSet) {
    this.#client = client;
    this.#setSql = setLocalTenantSql(set);
  }

  query(...args: QueryArgs): unknown {
    const [first, ...rest] = args as unknown[];
    const raw = this.#client.query.bind(this.#client) as (...a: unknown[]) => unknown;
    if (isSubmittable(first)) {
      if (!this.#inTransaction) throw new Error('a streamed query runs inside a transaction under a tenant set (BEGIN first)');
      return raw(first, ...rest);
    }
    const text = queryTextOf(first);
    if (text !== undefined && TX_START.test(text) && !rest.length && !(first as { values?: unknown[] }).values?.length) {
      return (async () => {
        const results = (await raw(`${text}; ${this.#setSql}`)) as pg.QueryResult[];
        this.#inTransaction = true;
        return Array.isArray(results) ? results[0] : results;
      })();
    }
    if (text !== undefined && TX_END.test(text)) {
      return (async () => {
        try {
          return await raw(first, ...rest);
        } finally {
          this.#inTransaction = false;
        }
      })();
    }
    if (this.#inTransaction) return raw(first, ...rest);
    return (async () => {
      await raw(`BEGIN; ${this.#setSql}`);
      try {
        const result = await raw(first, ...rest);
        await raw('COMMIT');
        return result;
      } catch (err) {
        await (raw('ROLLBACK') as Promise<unknown>).catch(() => {});
        throw err;
      }
    })();
  }

  release(err?: Error | boolean): void {
    if (this.#inTransaction && !err) {
      this.#inTransaction = false;
      this.#client.release(new Error('released inside a transaction: the connection is closed, not reused'));
      return;
    }
    this.#client.release(err);
  }

  escapeLiteral(value: string): string {
    return this.#client.escapeLiteral(value);
  }

  escapeIdentifier(value: string): string {
    return this.#client.escapeIdentifier(value);
  }
}

/**
 * The settings of a lone read of a named prepared statement: those of SET_TENANT_SQL, and a
 * generic plan for the statement. Our named statements are the hand-written hot reads, written
 * to be served in index order whatever their values; under the policies PostgreSQL's plan cache
 * otherwise keeps choosing custom plans for them (the policy's filter makes the generic plan's
 * estimate dearer) and plans every execution again — measured at about 150 µs of a 0.5 ms read.
 */
export const SET_TENANT_GENERIC_PLAN_SQL =
  "SELECT set_config('backoffice.tenant_ids', $1, true), set_config('backoffice.all_tenants', $2, true), set_config('plan_cache_mode', 'force_generic_plan', true)";

/** The names the settings statements are prepared under on a connection that keeps named statements. */
const SETTINGS_STATEMENTS: ReadonlyMap<string, string> = new Map([
  [SET_TENANT_SQL, 'backoffice_tenant_set'],
  [SET_TENANT_GENERIC_PLAN_SQL, 'backoffice_tenant_set_generic'],
]);

interface ProtocolConnection {
  parse(config: { text: string; name: string; types: unknown[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[] }): void;
  execute(config: { portal: string; rows: number }): void;
  submittedNamedStatements: Record<string, string>;
  parsedStatements: Record<string, string>;
}
type QueryCallback = (err: Error | null | undefined, result: pg.QueryResult) => void;
interface QueryInternals {
  prepare(connection: ProtocolConnection): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: ProtocolConnection): void;
  handleError(err: Error, connection: ProtocolConnection): void;
}
const BaseQuery = pg.Query as unknown as new (
  config: pg.QueryConfig,
  values: undefined,
  callback: QueryCallback,
) => QueryInternals;

/**
 * One statement that runs after another in the same implicit transaction of the extended
 * protocol: Parse/Bind/Execute of `first` (its answer is dropped), then the statement's own
 * Parse/Bind/Describe/Execute, then ONE Sync. The server runs everything up to a Sync as one
 * transaction and, after an error, skips the rest up to the Sync — so the statement never runs
 * if `first` failed, and a transaction-local setting made by `first` ends at the Sync. One
 * message batch, one round trip, no BEGIN or COMMIT to execute.
 */
class AfterQuery extends BaseQuery {
  readonly #first: { text: string; values: unknown[]; name: string };
  #firstPending = true;

  constructor(first: { text: string; values: unknown[]; name: string }, config: pg.QueryConfig, callback: QueryCallback) {
    super(config, undefined, callback);
    this.#first = first;
  }

  requiresPreparation(): boolean {
    return true;
  }

  override prepare(connection: ProtocolConnection): void {
    const { text, values, name } = this.#first;
    const prepared = name !== '' && connection.submittedNamedStatements[name] === text;
    if (!prepared) {
      connection.parse({ text, name, types: [] });
      if (name) connection.submittedNamedStatements[name] = text;
    }
    connection.bind({ portal: '', statement: name, values });
    connection.execute({ portal: '', rows: 0 });
    super.prepare(connection);
  }

  override handleDataRow(msg: unknown): void {
    if (!this.#firstPending) super.handleDataRow(msg);
  }

  override handleCommandComplete(msg: unknown, connection: ProtocolConnection): void {
    if (this.#firstPending) this.#firstPending = false;
    else super.handleCommandComplete(msg, connection);
  }
}

/** A lone statement waiting for the batch it will be written in (runAfter on a pipelined pool). */
interface Waiting {
  first: { text: string; values: unknown[]; name: string };
  config: pg.QueryConfig;
  resolve: (result: pg.QueryResult) => void;
  reject: (err: Error) => void;
}

/**
 * At most this many lone statements share one connection and one write. Each is answered in
 * turn by the one backend, so a batch must stay small: a slow statement delays the ones behind
 * it. The reference reads of an admin list (three) fit in one.
 */
const MAX_BATCH = 4;

const gathering = new WeakMap<pg.Pool, Waiting[]>();

/**
 * Runs the statement `args` (text or config, with values) right after `first` on a connection
 * of `pool`, in one implicit transaction (AfterQuery). Rejects with `first`'s error when it
 * fails — and then the statement did not run.
 *
 * On a pipelined pool (Prisma's), the lone statements started in the same turn of the event loop
 * (the reference reads of an admin list, AdminJS's populator starts them together) go out
 * together: one connection, one socket write, each still its own implicit transaction ending at
 * its own Sync — a setting one makes ends before the next begins, and a failure skips only to its
 * own Sync. Up to MAX_BATCH per batch.
 */
export function runAfter(
  pool: pg.Pool,
  first: { text: string; values?: unknown[] },
  args: readonly unknown[],
): Promise<pg.QueryResult> {
  const named = namedStatementsOf(pool);
  const [head, second] = args as [unknown, unknown];
  const config: pg.QueryConfig =
    typeof head === 'string'
      ? { text: head, ...(Array.isArray(second) ? { values: second as unknown[] } : {}) }
      : { ...(head as pg.QueryConfig), ...(Array.isArray(second) ? { values: second as unknown[] } : {}) };
  // Behind a transaction-mode pooler no statement is named (see PoolOptions.namedStatements).
  if (!named) delete (config as { name?: string }).name;
  const firstName = (named && SETTINGS_STATEMENTS.get(first.text)) || '';
  return new Promise<pg.QueryResult>((resolve, reject) => {
    const waiting: Waiting = {
      first: { text: first.text, values: first.values ?? [], name: firstName },
      config,
      resolve,
      reject,
    };
    if (!isPipelined(pool)) {
      void sendBatch(pool, [waiting]);
      return;
    }
    let batch = gathering.get(pool);
    if (!batch || batch.length >= MAX_BATCH) {
      const started: Waiting[] = [];
      batch = started;
      gathering.set(pool, started);
      setImmediate(() => {
        if (gathering.get(pool) === started) gathering.delete(pool);
        void sendBatch(pool, started);
      });
    }
    batch.push(waiting);
  });
}

/**
 * Writes `batch` on one connection of `pool`, corked: one socket write for all of it (pg corks
 * each query's own messages; the outer cork keeps them together). Every statement is answered
 * (or fails) on its own.
 */
async function sendBatch(pool: pg.Pool, batch: readonly Waiting[]): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    for (const waiting of batch) waiting.reject(err as Error);
    return;
  }
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection
    ?.stream;
  const answered: Array<Promise<Error | undefined>> = [];
  stream?.cork?.();
  try {
    for (const { first, config, resolve, reject } of batch)
      answered.push(
        new Promise<Error | undefined>((settle) => {
          // pg answers a success with a null error.
          const answer = (err: Error | null | undefined, result?: pg.QueryResult) => {
            if (err) reject(err);
            else resolve(result!);
            settle(err ?? undefined);
          };
          try {
            void client.query(new AfterQuery(first, config, answer) as unknown as pg.QueryConfig);
          } catch (err) {
            answer(err as Error);
          }
        }),
      );
  } finally {
    stream?.uncork?.();
  }
  // After a failure the connection is not lent again: which of the batch's statements the
  // server had prepared is not known here (pg records one ParseComplete per query, and each of
  // these sends two Parses), and a wrong guess fails every later statement on it ("already
  // exists", "does not exist"). pg-pool closes a client released with an error.
  const failed = (await Promise.all(answered)).find((err) => err !== undefined);
  client.release(failed);
}

/**
 * A lone statement (the hot reads: a list page, each statement of a Prisma model read) under
 * `set`: the settings statement and the statement in one implicit transaction, one round trip
 * (runAfter); a named prepared statement with a generic plan (SET_TENANT_GENERIC_PLAN_SQL).
 * Nothing outlives the Sync that ends it.
 */
export function loneRead(pool: pg.Pool, set: TenantSet, args: readonly unknown[]): Promise<pg.QueryResult> {
  const { tenantIds, allTenants } = tenantSettings(set);
  const head = args[0];
  const prepared = !!head && typeof head === 'object' && typeof (head as { name?: unknown }).name === 'string';
  return runAfter(pool, { text: prepared ? SET_TENANT_GENERIC_PLAN_SQL : SET_TENANT_SQL, values: [tenantIds, allTenants] }, args);
}

/**
 * The raw pool as a repository sees it: every connection borrowed from it, and every
 * `pool.query`, runs under `set` (the session's tenant set). Only the methods repositories use
 * exist (`connect`, `query`). Lone SELECTs borrow from `pipelined` when given (loneRead).
 */
export function tenantScopedPool(pool: pg.Pool, set: TenantSet, pipelined?: pg.Pool): pg.Pool {
  const scoped = {
    async connect(): Promise<pg.PoolClient> {
      return new TenantScopedClient(await pool.connect(), set) as unknown as pg.PoolClient;
    },
    async query(...args: QueryArgs): Promise<unknown> {
      const text = queryTextOf(args[0]);
      if (text !== undefined && READ_ONLY.test(text) && !isSubmittable(args[0])) return loneRead(pipelined ?? pool, set, args);
      const client = new TenantScopedClient(await pool.connect(), set);
      try {
        const result = await client.query(...args);
        client.release();
        return result;
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
    },
  };
  return scoped as unknown as pg.Pool;
}

/**
 * Whether the role `pool` connects as is bound by row-level security: not a superuser, no
 * BYPASSRLS, and owner of no table of the public schema (owners are exempt unless FORCE).
 * Returns the reasons it is not (empty when it is).
 */
export async function rowLevelSecurityGaps(pool: Pick<pg.Pool, 'query'>): Promise<string[]> {
  const { rows } = await pool.query<{ role: string; superuser: boolean; bypass: boolean; owned: number }>(
    `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
            (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('public', 'backoffice_partitions') AND c.relkind IN ('r', 'p') AND c.relowner = r.oid) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const row = rows[0];
  if (!row) return ['the connected role was not found'];
  const gaps: string[] = [];
  if (row.superuser) gaps.push(`${row.role} is a superuser`);
  if (row.bypass) gaps.push(`${row.role} has BYPASSRLS`);
  if (row.owned > 0) gaps.push(`${row.role} owns ${row.owned} table(s)`);
  return gaps;
}
