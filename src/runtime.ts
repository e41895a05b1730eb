import pg from 'pg';
import type { Env } from './config.js';
import type { Secrets } from './db/bootstrap.js';
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
  const prisma = createPrisma(args.appUrl, args.config.DATABASE_POOL_SIZE);
  const pool = new pg.Pool({
    connectionString: args.appUrl,
    max: Math.max(2, Math.ceil(args.config.DATABASE_POOL_SIZE / 2)),
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => args.logger.warn({ err: err.message }, 'idle database connection lost'));
  const redis = args.config.REDIS_URL ? createRedis(args.config.REDIS_URL, args.logger) : undefined;
  // Connection happens in the background; until then commands fail fast (see createRedis).
  redis?.connect().catch(() => {});
  return {
    ...args,
    prisma,
    pool,
    redis,
    close: async () => {
      // A Redis that is down (reconnecting) never answers QUIT: drop its socket instead.
      if (redis?.isOpen && !redis.isReady) redis.destroy();
      await Promise.allSettled([prisma.$disconnect(), pool.end(), redis?.isReady ? redis.quit() : Promise.resolve()]);
    },
  };
}
