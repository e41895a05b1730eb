import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createServices } from '../../src/services.js';
import { createTestDatabase, TEST_SECRETS, type TestDatabase } from '../helpers/db.js';

/** The whole HTTP surface (health, API, admin, 404s) built for one NODE_ENV. */
async function surface(db: TestDatabase, nodeEnv: 'production' | 'development'): Promise<{ app: Express; runtime: Runtime }> {
  const config = parseConfig({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.appUrl,
    SESSION_SECRET: TEST_SECRETS.sessionSecret,
    JWT_SECRET: TEST_SECRETS.jwtSecret,
    ACCOUNT_TOKEN_SECRET: TEST_SECRETS.accountTokenKey,
    AUDIT_SIGNING_KEY: TEST_SECRETS.auditSigningKey,
    RUN_WORKER: 'false',
  });
  const runtime = createRuntime({
    config,
    secrets: TEST_SECRETS,
    logger: createLogger('silent'),
    appUrl: db.appUrl,
    ownerUrl: db.ownerUrl,
  });
  return { app: await buildServer(runtime, createServices(runtime)), runtime };
}

/** One path of each kind of answer: liveness, API (unauthenticated), admin login page, unknown route. */
const PATHS = ['/health', '/api/v1/me', '/admin/login', '/no/such/route'];

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
  );
}

describe('security headers', () => {
  let db: TestDatabase;
  let production: { app: Express; runtime: Runtime };
  let development: { app: Express; runtime: Runtime };

  beforeAll(async () => {
    db = await createTestDatabase();
    production = await surface(db, 'production');
    development = await surface(db, 'development');
  });
  afterAll(async () => {
    await production?.runtime.close();
    await development?.runtime.close();
    await db?.drop();
  });

  it.each(PATHS)('%s carries a strict CSP with frame-ancestors none, and the other helmet headers', async (path) => {
    const res = await request(production.app).get(path);
    expect(res.status).toBeLessThan(500);
    const csp = directives(res.headers['content-security-policy'] ?? '');
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'self'");
    expect(csp.get('form-action')).toBe("'self'");
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // No URL leaves for another origin (the admin sends same-origin referrers for its CSRF check).
    expect(['no-referrer', 'same-origin']).toContain(res.headers['referrer-policy']);
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it.each(PATHS)('%s sends HSTS (a year, subdomains) when NODE_ENV=production', async (path) => {
    const res = await request(production.app).get(path);
    const hsts = res.headers['strict-transport-security'] ?? '';
    expect(hsts).toMatch(/max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(hsts)![1])).toBeGreaterThanOrEqual(31_536_000);
    expect(hsts).toContain('includeSubDomains');
  });

  it('sends no HSTS and no upgrade-insecure-requests in development (plain http on localhost)', async () => {
    for (const path of PATHS) {
      const res = await request(development.app).get(path);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      const csp = directives(res.headers['content-security-policy'] ?? '');
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
    }
  });

  it('does not let scripts or frames come from other origins', async () => {
    const csp = directives((await request(production.app).get('/admin/login')).headers['content-security-policy'] ?? '');
    for (const name of ['script-src', 'frame-src', 'connect-src', 'default-src']) {
      const value = csp.get(name) ?? csp.get('default-src')!;
      expect(value).not.toMatch(/(^|\s)(\*|https?:|data:)(\s|$)/);
    }
  });
});
