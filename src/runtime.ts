import pg from 'pg';
import type { Env } from './config.js';
import type { Secrets } from './db/bootstrap.js';
import { createPrisma, type PrismaClient } from './db/prisma.js';
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
  return {
    ...args,
    prisma,
    pool,
    close: async () => {
      await Promise.allSettled([prisma.$disconnect(), pool.end()]);
    },
  };
}
