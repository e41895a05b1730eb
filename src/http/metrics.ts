import { Router, type Request, type RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../lib/errors.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import type pg from 'pg';
import { httpRequestDuration, renderMetrics, type QueueDepthSource } from '../lib/metrics.js';
import { JOB_SCHEMA, QUEUES } from '../modules/jobs/jobs.queues.js';

/** Path segments that are values rather than names: uuids, numbers, long opaque tokens. */
const VALUE_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[A-Za-z0-9_-]{20,})$/i;

/** A mount path with its values replaced by `:id` (a router mounted under a parameter has them). */
export function normaliseMountPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (VALUE_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

function patternOf(routePath: unknown): string {
  if (typeof routePath === 'string') return routePath;
  if (Array.isArray(routePath)) return routePath.map(patternOf).join('|');
  return '<regexp>';
}

/**
 * The route label of a request: its Express route pattern (`/api/v1/accounts/:id`), never the raw
 * URL, so the number of series stays bounded whatever clients send.
 *
 * Express sets `req.route` when a route matches, while `req.baseUrl` still holds the mount path of
 * the router it matched in; by the time the response finishes, an error travelling back out of
 * nested routers has already restored `req.baseUrl`. So the label is captured at the moment of the
 * match, through accessors on this one request object (no patching of Express itself).
 */
function captureRouteLabel(req: Request): () => string {
  let baseUrl = req.baseUrl;
  let route: unknown = req.route;
  let matched: string | undefined;
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set: (value: string) => {
      baseUrl = value;
    },
  });
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      if (value) matched = normaliseMountPath(baseUrl) + patternOf(value.path);
    },
  });
  return () => {
    if (matched !== undefined) return matched;
    // No route matched: a static handler or a router-level middleware answered (labelled by its
    // mount path), or nothing did.
    if (baseUrl) return `${normaliseMountPath(baseUrl)}/*`;
    return '<unmatched>';
  };
}

/** Records `http_request_duration_seconds{method,route,status_code}` for every request but scrapes. */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    if (req.path === '/metrics') {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    const label = captureRouteLabel(req);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpRequestDuration.observe({ method: req.method, route: label(), status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may scrape: with METRICS_TOKEN, a request with `Authorization: Bearer <token>` (compared in
 * constant time); without it, only a client on this machine (the TCP peer, not X-Forwarded-For:
 * a proxy's header proves nothing). Anyone else gets 401 in the error shape.
 */
export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const given = /^Bearer (.+)$/i.exec(header)?.[1];
    const allowed = expected
      ? given !== undefined && timingSafeEqual(digest(given), expected)
      : LOOPBACK.test(req.socket.remoteAddress ?? '');
    if (allowed) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    next(new AppError({ code: 'METRICS.TOKEN_REQUIRED', kind: 'UNAUTHENTICATED' }));
  };
}

/**
 * `GET /metrics` in the Prometheus text format. It carries no personal data (labels are route
 * patterns and enums) but shows traffic shape: a bearer token (METRICS_TOKEN) or, without one,
 * loopback clients only (see metricsAccess and docs/architecture.md).
 */
export function metricsRouter(token?: string): Router {
  const router = Router();
  router.get('/metrics', metricsAccess(token), (_req, res, next) => {
    renderMetrics()
      .then(({ contentType, body }) => {
        res.setHeader('Content-Type', contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      })
      .catch(next);
  });
  router.all('/metrics', methodNotAllowed(['GET', 'HEAD']));
  return router;
}

const JOB_STATES = ['created', 'retry', 'active', 'failed'] as const;

/**
 * Queue depth read from pg-boss's job table at scrape time (any process that serves /metrics can
 * report it, whether or not it runs workers): jobs waiting (created), waiting for a retry after a
 * failure (retry), running (active) and failed for good (failed, until pg-boss deletes them).
 * Every queue of the product reports every state, zero included (an alert on "failed > 0" needs
 * the series to exist). Nothing is reported while pg-boss's schema is not installed yet.
 */
export function jobQueueDepthSource(pool: Pick<pg.Pool, 'query'>): QueueDepthSource {
  return async () => {
    const installed = await pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${JOB_SCHEMA}.job`]);
    if (!installed.rows[0]?.ok) return [];
    const { rows } = await pool.query<{ queue: string; state: string; count: number }>(
      `SELECT name AS queue, state::text AS state, count(*)::int AS count
         FROM ${JOB_SCHEMA}.job
        WHERE state IN ('created', 'retry', 'active', 'failed')
        GROUP BY 1, 2`,
    );
    const depth = new Map<string, number>();
    for (const queue of Object.values(QUEUES)) for (const state of JOB_STATES) depth.set(`${queue}\u0000${state}`, 0);
    for (const row of rows) depth.set(`${row.queue}\u0000${row.state}`, row.count);
    return [...depth].map(([key, count]) => {
      const [queue, state] = key.split('\u0000') as [string, string];
      return { queue, state, count };
    });
  };
}
