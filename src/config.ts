import { z } from 'zod';
import { ed25519PrivateKeyFrom, ed25519PublicKeyFrom, isKeyText } from './lib/ed25519.js';

/**
 * Every setting the process reads, validated once at start-up. Nothing else reads process.env.
 * Secrets have no fallback outside development; in development (embedded database) the
 * bootstrap generates them once and keeps them under DATA_DIR.
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const duration = z.coerce.number().int().positive();
/** A comma-separated list (empty items dropped). */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const isPublicKey = isKeyText(ed25519PublicKeyFrom);
const isSigningKeyText = isKeyText(ed25519PrivateKeyFrom);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().optional(),
  DATABASE_OWNER_URL: z.url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * A streaming replica (hot standby) of DATABASE_URL's database, as the application role: staff
   * reads (admin lists, record pages, dashboards) go there, except a staff member's own reads for
   * REPLICA_READ_YOUR_WRITES_SECONDS after each of their writes (src/db/session.ts).
   */
  DATABASE_REPLICA_URL: z.url().optional(),
  REPLICA_READ_YOUR_WRITES_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * A replica further behind the primary than this serves no reads: staff reads go to the
   * primary until it has caught up (src/db/replica-lag.ts measures it against the primary).
   */
  REPLICA_MAX_LAG_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * DATABASE_URL goes through PgBouncer in transaction mode: no named prepared statements (a
   * statement prepared on one server connection is unknown on the next). Workers need session
   * state (advisory locks held across transactions): run them against PostgreSQL directly.
   */
  DATABASE_PGBOUNCER: bool.default(false),
  /**
   * Row-level security (ADR 0011): every unit of work runs in a transaction that applies its
   * tenant set. `false` only to measure its cost against a database whose policies are disabled
   * (bench/rls.ts): with the policies on, the application then sees no tenant row. Refused in
   * production.
   */
  DATABASE_ROW_LEVEL_SECURITY: bool.default(true),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  REDIS_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_IDLE_MINUTES: duration.default(30),
  SESSION_ABSOLUTE_HOURS: duration.default(12),
  JWT_SECRET: z.string().min(32).optional(),
  /** Signs password-reset and email-verification links (its own key: never the JWT key). */
  ACCOUNT_TOKEN_SECRET: z.string().min(32).optional(),
  /**
   * Base of the links in account mail (`<base>/reset-password?token=…`, `<base>/verify-email?token=…`):
   * a separate web app's address; defaults to PUBLIC_URL (this server's own pages).
   */
  ACCOUNT_LINK_BASE_URL: z.url().optional(),
  /** The version of the terms of service a registration accepts (recorded with the time). */
  TERMS_VERSION: z.string().trim().min(1).max(64).default('2026-01'),
  /** Ed25519 private key that signs audit tree heads (base64url seed or PKCS#8 PEM). */
  AUDIT_SIGNING_KEY: z
    .string()
    .refine(
      isSigningKeyText,
      'must be an Ed25519 private key: 43 base64url characters (npx backoffice audit:keygen) or a PKCS#8 PEM',
    )
    .optional(),
  /** Public keys of retired signing keys (comma-separated): heads they signed still verify. */
  AUDIT_SIGNING_RETIRED_KEYS: list
    .refine((keys) => keys.every(isPublicKey), 'must be comma-separated Ed25519 public keys (43 base64url characters each)')
    .default([]),
  /** Legacy: the HMAC key of checkpoints written before Ed25519 (they keep verifying with it). */
  AUDIT_CHECKPOINT_KEY: z.string().min(32).optional(),
  /** Legacy: older HMAC keys (comma-separated), for checkpoints signed before a rotation. */
  AUDIT_CHECKPOINT_RETIRED_KEYS: list
    .refine((keys) => keys.every((k) => k.length >= 32), 'keys of at least 32 characters')
    .default([]),
  AUDIT_CHECKPOINT_EVERY: duration.default(100),
  /** Months of audit events that stay in the database: `audit:archive --before` may not cut later (docs/partitioning.md). */
  AUDIT_KEEP_MONTHS: z.coerce.number().int().min(1).max(1200).default(12),
  /** Append-only anchor sink for signed heads: a directory (one NDJSON file per day) or a file. */
  AUDIT_ANCHOR_PATH: z.string().min(1).optional(),
  /** Compliance mailbox that receives the signed heads of each checkpoint run (through the outbox). */
  AUDIT_ANCHOR_EMAIL: z.email().optional(),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Back office <no-reply@backoffice.local>'),
  EXPORT_DIR: z.string().min(1).default('.data/exports'),
  ERASURE_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  RUN_WORKER: bool.default(true),
  TRUST_PROXY: bool.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Bearer token for GET /metrics; without it only loopback clients may scrape. */
  METRICS_TOKEN: z.string().min(16).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** The name of every setting the process reads (deployment files are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape));

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/** Parses an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Readonly<Env> {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const shown = value === undefined || /SECRET|KEY|PASSWORD|URL/.test(name) ? '' : ` (got "${value}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const config = result.data;
  if (config.NODE_ENV === 'production') {
    const missing = (
      ['DATABASE_URL', 'SESSION_SECRET', 'JWT_SECRET', 'ACCOUNT_TOKEN_SECRET', 'AUDIT_SIGNING_KEY'] as const
    ).filter((k) => !config[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when NODE_ENV=production`));
  }
  if (config.NODE_ENV === 'production' && !config.DATABASE_ROW_LEVEL_SECURITY)
    throw new ConfigError(['DATABASE_ROW_LEVEL_SECURITY: cannot be turned off when NODE_ENV=production']);
  if (config.DATABASE_REPLICA_URL && !config.DATABASE_URL)
    throw new ConfigError(['DATABASE_REPLICA_URL: needs DATABASE_URL (the primary it replicates)']);
  return Object.freeze(config);
}

/**
 * Where signed audit heads are anchored outside the database: AUDIT_ANCHOR_PATH, or in
 * development a directory under DATA_DIR (so the demo has anchors to compare with).
 */
export function auditAnchorPath(config: Readonly<Env>): string | undefined {
  if (config.AUDIT_ANCHOR_PATH) return config.AUDIT_ANCHOR_PATH;
  return config.NODE_ENV === 'development' ? `${config.DATA_DIR.replace(/\/$/, '')}/audit-anchors/` : undefined;
}

let loaded: Readonly<Env> | undefined;

/** The process configuration, parsed on first use. */
export function config(): Readonly<Env> {
  loaded ??= parseConfig(process.env);
  return loaded;
}
