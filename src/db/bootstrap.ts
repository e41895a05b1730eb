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
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets> & Omit<LocalSecrets, 'auditSigningKey'>;
    if (stored.auditSigningKey) return stored as LocalSecrets;
    // A data directory from before Ed25519 checkpoints: add its signing key once, keep the rest.
    const upgraded: LocalSecrets = { ...stored, auditSigningKey: secret() };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const fresh: LocalSecrets = {
    postgresPassword: secret(),
    appPassword: secret(),
    sessionSecret: secret(),
    jwtSecret: secret(),
    auditSigningKey: secret(),
  };
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
  const host = `127.0.0.1:${config.EMBEDDED_PG_PORT}`;
  const adminUrl = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(local.postgresPassword)}@${host}/${database}`;
  let stop = async () => {};
  if (!(await canConnect(adminUrl('postgres')))) {
    const server = await startEmbeddedPostgres({
      dir: config.DATA_DIR,
      port: config.EMBEDDED_PG_PORT,
      password: local.postgresPassword,
      log: options.log,
    });
    stop = server.stop;
  }
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
