import type pg from 'pg';
import type { Env } from './config.js';
import type { Secrets } from './db/bootstrap.js';
import { createPool } from './db/pool.js';
import { createPrisma, type PrismaClient } from './db/prisma.js';
import { createRedis, type Redis } from './db/redis.js';
import { createReplicaLag, type ReplicaLag } from './db/replica-lag.js';
import type { Logger } from './lib/logger.js';
import { registerReplicaLagSource } from './lib/metrics.js';

/**
 * The long-lived dependencies of one process, built once and handed to the HTTP app, the
 * admin, the CLI and the workers.
 */
export interface Runtime {
  config: Readonly<Env>;
  secrets: Secrets;
  logger: Logger;
  prisma: PrismaClient;
  /** Raw pg pool for what Prisma cannot do: COPY, streaming cursors, health checks. */
  pool: pg.Pool;
  /**
   * Present when DATABASE_REPLICA_URL is set: a streaming replica's client and pool. Only the
   * database port (src/db/session.ts) decides which reads go there.
   */
  replica?: { prisma: PrismaClient; pool: pg.Pool; lag: ReplicaLag };
  /** Present when REDIS_URL is set: shared sessions and rate limits. Connected lazily. */
  redis?: Redis;
  appUrl: string;
  ownerUrl: string;
  close: () => Promise<void>;
}

export function createRuntime(args: {
  config: Readonly<Env>;
  secrets: Secrets;
  logger: Logger;
  appUrl: string;
  ownerUrl: string;
}): Runtime {
  const { config, logger } = args;
  const namedStatements = !config.DATABASE_PGBOUNCER;
  const prisma = createPrisma(args.appUrl, config.DATABASE_POOL_SIZE, { namedStatements, logger });
  const poolOptions = {
    max: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2)),
    logger,
    namedStatements,
  };
  const pool = createPool({ ...poolOptions, connectionString: args.appUrl });
  const replicaUrl = config.DATABASE_REPLICA_URL;
  function replicaOf(url: string): NonNullable<Runtime['replica']> {
    // A replica is reached directly (PgBouncer or not, the flag holds for every URL).
    const replicaPool = createPool({ ...poolOptions, connectionString: url });
    return {
      prisma: createPrisma(url, config.DATABASE_POOL_SIZE, { namedStatements, logger }),
      pool: replicaPool,
      // Checked from the first staff read on, not before (a CLI command never starts it).
      lag: createReplicaLag({ primary: pool, replica: replicaPool, maxLagSeconds: config.REPLICA_MAX_LAG_SECONDS, logger }),
    };
  }
  const replica = replicaUrl ? replicaOf(replicaUrl) : undefined;
  const unregisterLag = replica ? registerReplicaLagSource(() => replica.lag.lagSeconds()) : undefined;
  const redis = args.config.REDIS_URL ? createRedis(args.config.REDIS_URL, args.logger) : undefined;
  // Connection happens in the background; until then commands fail fast (see createRedis).
  redis?.connect().catch(() => {});
  return {
    ...args,
    prisma,
    pool,
    ...(replica ? { replica } : {}),
    redis,
    close: async () => {
      // A Redis that is down (reconnecting) never answers QUIT: drop its socket instead.
      if (redis?.isOpen && !redis.isReady) redis.destroy();
      replica?.lag.stop();
      unregisterLag?.();
      await Promise.allSettled([
        prisma.$disconnect(),
        pool.end(),
        replica?.prisma.$disconnect(),
        replica?.pool.end(),
        redis?.isReady ? redis.quit() : Promise.resolve(),
      ]);
    },
  };
}
