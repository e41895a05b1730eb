import express, { type Express, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Runtime } from '../runtime.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { requestId } from './middleware/request-id.js';
import { healthRouter, type ReadinessProbe } from './health.js';
import { httpMetrics, metricsRouter } from './metrics.js';

/** The tenant of an API user's request (staff act across tenants: none). An id, not personal data. */
function tenantOf(res: unknown): { tenant_id: string } | undefined {
  const actor = (res as { locals?: { ctx?: { actor?: { type?: string; tenantId?: string } } } }).locals?.ctx?.actor;
  return actor?.type === 'USER' && actor.tenantId ? { tenant_id: actor.tenantId } : undefined;
}

/** Paths whose responses are never HTML (JSON probes, the Prometheus text format). */
const NEVER_HTML = new Set(['/health', '/health/ready', '/metrics']);

export interface AppOptions {
  /** Extra routers mounted before the 404 handler (admin, API), each with its mount path. */
  mounts?: Array<{ path: string; router: Router | Express }>;
  readinessProbes?: ReadinessProbe[];
}

/**
 * Composes the Express application. Tests call this with a runtime on a test database;
 * main.ts calls it with the real one.
 */
export function createApp(runtime: Runtime, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', runtime.config.TRUST_PROXY);
  app.use(requestId);
  app.use(httpMetrics());
  app.use(
    pinoHttp({
      logger: runtime.logger,
      genReqId: (req) => req.id,
      // Re-evaluated when the response finishes, over the request's logger (which already has the
      // correlation id): by then an API request knows its tenant, added without repeating a key.
      customProps: (req, res) => tenantOf(res) ?? { correlation_id: req.id },
      // URLs may carry ids but never personal data; bodies are never logged.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  const nonce = (_req: unknown, res: ServerResponse) =>
    `'nonce-${String((res as unknown as { locals: { cspNonce: string } }).locals.cspNonce)}'`;
  const headers = (scriptSrc: Array<string | typeof nonce>) =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': scriptSrc,
          // AdminJS's components (styled-components) write <style> elements and style attributes
          // at run time, without a nonce: styles keep 'unsafe-inline' (see docs/security.md).
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': runtime.config.NODE_ENV === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: runtime.config.NODE_ENV === 'production',
    });
  // A fresh nonce per response: the admin's pages mark their inline scripts with it
  // (admin/layout.ts), so scripts need no 'unsafe-inline'. The probes and the metrics scrape are
  // never HTML: they get the same policy with no nonce at all, built once (they are the most
  // frequent requests, from load balancers and Prometheus).
  const withNonce = headers(["'self'", nonce]);
  const withoutScripts = headers(["'self'"]);
  app.use((req, res, next) => {
    if (NEVER_HTML.has(req.path)) return withoutScripts(req, res, next);
    res.locals.cspNonce = randomBytes(18).toString('base64');
    withNonce(req, res, next);
  });
  app.use(metricsRouter(runtime.config.METRICS_TOKEN));
  app.use(healthRouter(runtime, options.readinessProbes));
  for (const mount of options.mounts ?? []) app.use(mount.path, mount.router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
