import { z } from 'zod';

/**
 * Every setting the process reads, validated once at start-up. Nothing else reads process.env.
 * Secrets have no fallback outside development; in development (embedded database) the
 * bootstrap generates them once and keeps them under DATA_DIR.
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const duration = z.coerce.number().int().positive();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().optional(),
  DATABASE_OWNER_URL: z.url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  REDIS_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_IDLE_MINUTES: duration.default(30),
  SESSION_ABSOLUTE_HOURS: duration.default(12),
  JWT_SECRET: z.string().min(32).optional(),
  AUDIT_CHECKPOINT_KEY: z.string().min(32).optional(),
  AUDIT_CHECKPOINT_EVERY: duration.default(100),
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
    const missing = (['DATABASE_URL', 'SESSION_SECRET', 'JWT_SECRET', 'AUDIT_CHECKPOINT_KEY'] as const).filter((k) => !config[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when NODE_ENV=production`));
  }
  return Object.freeze(config);
}

let loaded: Readonly<Env> | undefined;

/** The process configuration, parsed on first use. */
export function config(): Readonly<Env> {
  loaded ??= parseConfig(process.env);
  return loaded;
}
