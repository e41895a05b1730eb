import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { AMOUNT_PATTERN } from '../../src/http/api/schemas.js';
import { READY_RETRY_AFTER_SECONDS } from '../../src/http/health.js';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from './helpers/harness.js';

type Schema = {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
  properties?: Record<string, Schema>;
};
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

/** What the document promises and what the API does are the same rules (issue 11, defect 9). */
describe('the OpenAPI document and the validation agree', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  let doc: Doc;
  let accountId: string;
  const prop = (schema: string, field: string) => doc.components.schemas[schema]!.properties![field]!;

  beforeAll(async () => {
    h = await startApi();
    u = await signUp(h, 'agreement');
    doc = (await h.http().get('/api/schema')).body as Doc;
    accountId = checked(
      await h
        .http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ name: 'Main', type: 'BANK', currency: 'EUR' }),
    ).body.id as string;
  });
  afterAll(async () => h?.close());

  const register = (password: string) =>
    h
      .http()
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', newKey())
      .send({ email: `${newKey('pw')}@example.com`, password, name: 'Pat', tenant_name: 'Home' });

  it('passwords: 12 to 256 characters at registration, at most 256 at login, as documented', async () => {
    expect(prop('RegisterRequest', 'password')).toMatchObject({ minLength: 12, maxLength: 256 });
    expect(prop('TokenRequest', 'password')).toMatchObject({ minLength: 1, maxLength: 256 });
    const short = checked(await register('Abcdefgh-12'));
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([expect.objectContaining({ field: 'password', code: 'password_too_short' })]);
    const long = checked(await register(`Aa1-${'x'.repeat(253)}`));
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([expect.objectContaining({ field: 'password', code: 'password_too_long' })]);
    expect(checked(await register(`Aa1-${'q'.repeat(252)}`)).status).toBe(201);
    const login = checked(
      await h
        .http()
        .post('/api/v1/auth/token')
        .send({ email: u.email, password: 'x'.repeat(257) }),
    );
    expect(login.status).toBe(400);
  });

  it('amounts: the documented pattern refuses zero and 16 integer digits, and so does the API', async () => {
    expect(prop('CreateTransactionRequest', 'amount').pattern).toBe(AMOUNT_PATTERN);
    // eslint-disable-next-line security/detect-non-literal-regexp -- the pattern is the API's own document, not input
    const pattern = new RegExp(AMOUNT_PATTERN);
    const post = (amount: string) =>
      h
        .http()
        .post('/api/v1/transactions')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ account_id: accountId, amount, direction: 'DEBIT' });
    for (const amount of ['0', '0.00', '000', '-1', '0000000000000001', '1234567890123456', '1e3', ' 1', '1.']) {
      expect(pattern.test(amount), amount).toBe(false);
      expect(checked(await post(amount)).status, amount).toBe(400);
    }
    for (const amount of ['0.01', '1', '123456789012345', '00.50']) {
      expect(pattern.test(amount), amount).toBe(true);
      expect(checked(await post(amount)).status, amount).toBe(201);
    }
  });

  it('text: trimmed before its limits, NUL refused, both documented', async () => {
    const name = prop('CreateCategoryRequest', 'name');
    expect(name).toMatchObject({ minLength: 1, maxLength: 80 });
    expect(name.description).toMatch(/white space is removed/);
    // eslint-disable-next-line security/detect-non-literal-regexp -- the pattern is the API's own document, not input
    expect(new RegExp(name.pattern!).test('a\u0000b')).toBe(false);
    const post = (value: string) =>
      h.http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', newKey()).send({ name: value });
    expect(checked(await post('a\u0000b')).status).toBe(400);
    expect(checked(await post('   ')).status).toBe(400);
    const trimmed = checked(await post('  Pets  '));
    expect(trimmed.status).toBe(201);
    expect(trimmed.body.name).toBe('Pets');
  });

  it('dates: the 1900–2199 range and ends_on ≥ starts_on are documented and enforced', async () => {
    const budget = doc.components.schemas.CreateBudgetRequest!.properties!;
    expect(budget.starts_on!.description).toMatch(/1900-01-01 and 2199-12-31/);
    expect(JSON.stringify(budget.ends_on)).toMatch(/on or after starts_on/);
    const categories = checked(await h.http().get('/api/v1/categories').set(u.auth)).body.data as Array<{ id: string }>;
    const post = (starts_on: string, ends_on?: string) =>
      h
        .http()
        .post('/api/v1/budgets')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({
          category_id: categories[0]!.id,
          name: 'B',
          amount: '10.00',
          currency: 'EUR',
          starts_on,
          ...(ends_on ? { ends_on } : {}),
        });
    expect(checked(await post('1899-12-31')).status).toBe(400);
    expect(checked(await post('2200-01-01')).status).toBe(400);
    const backwards = checked(await post('2025-03-10', '2025-03-01'));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual([expect.objectContaining({ field: 'ends_on', code: 'invalid' })]);
    expect(checked(await post('2025-03-01', '2025-03-31')).status).toBe(201);
  });

  it('answers hostile input with a 4xx in the error shape: lone surrogates (unauthenticated too), bad %-encoding', async () => {
    const surrogate = (path: string, body: string, auth = false) => {
      let req = h.http().post(path).set('Content-Type', 'application/json').set('Idempotency-Key', newKey());
      if (auth) req = req.set(u.auth);
      return req.send(body);
    };
    for (const [path, body, auth] of [
      ['/api/v1/auth/token', '{"email":"a\\ud800@example.com","password":"x"}', false],
      [
        '/api/v1/auth/register',
        '{"email":"a@example.com","password":"correct-Horse-battery-42","name":"\\udc00","tenant_name":"H"}',
        false,
      ],
      ['/api/v1/categories', '{"name":"Pets \\ud83d"}', true],
      ['/api/v1/auth/refresh', '{"\\ud800":"x"}', false],
    ] as const) {
      const res = checked(await surrogate(path, body, auth));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details[0], path).toMatchObject({ code: 'invalid_unicode' });
    }
    // A well-formed pair (an emoji) is fine.
    expect(checked(await surrogate('/api/v1/categories', '{"name":"Pets \\ud83d\\udc36"}', true)).status).toBe(201);
    const badPath = checked(await h.http().get('/api/v1/accounts/%E0%A4%A').set(u.auth));
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('documents the export download as the JSON it is, and Retry-After on every 409 and 503', () => {
    const download = doc.paths['/api/v1/me/exports/{id}/download']!.get!.responses['200']!;
    expect(Object.keys(download.content!)).toEqual(['application/json']);
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(methods)) {
        for (const status of ['409', '503'])
          if (operation.responses[status])
            expect(operation.responses[status].headers, `${method} ${path} ${status}`).toHaveProperty('Retry-After');
      }
  });
});

describe('GET /health/ready when not ready', () => {
  it('answers 503 with Retry-After and the per-check detail', async () => {
    const runtime = {
      config: { NODE_ENV: 'test', TRUST_PROXY: false },
      logger: (await import('../../src/lib/logger.js')).createLogger('silent'),
      pool: { query: () => Promise.reject(new Error('down')) },
    } as never;
    const app = createApp(runtime, { mounts: [{ path: '/x', router: express.Router() }] });
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(READY_RETRY_AFTER_SECONDS));
    expect(res.body).toMatchObject({
      status: 'not_ready',
      checks: { database: { status: 'fail' } },
      error: { code: 'SERVICE_UNAVAILABLE' },
    });
  });
});
