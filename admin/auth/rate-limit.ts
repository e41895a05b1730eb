import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RequestHandler } from 'express';
import type { Runtime } from '../../src/runtime.js';

/**
 * Limits login attempts per client IP per minute (AUTH_RATE_LIMIT_PER_MINUTE), shared through
 * Redis when it is configured so every instance counts together. This slows password spraying
 * across accounts; guessing one account's password is stopped by the per-account lockout, which
 * does not depend on the IP at all. If Redis is down the limiter lets requests through (logged):
 * logins keep working and the lockout still holds.
 */
export function loginRateLimiter(
  runtime: Pick<Runtime, 'config' | 'redis' | 'logger'>,
  onLimited: RequestHandler,
): RequestHandler {
  let store: Store | undefined;
  const redis = runtime.redis;
  if (redis) {
    const redisStore = new RedisStore({
      prefix: 'backoffice:rl:admin-login:',
      sendCommand: (...args: string[]) => redis.sendCommand(args) as never,
    });
    // The store loads its Lua scripts at once and retries on first use; a Redis that is still
    // connecting must not turn that first attempt into an unhandled rejection.
    const loaded = redisStore as unknown as { incrementScriptSha: Promise<string>; getScriptSha: Promise<string> };
    loaded.incrementScriptSha.catch(() => {});
    loaded.getScriptSha.catch(() => {});
    store = redisStore;
  }
  return rateLimit({
    windowMs: 60_000,
    limit: runtime.config.AUTH_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    // TRUST_PROXY is the operator's statement about the deployment; the per-account lockout
    // does not depend on client IPs at all.
    validate: { trustProxy: false },
    ...(store ? { store } : {}),
    handler: (req, res, next) => {
      const resetAt = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + 60_000;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))));
      res.status(429);
      onLimited(req, res, next);
    },
  });
}
