import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../lib/logger.js';

export type Redis = RedisClientType;

/**
 * A Redis client that never crashes the process: it reconnects with backoff forever, and
 * callers (session store, rate limiter, readiness) see errors while it is away and degrade
 * as documented in runbooks/redis-outage.md.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const client = createClient({
    url,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000),
    },
    // Commands fail fast while disconnected instead of queueing without bound.
    disableOfflineQueue: true,
  }) as RedisClientType;
  let reported = false;
  client.on('error', (err: Error) => {
    if (!reported) logger.warn({ err: err.message }, 'redis unavailable');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.info('redis reconnected');
    reported = false;
  });
  return client;
}
