import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';

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
 * The one place a Prisma client is created: the TypeScript query compiler over the pg driver
 * adapter (no native engine).
 */
export function createPrisma(connectionString: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: poolSize, connectionTimeoutMillis: 5_000 });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    const startTransaction = connected.startTransaction.bind(connected);
    connected.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await startTransaction(isolationLevel));
    return connected;
  };
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
