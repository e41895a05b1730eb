import type { Env } from '../../config.js';

/**
 * Request budgets of the public API, per minute, from configuration:
 * - every request counts against its client IP (RATE_LIMIT_PER_MINUTE);
 * - authenticated requests also count against their user (RATE_LIMIT_PER_MINUTE), so one
 *   account cannot spread load over many addresses;
 * - /auth routes count against the IP with the stricter AUTH_RATE_LIMIT_PER_MINUTE (password
 *   guessing; the per-account lockout covers guessing spread over many IPs).
 * Counters are shared through Redis when REDIS_URL is set; without Redis (single process,
 * embedded default) they live in process memory — never in PostgreSQL, which must not pay for
 * traffic it is being protected from.
 */
export interface RateLimitRule {
  name: 'ip' | 'user' | 'auth';
  windowMs: number;
  limit: number;
}

export interface RateLimitPolicy {
  ip: RateLimitRule;
  user: RateLimitRule;
  auth: RateLimitRule;
}

export function rateLimitPolicy(config: Pick<Env, 'RATE_LIMIT_PER_MINUTE' | 'AUTH_RATE_LIMIT_PER_MINUTE'>): RateLimitPolicy {
  const windowMs = 60_000;
  return {
    ip: { name: 'ip', windowMs, limit: config.RATE_LIMIT_PER_MINUTE },
    user: { name: 'user', windowMs, limit: config.RATE_LIMIT_PER_MINUTE },
    auth: { name: 'auth', windowMs, limit: config.AUTH_RATE_LIMIT_PER_MINUTE },
  };
}

/** Seconds until a window resets, at least 1 (the Retry-After value). */
export function retryAfterSeconds(resetTime: Date | undefined, now = Date.now(), windowMs = 60_000): number {
  const ms = resetTime ? resetTime.getTime() - now : windowMs;
  return Math.max(1, Math.ceil(ms / 1000));
}
