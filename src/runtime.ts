import type pg from 'pg';
import type { Env } from './config.js';
import type { Secrets } from './db/bootstrap.js';
import { createPool } from './db/pool.js';
import { createPrisma, type PrismaClient } from './db/prisma.js';
import { createRedis, type Redis } from './db/redis.js';
import type { Logger } from './lib/logger.js';

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
  replica?: { prisma: PrismaClient; pool: pg.Pool };
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
  const replica = replicaUrl
    ? {
        prisma: createPrisma(replicaUrl, config.DATABASE_POOL_SIZE, { namedStatements, logger }),
        // A replica is reached directly (PgBouncer or not, the flag holds for every URL).
        pool: createPool({ ...poolOptions, connectionString: replicaUrl }),
      }
    : undefined;
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
