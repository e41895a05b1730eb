import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { AppError } from '../../lib/errors.js';
import { rateLimitPolicy, retryAfterSeconds, type RateLimitRule } from '../../modules/rate-limit/rate-limit.policy.js';
import type { Runtime } from '../../runtime.js';

function redisStore(runtime: Runtime, rule: RateLimitRule): Store | undefined {
  const redis = runtime.redis;
  if (!redis) return undefined; // express-rate-limit's MemoryStore: one process only (documented)
  const store = new RedisStore({
    prefix: `rl:api:${rule.name}:`,
    sendCommand: (...args: string[]) => redis.sendCommand(args),
  });
  // The store loads its Lua scripts at construction; while Redis is still connecting that
  // fails, and it reloads them on first use. Mark those first attempts as handled.
  store.incrementScriptSha.catch(() => {});
  store.getScriptSha.catch(() => {});
  return store;
}

function limiter(
  runtime: Runtime,
  rule: RateLimitRule,
  key: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => string,
): RequestHandler {
  return rateLimit({
    windowMs: rule.windowMs,
    limit: rule.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: redisStore(runtime, rule),
    keyGenerator: key,
    // Redis away: serve rather than refuse (runbooks/redis-outage.md); the per-account lockout
    // still protects passwords.
    passOnStoreError: true,
    handler: (req, _res, next) => {
      next(
        new AppError({
          code: 'HTTP.RATE_LIMITED',
          kind: 'RATE_LIMITED',
          retryAfter: retryAfterSeconds(
            (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime,
            Date.now(),
            rule.windowMs,
          ),
        }),
      );
    },
  });
}

/** The three limiters of the API (see rate-limit.policy.ts). */
export function createRateLimiters(runtime: Runtime) {
  const policy = rateLimitPolicy(runtime.config);
  return {
    perIp: limiter(runtime, policy.ip, (req) => ipKeyGenerator(req.ip ?? '0.0.0.0')),
    perAuthIp: limiter(runtime, policy.auth, (req) => ipKeyGenerator(req.ip ?? '0.0.0.0')),
    perUser: limiter(runtime, policy.user, (req, res) => {
      const ctx = res.locals.ctx as { actor?: { id: string } } | undefined;
      return ctx?.actor ? `user:${ctx.actor.id}` : ipKeyGenerator(req.ip ?? '0.0.0.0');
    }),
  };
}
