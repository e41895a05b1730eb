import request from 'supertest';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, postLogin, sessionIdOf, startAdmin, STRONG_PASSWORD, type AdminHarness } from './session.helpers.js';
import { startRedisServer, type RedisServer } from './session.redis-server.js';

describe('admin sessions in Redis (REDIS_URL set)', () => {
  let redis: RedisServer;
  let h: AdminHarness;
  let probe: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedisServer();
    h = await startAdmin({ REDIS_URL: redis.url, SESSION_IDLE_MINUTES: '20' });
    probe = createClient({ url: redis.url });
    await probe.connect();
  });
  afterAll(async () => {
    if (probe.isOpen) await probe.quit();
    await h?.close();
    await redis?.stop();
  });

  it('keeps the session in Redis with the idle timeout as its TTL, and nothing in PostgreSQL', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    const key = `backoffice:admin-sess:${sessionIdOf(cookie)}`;
    const stored = await probe.get(key);
    expect(stored).not.toBeNull();
    expect(JSON.parse(stored!).adminUser).toMatchObject({ id: staff.id, role: 'SUPPORT' });
    const ttl = await probe.ttl(key);
    expect(ttl).toBeGreaterThan(19 * 60);
    expect(ttl).toBeLessThanOrEqual(20 * 60);
    const { rows } = await h.t.owner.pool.query('SELECT count(*)::int AS n FROM "StaffSession"');
    expect(rows[0].n).toBe(0);
    expect((await request(h.app).get('/admin').set('Cookie', cookie)).status).toBe(200);
  });

  it('deletes the Redis session when a disabled staff member makes their next request', async () => {
    const staff = await h.f.staff('ENGINEER');
    const cookie = await loginCookie(h.app, staff.email);
    const key = `backoffice:admin-sess:${sessionIdOf(cookie)}`;
    const superadmin = await h.f.staff('SUPERADMIN');
    await h.t.services.staff.disable(await h.f.staffCtx(superadmin), { staffUserId: staff.id, reason: 'Access review' });
    const res = await request(h.app).get('/admin').set('Cookie', cookie);
    expect(res.headers.location).toBe('/admin/login?notice=sessionEnded');
    expect(await probe.exists(key)).toBe(0);
  });

  it('counts login attempts in Redis (shared by every instance)', async () => {
    await postLogin(h.app, 'someone@staff.test', 'wrong-password-here');
    const keys = await probe.keys('backoffice:rl:admin-login:*');
    expect(keys.length).toBeGreaterThan(0);
  });

  it('serves a session created by one instance from another instance', async () => {
    const staff = await h.f.staff('COMPLIANCE');
    const cookie = await loginCookie(h.app, staff.email);
    const { buildServer } = await import('../../src/http/server.js');
    const second = await buildServer(h.t.runtime, h.t.services);
    expect((await request(second).get('/admin/api/dashboard').set('Cookie', cookie)).status).toBe(200);
  });

  it('reports Redis in readiness, and answers 503 (not 500) when Redis goes away', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email, STRONG_PASSWORD);
    const ready = await request(h.app).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.redis.status).toBe('ok');

    await probe.quit();
    await redis.stop();
    const down = await request(h.app).get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.checks.redis.status).toBe('fail');
    const page = await request(h.app).get('/admin').set('Cookie', cookie);
    expect(page.status).toBe(503);
    expect(page.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(page.headers['retry-after']).toBe('5');
  });
});
