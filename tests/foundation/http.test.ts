import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { AppError } from '../../src/lib/errors.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { createTestContext, TEST_SECRETS, type TestContext } from '../helpers/db.js';

const ERROR_SHAPE = {
  error: {
    code: expect.any(String),
    message: expect.any(String),
    details: expect.any(Array),
    correlation_id: expect.any(String),
  },
};

describe('HTTP foundation', () => {
  let t: TestContext;
  let app: express.Express;

  beforeAll(async () => {
    t = await createTestContext();
    const failing = express.Router();
    failing.get('/boom', () => {
      throw new Error('SELECT secret FROM users; stack at db.ts:12');
    });
    failing.get('/conflict', () => {
      throw new AppError({
        code: 'TENANT.NOT_ACTIVE',
        kind: 'CONFLICT',
        details: [{ field: 'status', code: 'invalid', message: 'x' }],
      });
    });
    failing.post('/echo', express.json({ limit: '1kb' }), (req, res) => {
      res.json(req.body);
    });
    app = createApp(t.runtime, { mounts: [{ path: '/test', router: failing }] });
  });
  afterAll(async () => t.close());

  it('GET /health answers 200 without touching dependencies', async () => {
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready checks the database', async () => {
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.database.status).toBe('ok');
  });

  it('GET /health/ready answers 503 with per-check detail when the database is down', async () => {
    const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgresql://nobody:x@127.0.0.1:1/none' });
    const down = createRuntime({
      config,
      secrets: TEST_SECRETS,
      logger: createLogger('silent'),
      appUrl: config.DATABASE_URL!,
      ownerUrl: config.DATABASE_URL!,
    });
    try {
      const res = await request(createApp(down)).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('not_ready');
      expect(res.body.checks.database.status).toBe('fail');
      expect(res.body).toMatchObject(ERROR_SHAPE);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.body.error.details[0].field).toBe('database');
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
      // liveness is unaffected
      expect((await request(createApp(down)).get('/health')).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('echoes a valid X-Request-Id and uses it as the correlation id', async () => {
    const res = await request(app).get('/nowhere').set('X-Request-Id', 'req-abc-12345');
    expect(res.headers['x-request-id']).toBe('req-abc-12345');
    expect(res.body.error.correlation_id).toBe('req-abc-12345');
  });

  it('generates a request id when absent or malformed', async () => {
    const res = await request(app).get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await request(app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('hides internals of unexpected errors behind a 500 with the correlation id', async () => {
    const res = await request(app).get('/test/boom');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/SELECT|stack|db\.ts/);
  });

  it('maps AppError kinds to statuses and keeps field details', async () => {
    const res = await request(app).get('/test/conflict');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.details).toEqual([{ field: 'status', code: 'invalid', message: expect.any(String) }]);
  });

  it('translates messages by Accept-Language', async () => {
    const en = await request(app).get('/no/such/route').set('Accept-Language', 'en');
    const es = await request(app).get('/no/such/route').set('Accept-Language', 'es-ES,es;q=0.9');
    expect(en.body.error.message).toBe('There is no such endpoint.');
    expect(es.body.error.message).toBe('No existe ese endpoint.');
  });

  it('answers malformed JSON with 400 and oversized bodies with 413, in the error shape', async () => {
    const bad = await request(app).post('/test/echo').set('Content-Type', 'application/json').send('{"a":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    const big = await request(app)
      .post('/test/echo')
      .send({ a: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject(ERROR_SHAPE);
  });

  it('sets security headers (CSP with frame-ancestors, no x-powered-by)', async () => {
    const res = await request(app).get('/health');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
