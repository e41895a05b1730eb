import { config as loadConfig, ConfigError, type Env } from './config.js';
import { openDatabase, resolveSecrets, type Database } from './db/bootstrap.js';
import { createLogger, wantsPrettyLogs, type Logger } from './lib/logger.js';
import { rowLevelSecurityGaps } from './db/tenant-set.js';
import { createRuntime, type Runtime } from './runtime.js';
import { createServices, type Services } from './services.js';

export interface Started {
  config: Readonly<Env>;
  database: Database;
  runtime: Runtime;
  services: Services;
  logger: Logger;
  shutdown: () => Promise<void>;
}

/** Reads configuration or exits with one line per bad variable. */
export function loadConfigOrExit(): Readonly<Env> {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) process.stderr.write(`Configuration error: ${problem}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Opens (and migrates) the database and builds the runtime and services: shared by server and CLI. */
export async function start(options: { logger?: Logger } = {}): Promise<Started> {
  const config = loadConfigOrExit();
  const logger =
    options.logger ??
    createLogger(config.LOG_LEVEL, undefined, { pretty: wantsPrettyLogs(config.NODE_ENV, process.stdout.isTTY) });
  const database = await openDatabase(config, {
    log: (line) => logger.debug({ component: 'embedded-postgres' }, line),
  });
  const secrets = resolveSecrets(config);
  const runtime = createRuntime({ config, secrets, logger, appUrl: database.appUrl, ownerUrl: database.ownerUrl });
  const services = createServices(runtime);
  // Row-level security binds only a role that neither owns the tables nor bypasses it (ADR 0011).
  const gaps = await rowLevelSecurityGaps(runtime.pool).catch((err: unknown) => [`not checked: ${(err as Error).message}`]);
  if (gaps.length && config.DATABASE_ROW_LEVEL_SECURITY)
    logger.warn(
      { gaps },
      'DATABASE_URL connects as a role that row-level security does not bind: tenant isolation rests on the application alone',
    );
  return {
    config,
    database,
    runtime,
    services,
    logger,
    shutdown: async () => {
      await runtime.close();
      await database.stop();
    },
  };
}
