import { isErrorShape, startLiveServer, waitFor, type LiveServer } from './helpers/server.js';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type RegisteredUser } from '../../bench/lib/api-client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

/**
 * Redis stopped and restarted while the server is serving (runbooks/redis-outage.md):
 * - the public API keeps working (rate limits fail open, per-account lockout still holds);
 * - admin requests that need the session store answer 503 in the error shape, never 500, never hang;
 * - /health/ready reports redis failing (503, per-check detail) and then recovering, on its own;
 * - sessions that lived in Redis are gone if Redis lost its data: staff log in again;
 * - nothing crashes (no unhandled rejection or exception in the process).
 */
/** A strict auth budget, so the test sees the limit open during the outage and apply again after. */
const AUTH_LIMIT = 10;

describe('Redis outage while serving', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let live: LiveServer;
  let user: RegisteredUser;
  let account: { id: string; currency: string };
  const staffEmail = `ops-redis-${Date.now()}@staff.test`;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    redis = await startRedis();
    db = await createTestDatabase();
    live = await startLiveServer({
      appUrl: db.appUrl,
      ownerUrl: db.ownerUrl,
      env: { REDIS_URL: redis.url, AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) },
    });
    await factories(live.owner, live.services).staff('SUPERADMIN', { email: staffEmail });
    const api = apiClient(live.url);
    user = await api.registerAndLogin();
    account = await api.createAccount(user.accessToken);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await live?.close();
    await redis?.destroy();
    await db?.drop();
  });

  const ready = async () => {
    const res = await fetch(`${live.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { status: string }> } };
  };

  async function adminLogin(): Promise<{ status: number; cookie?: string; location?: string | null }> {
    const res = await fetch(`${live.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: staffEmail, password: STRONG_PASSWORD }).toString(),
      signal: AbortSignal.timeout(5_000),
    });
    await res.text();
    const cookie = res.headers
      .getSetCookie()
      .find((c) => !c.includes('Expires=Thu, 01 Jan 1970'))
      ?.split(';')[0];
    return { status: res.status, cookie, location: res.headers.get('location') };
  }

  const adminApi = (cookie: string) =>
    fetch(`${live.url}/admin/api/dashboard`, {
      headers: { cookie, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });

  it('serves, degrades and recovers', async () => {
    const api = apiClient(live.url);

    // --- Redis up: ready, admin sessions stored in Redis, rate-limit counters in Redis.
    expect(await waitFor(async () => (await ready()).status === 200, 10_000)).toBe(true);
    expect((await ready()).body.checks.redis?.status).toBe('ok');
    const login = await adminLogin();
    expect(login.status).toBe(302);
    expect(login.cookie).toBeDefined();
    expect((await adminApi(login.cookie!)).status).toBe(200);
    expect((await api.call('GET', '/api/v1/accounts', { token: user.accessToken })).status).toBe(200);
    const inspect = createClient({ url: redis.url });
    await inspect.connect();
    const keys = await inspect.keys('*');
    await inspect.quit();
    expect(keys.some((k) => k.includes('admin-sess'))).toBe(true);
    expect(keys.some((k) => k.startsWith('rl:'))).toBe(true);

    // --- Redis stops.
    await redis.stop();

    // Readiness reports it (503, per-check detail, error shape); liveness does not care.
    expect(await waitFor(async () => (await ready()).status === 503, 10_000)).toBe(true);
    const down = await ready();
    expect(down.body.checks.redis?.status).toBe('fail');
    expect(down.body.checks.database?.status).toBe('ok');
    expect(isErrorShape(down.body)).toBe(true);
    expect((await fetch(`${live.url}/health`)).status).toBe(200);

    // The public API keeps working, reads and audited idempotent writes, without slowing to a crawl.
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      expect((await api.call('GET', '/api/v1/accounts', { token: user.accessToken })).status).toBe(200);
      await api.createTransaction(user.accessToken, account, { amount: `${i + 1}.00` });
      expect(Date.now() - started).toBeLessThan(3_000);
    }
    // Auth keeps working, and its rate limit fails open (documented): more logins than the budget pass.
    const token = () =>
      api.call('POST', '/api/v1/auth/token', { body: { email: user.email, password: user.password }, idempotencyKey: false });
    for (let i = 0; i < AUTH_LIMIT + 5; i++) expect((await token()).status).toBe(200);

    // The admin needs its session store: 503 in the error shape, quickly; never a 500.
    const started = Date.now();
    const during = await adminApi(login.cookie!);
    expect(during.status).toBe(503);
    expect(isErrorShape(await during.json())).toBe(true);
    expect(during.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(3_000);
    const loginDuring = await adminLogin();
    expect(loginDuring.status).toBe(503);

    // --- Redis comes back (empty, as after a loss): everything recovers without a restart.
    await redis.start();
    expect(await waitFor(async () => (await ready()).status === 200, 20_000)).toBe(true);
    expect((await ready()).body.checks.redis?.status).toBe('ok');
    // The old session lived in Redis and is gone: back to the login page, not an error.
    const old = await adminApi(login.cookie!);
    expect([302, 401]).toContain(old.status);
    const again = await adminLogin();
    expect(again.status).toBe(302);
    expect((await adminApi(again.cookie!)).status).toBe(200);
    expect((await api.call('GET', '/api/v1/accounts', { token: user.accessToken })).status).toBe(200);
    // Shared rate limits apply again (the counters start from zero in the new Redis).
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMIT + 3; i++) statuses.push((await token()).status);
    expect(statuses.slice(0, AUTH_LIMIT - 1).every((code) => code === 200)).toBe(true);
    expect(statuses).toContain(429);

    expect(unhandled).toEqual([]);
  });
});
