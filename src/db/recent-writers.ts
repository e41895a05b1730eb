import type { Redis } from './redis.js';
import { memoryRecentWriters, type RecentWriters } from './session.js';

/**
 * Read-your-writes across app nodes: who wrote recently is kept in Redis (a key per writer that
 * expires when their window does), in front of this process's memory. A staff member whose
 * write went through one node reads it back from the primary on every node. Redis away: every
 * staff read goes to the primary (never a stale read of one's own change).
 */
export function sharedRecentWriters(redis: Redis): RecentWriters {
  const local = memoryRecentWriters();
  const key = (writer: string) => `ryw:${writer}`;
  return {
    async note(writer, untilMs) {
      await local.note(writer, untilMs);
      await redis.set(key(writer), '1', { PX: Math.max(1, untilMs - Date.now()) });
    },
    async wroteRecently(writer) {
      if (local.wroteRecently(writer)) return true;
      if (!redis.isReady) return true;
      return (await redis.exists(key(writer))) === 1;
    },
  };
}
