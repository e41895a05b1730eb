import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypes, lintDocument, openApiDocument, TYPES_FILE } from './tools/api-tools.js';
import { startApi, type ApiHarness } from './helpers/harness.js';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        requestBody?: { content: Record<string, { example?: unknown }> };
        responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
      }
    >
  >;
};

describe('the OpenAPI contract', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is OpenAPI 3.1, served at /api/schema exactly as generated from the zod schemas', async () => {
    const res = await h.http().get('/api/schema');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documents every operation of SPEC §4.3 that exists, each with an example request and response', () => {
    const doc = openApiDocument() as unknown as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, op })),
    );
    const keys = operations.map((o) => o.key);
    for (const expected of [
      'POST /api/v1/auth/register',
      'POST /api/v1/auth/token',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/logout',
      'GET /api/v1/me',
      'GET /api/v1/accounts',
      'POST /api/v1/accounts',
      'GET /api/v1/accounts/{id}',
      'GET /api/v1/transactions',
      'POST /api/v1/transactions',
      'POST /api/v1/transactions/{id}/adjustments',
      'GET /api/v1/categories',
      'POST /api/v1/categories',
      'GET /api/v1/budgets',
      'POST /api/v1/budgets',
      'POST /api/v1/me/exports',
      'GET /api/v1/me/exports/{id}',
      'DELETE /api/v1/me',
      'PATCH /api/v1/me',
      'GET /api/v1/me/consents',
      'PUT /api/v1/me/consents',
      'POST /api/v1/auth/password-reset',
      'POST /api/v1/auth/password-reset/confirm',
      'POST /api/v1/auth/verify-email',
      'POST /api/v1/me/email-verification',
    ])
      expect(keys).toContain(expected);
    for (const { key, op } of operations) {
      if (op.requestBody) expect(op.requestBody.content['application/json']!.example, `${key} request example`).toBeDefined();
      const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))!;
      const json = success[1].content?.['application/json'];
      // (a file download documents a binary body: nothing to exemplify)
      if (json) expect(json.example, `${key} response example`).toBeDefined();
      for (const [status, response] of Object.entries(op.responses))
        if (!status.startsWith('2'))
          expect(response.content?.['application/json']?.example, `${key} ${status} example`).toBeDefined();
    }
  });

  it('passes @redocly/cli lint with no errors and no warnings', () => {
    const { status, output } = lintDocument();
    expect(output).toMatch(/valid/i);
    expect(status, output).toBe(0);
    expect(output).not.toMatch(/\d+:\d+\s+(warning|error)\s|You have \d+ warning/);
  }, 120_000);

  it('has a typed client whose generated types are up to date (npm run api:types)', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await generateTypes());
  }, 60_000);

  it('serves interactive docs at /api/docs from the local swagger-ui package (no CDN)', async () => {
    const page = await h.http().get('/api/docs/').redirects(1);
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/(src|href)="https?:\/\//);
    const init = await h.http().get('/api/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/api/v1/transactions');
    const bundle = await h.http().get('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.text.length).toBeGreaterThan(100_000);
  });
});
