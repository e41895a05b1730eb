// The HTTP surface first: its OpenAPI extension of zod must load before the domain schemas.
import { buildServer } from '../../../src/http/server.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { parseConfig } from '../../../src/config.js';
import { createLogger, type Logger } from '../../../src/lib/logger.js';
import { createPrisma, type PrismaClient } from '../../../src/db/prisma.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { createServices, type Services } from '../../../src/services.js';
import { TEST_SECRETS } from '../../helpers/db.js';

export interface LiveServer {
  url: string;
  runtime: Runtime;
  /** The owner's client (row-level security does not apply): for fixtures and assertions only. */
  owner: PrismaClient;
  services: Services;
  server: Server;
  close: () => Promise<void>;
}

/**
 * The whole HTTP surface (buildServer) listening on a free port of 127.0.0.1 in this process, over
 * the given database, for tests that need real sockets (fault injection, fetch with redirects).
 */
export async function startLiveServer(options: {
  appUrl: string;
  ownerUrl: string;
  env?: Record<string, string>;
  logger?: Logger;
}): Promise<LiveServer> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.appUrl,
    RUN_WORKER: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  });
  const runtime = createRuntime({
    config,
    secrets: TEST_SECRETS,
    logger: options.logger ?? createLogger(config.LOG_LEVEL),
    appUrl: options.appUrl,
    ownerUrl: options.ownerUrl,
  });
  const services = createServices(runtime);
  const app = await buildServer(runtime, services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const owner = createPrisma(options.ownerUrl, 2);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runtime,
    owner,
    services,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await owner.$disconnect();
      await runtime.close();
    },
  };
}

/** Polls fn until it returns true or the timeout passes; returns whether it did. */
export async function waitFor(fn: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return true;
    } catch {
      // keep polling
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The SPEC §4.3 error shape. */
export function isErrorShape(body: unknown): boolean {
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  return (
    !!e &&
    typeof e.code === 'string' &&
    typeof e.message === 'string' &&
    Array.isArray(e.details) &&
    typeof e.correlation_id === 'string'
  );
}
