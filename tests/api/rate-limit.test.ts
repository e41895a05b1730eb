import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness, type SignedInUser } from './helpers/harness.js';
import { startRedis } from './helpers/redis-server.js';

const LIMITS = { RATE_LIMIT_PER_MINUTE: '8', AUTH_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'true' };

function expectRateLimited(res: { status: number; headers: Record<string, string>; body: { error: { code: string } } }) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('rate limits (in-memory store: no REDIS_URL)', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  beforeAll(async () => {
    h = await startApi({ ...LIMITS, AUTH_RATE_LIMIT_PER_MINUTE: '100' });
    u = await signUp(h, 'rl');
  });
  afterAll(async () => {
    await h?.close();
  });

  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('limits each client IP (429 + Retry-After, in the error shape)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(checked(await h.http().get('/api/v1/me').set(u.auth).set(from('10.0.0.1'))).status);
    expect(statuses).toEqual(Array(8).fill(200));
    // The per-user budget is spent too now; a new user on this IP is still refused by the IP limit.
    expectRateLimited(checked(await h.http().get('/api/schema').set(from('10.0.0.1'))));
    expect(checked(await h.http().get('/api/schema').set(from('10.0.0.2'))).status).toBe(200);
  });

  it('limits each user across IPs', async () => {
    const v = await signUp(h, 'rl2');
    for (let i = 0; i < 8; i++)
      expect(
        checked(
          await h
            .http()
            .get('/api/v1/me')
            .set(v.auth)
            .set(from(`10.0.1.${i}`)),
        ).status,
      ).toBe(200);
    expectRateLimited(checked(await h.http().get('/api/v1/me').set(v.auth).set(from('10.0.1.200'))));
  });
});

describe('rate limits on /auth are stricter', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(LIMITS);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses the 4th auth request of an IP while other routes still answer', async () => {
    const ip = { 'X-Forwarded-For': '10.0.2.1' };
    for (let i = 0; i < 3; i++)
      expect(
        checked(
          await h.http().post('/api/v1/auth/token').set(ip).send({ email: 'x@example.test', password: 'wrong-password-123' }),
        ).status,
      ).toBe(401);
    expectRateLimited(
      checked(
        await h.http().post('/api/v1/auth/token').set(ip).send({ email: 'x@example.test', password: 'wrong-password-123' }),
      ),
    );
    expectRateLimited(
      checked(
        await h
          .http()
          .post('/api/v1/auth/register')
          .set(ip)
          .set('Idempotency-Key', newKey())
          .send({ email: 'y@example.test', password: STRONG_PASSWORD, name: 'Y', tenant_name: 'Y' }),
      ),
    );
    expect(checked(await h.http().get('/api/schema').set(ip)).status).toBe(200);
  });
});

describe('rate limits shared through Redis (REDIS_URL set)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let one: ApiHarness;
  let two: ApiHarness;
  beforeAll(async () => {
    redis = await startRedis();
    one = await startApi({ ...LIMITS, REDIS_URL: redis.url });
    two = await startApi({ ...LIMITS, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  it('counts one client across two app instances', async () => {
    const ip = { 'X-Forwarded-For': '10.0.3.1' };
    for (let i = 0; i < 4; i++) {
      expect(checked(await one.http().get('/api/schema').set(ip)).status).toBe(200);
      expect(checked(await two.http().get('/api/schema').set(ip)).status).toBe(200);
    }
    expectRateLimited(checked(await one.http().get('/api/schema').set(ip)));
    expectRateLimited(checked(await two.http().get('/api/schema').set(ip)));
    const keys = await one.t.runtime.redis!.keys('rl:api:ip:*');
    expect(keys.length).toBeGreaterThan(0);
  });

  it('keeps serving (fails open) when Redis goes away', async () => {
    await redis.stop();
    const res = checked(await one.http().get('/api/schema').set({ 'X-Forwarded-For': '10.0.3.99' }));
    expect(res.status).toBe(200);
  });
});
