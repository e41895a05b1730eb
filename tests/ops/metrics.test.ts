import { spawnSync } from 'node:child_process';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { jobQueueDepthSource, metricsAccess, metricsRouter, normaliseMountPath } from '../../src/http/metrics.js';
import { errorHandler } from '../../src/http/middleware/error-handler.js';
import { requestId } from '../../src/http/middleware/request-id.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createJobSender, QUEUES } from '../../src/modules/jobs/jobs.queues.js';
import { ensureJobSchema } from '../../src/modules/jobs/jobs.schema.js';
import { AppError } from '../../src/lib/errors.js';
import { recordJobFailure, recordLoginFailure, registerQueueDepthSource } from '../../src/lib/metrics.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { requireTool } from './helpers/tools.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';

/** The value of one sample line `name{labels} value` in an exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries([...inside.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  let t: TestContext;
  let app: express.Express;

  beforeAll(async () => {
    t = await createTestContext();
    // A nested router mounted under a parameter, as the API's sub-resources are.
    const items = express.Router({ mergeParams: true });
    items.get('/:itemId', (req, res) => {
      res.json({ id: req.params.itemId });
    });
    items.get('/:itemId/fail', () => {
      throw new AppError({ code: 'TEST.CONFLICT', kind: 'CONFLICT' });
    });
    const api = express.Router();
    api.use('/things/:thingId/items', items);
    app = createApp(t.runtime, { mounts: [{ path: '/test', router: api }] });
  });
  afterAll(async () => t.close());

  it('serves the Prometheus text format with request latency by route pattern, not raw URL', async () => {
    const thing = 'a3bb189e-8bf9-3888-9912-ace4e6543002';
    for (const id of ['1', '2', '3']) {
      expect((await request(app).get(`/test/things/${thing}/items/${id}`)).status).toBe(200);
    }
    // An error thrown in a nested router still gets the pattern it matched.
    expect((await request(app).get(`/test/things/${thing}/items/9/fail`)).status).toBe(409);
    // A raw segment no metric value can contain by chance (a number could: "0.012345343 s" of lag).
    expect((await request(app).get('/no/such/path/raw-segment-12345')).status).toBe(404);

    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    const route = '/test/things/:id/items/:itemId';
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route, status_code: '200' })).toBe(3);
    expect(
      sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: `${route}/fail`, status_code: '409' }),
    ).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '<unmatched>', status_code: '404' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_bucket', { route, status_code: '200', le: '+Inf' })).toBe(3);
    // No raw ids in any label.
    expect(text).not.toContain(thing);
    expect(text).not.toContain('raw-segment');
    // Default process metrics are there (memory is what the soak test reads).
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('counts audit events written, login failures, job failures and reads queue depth at scrape time', async () => {
    const f = factories(t.owner.prisma, t.services);
    const before = sample((await request(app).get('/metrics')).text, 'backoffice_audit_events_written_total', {
      action: 'tenant.create',
      outcome: 'SUCCESS',
    });
    await f.tenant();
    await f.tenant();
    // A refused staff login is audited, and the audit hook counts it as a login failure.
    await expect(
      t.services.staffAuth.login(
        { correlationId: 'metrics-test' },
        { email: 'nobody@staff.test', password: 'wrong-password-123' },
      ),
    ).rejects.toThrow();
    recordLoginFailure('admin');
    recordJobFailure('export');
    const unregister = registerQueueDepthSource(async () => [
      { queue: 'export', state: 'created', count: 7 },
      { queue: 'export', state: 'active', count: 1 },
    ]);
    const hanging = registerQueueDepthSource(() => new Promise(() => {}));
    try {
      const started = Date.now();
      const text = (await request(app).get('/metrics')).text;
      // A source that never answers does not hold the scrape.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(sample(text, 'backoffice_audit_events_written_total', { action: 'tenant.create', outcome: 'SUCCESS' })).toBe(
        (before ?? 0) + 2,
      );
      expect(sample(text, 'backoffice_login_failures_total', { surface: 'admin' })).toBe(2);
      expect(sample(text, 'backoffice_job_failures_total', { queue: 'export' })).toBe(1);
      expect(sample(text, 'backoffice_job_queue_depth', { queue: 'export', state: 'created' })).toBe(7);
      expect(sample(text, 'backoffice_job_queue_depth', { queue: 'export', state: 'active' })).toBe(1);
    } finally {
      unregister();
      hanging();
    }
    const after = (await request(app).get('/metrics')).text;
    expect(sample(after, 'backoffice_job_queue_depth', { queue: 'export', state: 'created' })).toBeUndefined();
    // The timed-out source is counted (during the scrape, so it shows from the next one).
    expect(sample(after, 'backoffice_metrics_collect_errors_total', { source: 'job_queue_depth' })).toBeGreaterThanOrEqual(1);
  });

  it('reads job queue depth from pg-boss, every queue and state, zeros included', async () => {
    const source = jobQueueDepthSource(t.owner.pool);
    // Before any worker installed pg-boss's schema: nothing to report, and no error.
    expect(await source()).toEqual([]);
    await ensureJobSchema(t.db.ownerUrl);
    const empty = await source();
    expect(empty).toContainEqual({ queue: QUEUES.exportRun, state: 'created', count: 0 });
    expect(empty).toContainEqual({ queue: QUEUES.erasureUser, state: 'failed', count: 0 });
    expect(empty.length).toBe(Object.keys(QUEUES).length * 4);
    const sender = createJobSender();
    await t.services.exportRunner.db.write(buildSystemContext('test:metrics', 'all'), async (s) => {
      await sender.sendInTx(s, QUEUES.exportRun, { exportJobId: '0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21', tenantId: null });
      await sender.sendInTx(s, QUEUES.exportRun, { exportJobId: '1b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21', tenantId: null });
    });
    expect(await source()).toContainEqual({ queue: QUEUES.exportRun, state: 'created', count: 2 });
    const unregister = registerQueueDepthSource(source);
    try {
      const text = (await request(app).get('/metrics')).text;
      expect(sample(text, 'backoffice_job_queue_depth', { queue: QUEUES.exportRun, state: 'created' })).toBe(2);
      expect(sample(text, 'backoffice_job_queue_depth', { queue: QUEUES.exportRun, state: 'active' })).toBe(0);
    } finally {
      unregister();
    }
  });

  it('passes promtool check metrics', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    await request(app).get('/health');
    recordLoginFailure('api');
    const text = (await request(app).get('/metrics')).text;
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('promtool does reject a malformed exposition (the check above can fail)', () => {
    const promtool = requireTool('promtool', 'prometheus');
    const bad = '# HELP requests Requests.\n# TYPE requests counter\nrequests{route="/x"} 1\n';
    const result = spawnSync(promtool, ['check', 'metrics'], { input: bad, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
  });

  it('keeps mount-path values out of labels', () => {
    expect(normaliseMountPath('/api/v1/accounts/0f8fad5b-d9cb-469f-a165-70867728950e/transactions')).toBe(
      '/api/v1/accounts/:id/transactions',
    );
    expect(normaliseMountPath('/api/v1/me/exports/42')).toBe('/api/v1/me/exports/:id');
    expect(normaliseMountPath('/admin')).toBe('/admin');
  });
});

describe('GET /metrics access', () => {
  const appWith = (token?: string) => {
    const app = express();
    app.use(requestId);
    app.use(metricsRouter(token));
    app.use(errorHandler);
    return app;
  };

  it('with METRICS_TOKEN, answers only the bearer of that token (401 in the error shape otherwise)', async () => {
    const app = appWith('metrics-token-0123456789');
    const none = await request(app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
    const ok = await request(app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
  });

  it('without a token, answers loopback clients only; a forwarded-for header does not help', async () => {
    const app = appWith();
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '0.0.0.0', () => resolve(s));
    });
    try {
      const port = (server.address() as AddressInfo).port;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (external) {
        const res = await fetch(`http://${external}:${port}/metrics`, { headers: { 'X-Forwarded-For': '127.0.0.1' } });
        expect(res.status).toBe(401);
      } else {
        // No non-loopback interface on this machine: check the rule itself on a fake peer.
        const handler = metricsAccess(undefined);
        let error: unknown;
        handler(
          { get: () => undefined, socket: { remoteAddress: '10.1.2.3' } } as never,
          { setHeader: () => undefined } as never,
          (e?: unknown) => (error = e),
        );
        expect(error).toBeInstanceOf(AppError);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
