import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_THRESHOLD } from '../../src/modules/access/password.js';
import { StaffLoginError } from '../../src/modules/staff-auth/staff-auth.service.js';
import { postLogin, sessionCookiePair, startAdmin, STRONG_PASSWORD, type AdminHarness } from './session.helpers.js';

const WRONG = 'definitely-the-wrong-password';

describe('staff login: lockout and rate limit', () => {
  let h: AdminHarness;

  beforeAll(async () => {
    // Behind a proxy, so each attempt can come from its own client IP (X-Forwarded-For).
    h = await startAdmin({ TRUST_PROXY: 'true', AUTH_RATE_LIMIT_PER_MINUTE: '8' });
  });
  afterAll(async () => h.close());

  const fromIp = (n: number) => ({ 'X-Forwarded-For': `203.0.113.${n}` });
  let ip = 1;

  it('locks an account after 5 failed attempts, even when every attempt comes from another IP', async () => {
    const staff = await h.f.staff('SUPPORT');
    const bystander = await h.f.staff('SUPPORT');
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      const res = await postLogin(h.app, staff.email, WRONG, fromIp(ip++));
      expect(res.status).toBe(401);
    }
    const row = await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.failedLoginCount).toBe(5);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    // The right password no longer opens the account, from yet another IP.
    const locked = await postLogin(h.app, staff.email, STRONG_PASSWORD, fromIp(ip++));
    expect(locked.status).toBe(401);
    expect(sessionCookiePair(locked)).toBeUndefined();
    const event = await h.t.owner.prisma.auditEvent.findFirst({
      where: { action: 'staff.login', actorId: staff.id },
      orderBy: { id: 'desc' },
    });
    expect(event).toMatchObject({ outcome: 'DENIED', reason: 'locked' });
    // Another account is not affected.
    expect((await postLogin(h.app, bystander.email, STRONG_PASSWORD, fromIp(ip++))).status).toBe(302);
  });

  it('records each failure (with the count) in the audit trail, the fifth as the one that locks', async () => {
    const staff = await h.f.staff('COMPLIANCE');
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await postLogin(h.app, staff.email, WRONG, fromIp(ip++));
    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { action: 'staff.login', actorId: staff.id },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.outcome)).toEqual(['FAILURE', 'FAILURE', 'FAILURE', 'FAILURE', 'FAILURE']);
    expect(events.at(-1)!.reason).toBe('invalid_password_account_locked');
    expect(events.at(-1)!.diff).toMatchObject({ failedLoginCount: { from: 4, to: 5 } });
    expect(events[0]!.ip).toMatch(/^203\.0\.113\./);
  });

  it('opens the account again when the lock has run out, and a success resets the count', async () => {
    const staff = await h.f.staff('ENGINEER');
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await postLogin(h.app, staff.email, WRONG, fromIp(ip++));
    await h.t.owner.prisma.staffUser.update({ where: { id: staff.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await postLogin(h.app, staff.email, STRONG_PASSWORD, fromIp(ip++))).status).toBe(302);
    const row = await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.failedLoginCount).toBe(0);
    expect(row.lockedUntil).toBeNull();
    expect(row.lastLoginAt).not.toBeNull();
  });

  it('counts failures afresh after an expired lock (one more failure does not lock again)', async () => {
    const staff = await h.f.staff('ENGINEER');
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await postLogin(h.app, staff.email, WRONG, fromIp(ip++));
    await h.t.owner.prisma.staffUser.update({ where: { id: staff.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    await postLogin(h.app, staff.email, WRONG, fromIp(ip++));
    const row = await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.failedLoginCount).toBe(1);
    expect(row.lockedUntil).toBeNull();
  });

  it('counts concurrent failures exactly (the account row is locked per attempt)', async () => {
    const staff = await h.f.staff('SUPPORT');
    const attempts = await Promise.all(
      Array.from({ length: LOCKOUT_THRESHOLD }, () =>
        h.t.services.staffAuth.login({ correlationId: 'test' }, { email: staff.email, password: WRONG }).catch((e: unknown) => e),
      ),
    );
    expect(attempts.every((e) => e instanceof StaffLoginError)).toBe(true);
    const row = await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.failedLoginCount).toBe(LOCKOUT_THRESHOLD);
    expect(row.lockedUntil).not.toBeNull();
  });

  it('answers an unknown email like a wrong password, and audits it without naming the email', async () => {
    const res = await postLogin(h.app, 'nobody-here@staff.test', WRONG, fromIp(ip++));
    expect(res.status).toBe(401);
    const event = await h.t.owner.prisma.auditEvent.findFirst({
      where: { action: 'staff.login', reason: 'unknown_account' },
      orderBy: { id: 'desc' },
    });
    expect(event).toMatchObject({ outcome: 'FAILURE', actorId: null });
    expect(JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('nobody-here');
  });

  it('limits login attempts per client IP (429 with Retry-After), not the other clients', async () => {
    const client = fromIp(250);
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await postLogin(h.app, `spray-${i}@staff.test`, WRONG, client)).status);
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    const limited = await postLogin(h.app, 'spray-x@staff.test', WRONG, client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.text).toContain('tooManyRequests');
    expect((await postLogin(h.app, 'spray-y@staff.test', WRONG, fromIp(251))).status).toBe(401);
  });

  it("renders an accessible login page in the asked language, with AdminJS's form fields", async () => {
    const en = await request(h.app).get('/admin/login');
    expect(en.status).toBe(200);
    expect(en.text).toContain('"language":"en"');
    const es = await request(h.app).get('/admin/login').set('Accept-Language', 'es-ES,es;q=0.9');
    expect(es.text).toContain('"language":"es"');
    // Values in inline scripts are escaped for HTML (`/` as \u002F): admin/layout.ts.
    expect(es.text).toContain('"action":"\\u002Fadmin\\u002Flogin"');
  });
});
