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
  auditCheckpointKey: string;
}

interface LocalSecrets extends Secrets {
  postgresPassword: string;
  appPassword: string;
}

export interface Database {
  /** URL the application uses (its own role, INSERT/SELECT only on append-only tables). */
  appUrl: string;
  /** URL of the owner that applies migrations. */
  ownerUrl: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * Development secrets, generated once per data directory and kept there (never in the
 * repository). Production must configure its own (config.ts refuses to start without them).
 */
function loadLocalSecrets(dataDir: string): LocalSecrets {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const fresh: LocalSecrets = {
    postgresPassword: secret(),
    appPassword: secret(),
    sessionSecret: secret(),
    jwtSecret: secret(),
    auditCheckpointKey: secret(),
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
    auditCheckpointKey: pick(config.AUDIT_CHECKPOINT_KEY, local?.auditCheckpointKey, 'AUDIT_CHECKPOINT_KEY'),
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
