import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { createPool, queryTextOf, sendsCallback, statementNames } from './pool.js';
import { loneRead, SET_TENANT_SQL, tenantSettings, TRANSACTION_START, type TenantSet } from './tenant-set.js';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type AdapterTransaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type Query = Parameters<AdapterTransaction['executeRaw']>[0];

/**
 * Prisma 6.19's transaction manager sends COMMIT/ROLLBACK and only then calls the adapter's
 * commit()/rollback(), which is what returns the pg connection to the pool. When the database
 * goes away mid-transaction (a restart, a failover) that COMMIT/ROLLBACK throws, the connection
 * is never released: the pool loses a slot for good and `$disconnect()` waits forever (graceful
 * shutdown hangs). Found by tests/ops/postgres-restart.test.ts. This releases the connection,
 * as broken, when COMMIT or ROLLBACK fails, and makes a later commit()/rollback() a no-op.
 */
function releaseOnFailedEnd(tx: AdapterTransaction): AdapterTransaction {
  const inner = tx as AdapterTransaction & { client?: { release: (err?: Error) => void }; cleanup?: () => void };
  let released = false;
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  inner.executeRaw = async (query: Query) => {
    try {
      return await executeRaw(query);
    } catch (err) {
      if (!released && (query.sql === 'COMMIT' || query.sql === 'ROLLBACK') && inner.client) {
        released = true;
        inner.cleanup?.();
        inner.client.release(err instanceof Error ? err : new Error(String(err)));
      }
      throw err;
    }
  };
  inner.commit = async () => {
    if (released) return;
    released = true;
    await commit();
  };
  inner.rollback = async () => {
    if (released) return;
    released = true;
    await rollback();
  };
  return tx;
}

/**
 * Names for Prisma's lone reads, apart from the hot reads' (src/db/pool.ts). Prisma's texts grow
 * with the length of an `IN (...)` list (a text filter's matching ids, reference lookups): a text
 * with many parameters is rarely repeated, so it is not named — it would hold a generic plan on
 * every connection for nothing — and the set of names is smaller.
 */
const prismaStatementNameOf = statementNames(256);
const MAX_NAMED_PARAMETERS = 100;
const preparable = (head: object): boolean => {
  const values = (head as { values?: unknown }).values;
  return !Array.isArray(values) || values.length <= MAX_NAMED_PARAMETERS;
};

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** The tenant set of the one Prisma read running in this async context (readAlone), if any. */
const alone = new AsyncLocalStorage<{ set: TenantSet }>();

/**
 * Runs one Prisma read (`run` must start exactly one model query, e.g. `findMany`) with no
 * interactive transaction: each SQL statement it sends goes out as a lone read under `set` —
 * the settings and the statement in one implicit transaction of the extended protocol, one
 * round trip, no BEGIN or COMMIT (loneRead) — and a transaction Prisma opens for it applies
 * `set` first. Under READ COMMITTED each statement of a transaction sees a
 * snapshot of its own anyway, so a read loses nothing by not sharing one. Prisma batches
 * `findUnique` calls of one tick across callers: those must not run here (they would run under
 * whichever caller's set flushed the batch).
 */
export function readAlone<T>(set: TenantSet, run: () => PromiseLike<T>): Promise<T> {
  tenantSettings(set); // refuses a set that is not tenant ids, before anything is sent
  const store = { set };
  // A PrismaPromise starts its query at then(): inside the store, so every statement sees it.
  return alone.run(store, () => Promise.resolve(run()));
}

/**
 * The one place a Prisma client is created: the TypeScript query compiler over the pg driver
 * adapter (no native engine), on a pool of pipelined connections (createPool) on which the
 * start of a transaction — BEGIN and the tenant settings (TRANSACTION_START) — travels with the
 * transaction's first statement: one round trip where there were three.
 */
export function createPrisma(
  connectionString: string,
  poolSize = 10,
  options: { namedStatements?: boolean; logger?: Logger | undefined } = {},
): PrismaClient {
  const pool = createPool({
    connectionString,
    max: poolSize,
    namedStatements: options.namedStatements ?? true,
    logger: options.logger,
    pipeline: { acknowledgeAtOnce: TRANSACTION_START },
  });
  // Prisma's queries outside a transaction are pool.query calls: inside readAlone, lone reads.
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const store = alone.getStore();
    const text = queryTextOf(args[0]);
    if (!store || sendsCallback(args) || text === undefined) return query(...args);
    const [head, ...rest] = args;
    // A named prepared statement (loneRead then asks for a generic plan): parsed and planned once
    // per connection instead of on every request — over partitioned tables, planning each
    // statement cost more than running it (docs/benchmarks.md). The pool drops names behind a
    // transaction-mode pooler.
    const name = head && typeof head === 'object' && preparable(head) ? prismaStatementNameOf(text) : undefined;
    return loneRead(pool, store.set, name ? [{ ...(head as object), name }, ...rest] : args);
  };
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    const startTransaction = connected.startTransaction.bind(connected);
    connected.startTransaction = async (isolationLevel) => {
      const store = alone.getStore();
      const tx = releaseOnFailedEnd(await startTransaction(isolationLevel));
      if (store) {
        const { tenantIds, allTenants } = tenantSettings(store.set);
        const text = { scalarType: 'string', arity: 'scalar' } as const;
        try {
          await tx.executeRaw({ sql: SET_TENANT_SQL, args: [tenantIds, allTenants], argTypes: [text, text] });
        } catch (err) {
          // Never hand the connection back inside the transaction this opened.
          await tx.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => {});
          await tx.rollback();
          throw err;
        }
      }
      return tx;
    };
    return connected;
  };
  const prisma = new PrismaClient({ adapter });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The pipelined pool under a Prisma client made by createPrisma: lone reads written in SQL
 * borrow from it (src/db/tenant-set.ts loneRead: the settings and the statement in one
 * implicit transaction), as Prisma's own model reads do.
 */
export const pipelinedPoolOf = (prisma: PrismaClient): pg.Pool | undefined => pools.get(prisma);

/**
 * Whether readAlone may be used with `prisma`: only a client made by createPrisma routes its
 * statements through the pool that applies the set (any other would read unscoped — under the
 * policies, nothing).
 */
export const readsAlone = (prisma: PrismaClient): boolean => pools.has(prisma);

export type { PrismaClient };
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
