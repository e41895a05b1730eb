import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { createPool } from './pool.js';
import { TRANSACTION_START } from './tenant-set.js';

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

const pools = new WeakMap<PrismaClient, pg.Pool>();

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
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    const startTransaction = connected.startTransaction.bind(connected);
    connected.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await startTransaction(isolationLevel));
    return connected;
  };
  const prisma = new PrismaClient({ adapter });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The pipelined pool under a Prisma client made by createPrisma: lone reads written in SQL
 * borrow from it (src/db/tenant-set.ts), so that their BEGIN, settings, statement and COMMIT
 * go out together.
 */
export const pipelinedPoolOf = (prisma: PrismaClient): pg.Pool | undefined => pools.get(prisma);

export type { PrismaClient };
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
