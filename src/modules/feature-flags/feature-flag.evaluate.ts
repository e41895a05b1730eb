import { createHash } from 'node:crypto';

/** What the evaluation needs of a flag (the FeatureFlag row has these fields). */
export interface FlagRule {
  key: string;
  enabled: boolean;
  rolloutPercentage: number;
  tenantIds: readonly string[];
  startsAt: Date | null;
  endsAt: Date | null;
}

/**
 * The bucket (0..99) of a tenant for a flag: the first 32 bits of SHA-256("key:tenantId") mod 100.
 * Deterministic across processes and restarts, independent between flags (the key is hashed in),
 * and stable when the percentage grows: a tenant enabled at 20 % stays enabled at 30 %.
 */
export function rolloutBucket(key: string, tenantId: string): number {
  return createHash('sha256').update(`${key}:${tenantId}`).digest().readUInt32BE(0) % 100;
}

/**
 * THE evaluation of a feature flag; nothing else decides whether a flag is on.
 * 1. a disabled flag is off; 2. outside [startsAt, endsAt) it is off; 3. a listed tenant is on;
 * 4. otherwise the tenant is on when its bucket is below rolloutPercentage (100 % = everybody,
 * even without a tenant; without a tenant anything less is off).
 */
export function isEnabled(flag: FlagRule | null | undefined, context: { tenantId?: string | null; now?: Date } = {}): boolean {
  if (!flag || !flag.enabled) return false;
  const now = context.now ?? new Date();
  if (flag.startsAt && now < flag.startsAt) return false;
  if (flag.endsAt && now >= flag.endsAt) return false;
  const pct = Math.max(0, Math.min(100, Math.trunc(flag.rolloutPercentage)));
  if (pct >= 100) return true;
  if (!context.tenantId) return false;
  if (flag.tenantIds.includes(context.tenantId)) return true;
  return rolloutBucket(flag.key, context.tenantId) < pct;
}
