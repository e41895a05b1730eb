import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { parseConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createServices, type Services } from '../../src/services.js';
import { generateSigningKey } from '../../src/modules/audit/audit.signing.js';

export interface StartedApp {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  runtime: Runtime;
  services: Services;
  server: Server;
  close: () => Promise<void>;
}

export interface StartAppOptions {
  /** The application role's database URL (e.g. BenchPostgres.appUrl). */
  appUrl: string;
  ownerUrl?: string;
  /** Environment overrides (same variables as .env.example). */
  env?: Record<string, string>;
  /**
   * Where logs go. Default 'null': written at LOG_LEVEL (info) to /dev/null, so the bench pays
   * for logging as production does without flooding the terminal.
   */
  logs?: 'null' | 'stdout' | 'silent';
  port?: number;
  /** Fixed secrets (two apps that must accept each other's tokens); default random. */
  secrets?: Runtime['secrets'];
}

/** Bench defaults: rate limits out of the way (one client IP sends everything), no workers. */
export const BENCH_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
  RATE_LIMIT_PER_MINUTE: '100000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
  RUN_WORKER: 'false',
  DATABASE_POOL_SIZE: '20',
};

/**
 * The whole HTTP surface (buildServer: health, metrics, API, admin) in this process on a port of
 * 127.0.0.1, over the given database. Drive it with runLoad (which loads from a worker thread).
 */
export async function startApp(options: StartAppOptions): Promise<StartedApp> {
  const env: Record<string, string> = { ...BENCH_ENV, DATABASE_URL: options.appUrl, ...options.env };
  if (options.logs === 'silent') env.LOG_LEVEL = 'silent';
  const config = parseConfig(env);
  const destination = options.logs === 'stdout' ? pino.destination(1) : pino.destination({ dest: '/dev/null', sync: false });
  const secret = () => randomBytes(32).toString('base64url');
  const runtime = createRuntime({
    config,
    secrets: options.secrets ?? {
      sessionSecret: secret(),
      jwtSecret: secret(),
      accountTokenKey: secret(),
      auditSigningKey: generateSigningKey().privateKey,
    },
    logger: createLogger(config.LOG_LEVEL, destination),
    appUrl: options.appUrl,
    ownerUrl: options.ownerUrl ?? options.appUrl,
  });
  const services = createServices(runtime);
  const app = await buildServer(runtime, services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runtime,
    services,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // A load run ends by dropping its connections mid-request; the handlers keep running (their
      // transactions commit). Closing Prisma under a running transaction can wait forever, so let
      // them finish first, and never let a close hold up the whole bench.
      await new Promise((r) => setTimeout(r, 1_500));
      await Promise.race([runtime.close(), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
