import { RedisStore } from 'connect-redis';
import connectPgSimple from 'connect-pg-simple';
import session, { type Store } from 'express-session';
import type { Runtime } from '../../src/runtime.js';

export const SESSION_TABLE = 'StaffSession';
export const REDIS_SESSION_PREFIX = 'backoffice:admin-sess:';

export interface SessionStore {
  kind: 'redis' | 'postgres';
  store: Store;
  close: () => void;
}

/**
 * Staff sessions live in Redis when REDIS_URL is set (shared by every instance, expiring by TTL)
 * and otherwise in PostgreSQL ("StaffSession", connect-pg-simple's layout, created by our
 * migrations). Neither store is touched on every request (disableTouch): the session layer saves
 * the session, which extends its expiry, only when its idle clock is old enough (staff-session.ts).
 * Never in process memory: a restart or a second instance must not log anyone
 * out, and memory stores grow without bound.
 */
export function createSessionStore(runtime: Pick<Runtime, 'redis' | 'pool' | 'logger'>): SessionStore {
  if (runtime.redis) {
    return {
      kind: 'redis',
      store: new RedisStore({ client: runtime.redis, prefix: REDIS_SESSION_PREFIX, disableTouch: true }),
      close: () => {},
    };
  }
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: runtime.pool,
    tableName: SESSION_TABLE,
    createTableIfMissing: false,
    // No write per request: the session layer extends the expiry itself, once in a while
    // (staff-session.ts, touchEveryMs).
    disableTouch: true,
    // Expired rows are never read (the query filters on expire); pruning only reclaims space.
    pruneSessionInterval: 15 * 60,
    errorLog: (...args: unknown[]) => runtime.logger.warn({ err: String(args[0]) }, 'session store error'),
  });
  return { kind: 'postgres', store, close: () => store.close() };
}
