import { startLiveServer, type LiveServer } from './helpers/server.js';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../bench/lib/api-client.js';
import { createLogger } from '../../src/lib/logger.js';
import { DEMO_STAFF, DEMO_USER_PASSWORD } from '../../src/modules/seed/demo-data.js';
import { createTestDatabase, TEST_SECRETS, type TestDatabase } from '../helpers/db.js';

/**
 * A representative flow (register, API login and failures, reads and writes, refresh, admin logins
 * of every demo role with a failure, admin pages, logout) with LOG_LEVEL=info into a captured
 * stream — plus anything written to the console or stdout/stderr meanwhile. None of the demo
 * users' emails, names, phone numbers or passwords, no secret (JWT, session, checkpoint key), no
 * token or session cookie and no amount may appear in it.
 */
describe('logs carry no personal data or secrets', () => {
  let db: TestDatabase;
  let live: LiveServer;
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    live = await startLiveServer({
      appUrl: db.appUrl,
      ownerUrl: db.ownerUrl,
      env: { LOG_LEVEL: 'info' },
      logger: createLogger('info', capture),
    });
    await live.services.seed.demo({ tenants: 2, transactions: 40 });
  });

  afterAll(async () => {
    await live?.close();
    await db?.drop();
  });

  it('after a full flow, the captured output contains none of them', async () => {
    const demoUser = await live.owner.user.findFirstOrThrow({ where: { email: { startsWith: 'user1.' } } });
    const api = apiClient(live.url);
    const forbidden: string[] = [];
    const stray: string[] = [];
    const originals = {
      out: process.stdout.write.bind(process.stdout),
      err: process.stderr.write.bind(process.stderr),
      log: console.log,
      info: console.info,
      warn: console.warn,
      error: console.error,
      debug: console.debug,
    };
    const grab = (...args: unknown[]) => {
      stray.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    };
    process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
      stray.push(String(chunk));
      return (originals.out as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
    process.stderr.write = (chunk: unknown, ...rest: unknown[]) => {
      stray.push(String(chunk));
      return (originals.err as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
    console.log = console.info = console.warn = console.error = console.debug = grab;

    const amount = '98765.43';
    const correlationId = 'ops-log-flow-0001';
    try {
      // Public API: a new registration, the demo user's logins (a failure first), reads, writes.
      const registered = await api.registerAndLogin({
        name: 'Philippa Quartermaine',
        email: 'philippa.quartermaine@example.test',
      });
      forbidden.push(registered.email, registered.name, registered.password, registered.accessToken, registered.refreshToken);
      expect(
        (
          await api.call('POST', '/api/v1/auth/token', {
            body: { email: demoUser.email, password: 'not-the-password-123' },
            idempotencyKey: false,
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await api.call('POST', '/api/v1/auth/token', {
            body: { email: 'nobody.at.all@example.test', password: DEMO_USER_PASSWORD },
            idempotencyKey: false,
          })
        ).status,
      ).toBe(401);
      forbidden.push('nobody.at.all@example.test', 'not-the-password-123');
      const tokens = await api.login(demoUser.email, DEMO_USER_PASSWORD);
      forbidden.push(tokens.accessToken, tokens.refreshToken, tokens.accessToken.split('.')[2]!);
      expect(
        (await api.call('GET', '/api/v1/me', { token: tokens.accessToken, headers: { 'x-request-id': correlationId } })).status,
      ).toBe(200);
      const account = await api.createAccount(tokens.accessToken, { name: 'Everyday' });
      await api.createTransaction(tokens.accessToken, account, { amount, description: 'Gift from aunt Philippa' });
      expect((await api.call('GET', '/api/v1/transactions?limit=10', { token: tokens.accessToken })).status).toBe(200);
      expect((await api.call('GET', `/api/v1/accounts/${account.id}`, { token: tokens.accessToken })).status).toBe(200);
      // Rejections: validation (amount in the body), conflict (email taken).
      expect(
        (
          await api.call('POST', '/api/v1/transactions', {
            token: tokens.accessToken,
            body: { account_id: account.id, amount: '12345.678.9', direction: 'DEBIT' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api.call('POST', '/api/v1/auth/register', {
            body: { email: demoUser.email, password: 'Another-long-password-9', name: demoUser.name, tenant_name: 'Dup' },
          })
        ).status,
      ).toBe(409);
      const refreshed = await api.call<{ access_token: string; refresh_token: string }>('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: tokens.refreshToken },
        idempotencyKey: false,
      });
      expect(refreshed.status).toBe(200);
      forbidden.push(refreshed.body.access_token, refreshed.body.refresh_token);

      // Admin: every demo role logs in (superadmin fails once first), opens pages, logs out.
      const adminLogin = async (email: string, password: string) => {
        const res = await fetch(`${live.url}/admin/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email, password }).toString(),
        });
        await res.text();
        return { status: res.status, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
      };
      expect((await adminLogin(DEMO_STAFF[0].email, 'wrong-password-for-admin')).status).toBe(401);
      forbidden.push('wrong-password-for-admin');
      for (const staff of DEMO_STAFF) {
        const login = await adminLogin(staff.email, staff.password);
        expect(login.status).toBe(302);
        forbidden.push(login.cookie!.split('=')[1]!);
        for (const path of [
          '/admin/api/dashboard',
          '/admin/api/resources/User/actions/list',
          `/admin/api/resources/User/records/${demoUser.id}/show`,
        ]) {
          const res = await fetch(`${live.url}${path}`, { headers: { cookie: login.cookie! }, redirect: 'manual' });
          await res.text();
          expect(res.status).toBeLessThan(500);
        }
        await (await fetch(`${live.url}/admin/logout`, { headers: { cookie: login.cookie! }, redirect: 'manual' })).text();
      }
      // Let pino flush what is buffered.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
      Object.assign(console, {
        log: originals.log,
        info: originals.info,
        warn: originals.warn,
        error: originals.error,
        debug: originals.debug,
      });
    }

    for (const staff of DEMO_STAFF) forbidden.push(staff.email, staff.name, staff.password);
    forbidden.push(demoUser.email, demoUser.name, DEMO_USER_PASSWORD, amount);
    if (demoUser.phone) forbidden.push(demoUser.phone, demoUser.phone.replaceAll(' ', ''));
    forbidden.push(TEST_SECRETS.jwtSecret, TEST_SECRETS.sessionSecret, TEST_SECRETS.auditCheckpointKey);

    const output = [...lines, ...stray].join('\n');
    // The capture works: request lines with their correlation ids are there.
    expect(lines.length).toBeGreaterThan(20);
    expect(output).toContain('/api/v1/auth/token');
    expect(output).toContain('/admin/login');
    expect(output).toContain(correlationId);
    // An API request's line carries its tenant id (SPEC §4.5), not who the user is.
    const meLine = lines.find((l) => l.includes(correlationId) && l.includes('"statusCode":200'));
    expect(meLine).toContain(`"tenant_id":"${demoUser.tenantId}"`);
    expect(meLine!.match(/"correlation_id"/g)).toHaveLength(1);
    const lower = output.toLowerCase();
    const leaked = forbidden.filter((s) => s && s.length >= 4 && lower.includes(s.toLowerCase()));
    expect(leaked).toEqual([]);
  });
});
