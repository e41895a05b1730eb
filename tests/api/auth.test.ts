import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import { LOCKOUT_THRESHOLD } from '../../src/modules/access/password.js';
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness } from './helpers/harness.js';

describe('API auth: register, token, refresh rotation, reuse detection, logout, lockout', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  const auditActions = async (userId: string) =>
    await h.t.owner.prisma.auditEvent.findMany({
      where: { recordId: userId },
      orderBy: { id: 'asc' },
      select: { action: true, outcome: true, reason: true },
    });

  it('registers a tenant and its owner (201, the bare object), with default categories and one audit event', async () => {
    const email = `owner-${newKey()}@example.test`;
    const res = checked(
      await h
        .http()
        .post('/api/v1/auth/register')
        .set('Idempotency-Key', newKey())
        .send({ email, password: STRONG_PASSWORD, name: 'Ana García', tenant_name: 'The García household' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email,
      name: 'Ana García',
      role: 'OWNER',
      status: 'ACTIVE',
      tenant: { name: 'The García household', status: 'ACTIVE' },
    });
    const user = await h.t.owner.prisma.user.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(user.passwordHash).not.toContain(STRONG_PASSWORD);
    expect(await h.t.owner.prisma.category.count({ where: { tenantId: user.tenantId } })).toBeGreaterThan(5);
    const events = await auditActions(user.id);
    expect(events).toEqual([{ action: 'user.register', outcome: 'SUCCESS', reason: null }]);
  });

  it('refuses a weak password and an invalid email with VALIDATION_ERROR details, creating nothing', async () => {
    const before = await h.t.owner.prisma.tenant.count();
    const weak = checked(
      await h
        .http()
        .post('/api/v1/auth/register')
        .set('Idempotency-Key', newKey())
        .send({ email: `w-${newKey()}@example.test`, password: 'short', name: 'X', tenant_name: 'Y' }),
    );
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('VALIDATION_ERROR');
    expect(weak.body.error.details).toEqual([expect.objectContaining({ field: 'password', code: 'password_too_short' })]);
    const common = checked(
      await h
        .http()
        .post('/api/v1/auth/register')
        .set('Idempotency-Key', newKey())
        .send({ email: `c-${newKey()}@example.test`, password: 'passwordpassword', name: 'X', tenant_name: 'Y' }),
    );
    expect(common.body.error.details[0].code).toBe('password_too_common');
    const badEmail = checked(
      await h
        .http()
        .post('/api/v1/auth/register')
        .set('Idempotency-Key', newKey())
        .send({ email: 'not-an-email', password: STRONG_PASSWORD, name: 'X', tenant_name: 'Y', extra: 1 }),
    );
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'email', code: 'invalid' }),
        expect.objectContaining({ field: 'extra', code: 'unknown_field' }),
      ]),
    );
    expect(await h.t.owner.prisma.tenant.count()).toBe(before);
  });

  it('answers 409 for an email that is taken', async () => {
    const u = await signUp(h, 'dup');
    const res = checked(
      await h
        .http()
        .post('/api/v1/auth/register')
        .set('Idempotency-Key', newKey())
        .send({ email: u.email, password: STRONG_PASSWORD, name: 'X', tenant_name: 'Y' }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('issues a Bearer pair; access tokens work for 15 minutes; wrong passwords are 401 and audited', async () => {
    const u = await signUp(h, 'login');
    const ok = await h.client.POST('/api/v1/auth/token', { body: { email: u.email, password: STRONG_PASSWORD } });
    expect(ok.response.status).toBe(200);
    expect(ok.data).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const me = await h.client.GET('/api/v1/me', { headers: { Authorization: `Bearer ${ok.data!.access_token}` } });
    expect(me.data).toMatchObject({ id: u.userId, email: u.email, tenant: { id: u.tenantId } });

    const bad = await h.client.POST('/api/v1/auth/token', { body: { email: u.email, password: 'wrong-password-123' } });
    expect(bad.response.status).toBe(401);
    expect(bad.error!.error.code).toBe('UNAUTHENTICATED');
    const unknown = await h.client.POST('/api/v1/auth/token', {
      body: { email: `nobody-${newKey()}@example.test`, password: 'wrong-password-123' },
    });
    expect(unknown.response.status).toBe(401);
    // Same answer for an unknown account and a wrong password: no account enumeration.
    expect(unknown.error!.error.message).toBe(bad.error!.error.message);
    const events = await auditActions(u.userId);
    expect(events.filter((e) => e.action === 'api.auth.login').map((e) => e.outcome)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE']);
  });

  it('locks the account after 5 failures (even the right password is refused), and records it', async () => {
    const u = await signUp(h, 'lock');
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      const res = checked(
        await h
          .http()
          .post('/api/v1/auth/token')
          .send({ email: u.email, password: `wrong-password-${i}-xx` }),
      );
      expect(res.status).toBe(401);
    }
    const user = await h.t.owner.prisma.user.findUniqueOrThrow({ where: { id: u.userId } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const right = checked(await h.http().post('/api/v1/auth/token').send({ email: u.email, password: STRONG_PASSWORD }));
    expect(right.status).toBe(401);
    const reasons = (await auditActions(u.userId)).filter((e) => e.outcome === 'FAILURE').map((e) => e.reason);
    expect(reasons).toContain('bad_password_locked_out');
    expect(reasons.at(-1)).toBe('locked');
    // An expired lock lets the right password in again and resets the counter.
    await h.t.owner.prisma.user.update({ where: { id: u.userId }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const again = checked(await h.http().post('/api/v1/auth/token').send({ email: u.email, password: STRONG_PASSWORD }));
    expect(again.status).toBe(200);
    expect((await h.t.owner.prisma.user.findUniqueOrThrow({ where: { id: u.userId } })).lockedUntil).toBeNull();
  });

  it('counts concurrent failures one by one (no lost updates)', async () => {
    const u = await signUp(h, 'race');
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        h
          .http()
          .post('/api/v1/auth/token')
          .send({ email: u.email, password: `wrong-password-${i}-yy` }),
      ),
    );
    const user = await h.t.owner.prisma.user.findUniqueOrThrow({ where: { id: u.userId } });
    expect(user.failedLoginCount).toBe(4);
  });

  it('rotates refresh tokens; reusing a spent one revokes the whole family (access tokens too)', async () => {
    const u = await signUp(h, 'refresh');
    const first = await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
    expect(first.response.status).toBe(200);
    const second = first.data!;
    expect(second.refresh_token).not.toBe(u.refreshToken);
    // The new access token works.
    expect(
      (await h.client.GET('/api/v1/me', { headers: { Authorization: `Bearer ${second.access_token}` } })).response.status,
    ).toBe(200);

    // The spent token again: refused, and the family (including the new tokens) is revoked.
    const reuse = await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
    expect(reuse.response.status).toBe(401);
    const afterReuse = await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: second.refresh_token } });
    expect(afterReuse.response.status).toBe(401);
    expect(
      (await h.client.GET('/api/v1/me', { headers: { Authorization: `Bearer ${second.access_token}` } })).response.status,
    ).toBe(401);
    expect((await h.client.GET('/api/v1/me', { headers: u.auth })).response.status).toBe(401);

    const events = await auditActions(u.userId);
    expect(events).toEqual(
      expect.arrayContaining([
        { action: 'api.auth.refresh', outcome: 'SUCCESS', reason: null },
        expect.objectContaining({ action: 'api.auth.refresh_reuse', outcome: 'DENIED' }),
      ]),
    );
    // A fresh login starts a new family and works again.
    const tok = await h.client.POST('/api/v1/auth/token', { body: { email: u.email, password: STRONG_PASSWORD } });
    expect(
      (await h.client.GET('/api/v1/me', { headers: { Authorization: `Bearer ${tok.data!.access_token}` } })).response.status,
    ).toBe(200);
  });

  it('refuses unknown and expired refresh tokens', async () => {
    const unknown = await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: 'rt_not-a-real-token' } });
    expect(unknown.response.status).toBe(401);
    // The message names the refresh token (the access token is not what was wrong), in both languages.
    expect(unknown.error?.error.message).toMatch(/refresh token/i);
    expect(unknown.error?.error.message).not.toMatch(/access token/i);
    const es = await h.http().post('/api/v1/auth/refresh').set('Accept-Language', 'es').send({ refresh_token: 'rt_nope' });
    expect(es.body.error.message).toMatch(/token de actualización/);
    const u = await signUp(h, 'expired');
    await h.t.owner.prisma.refreshToken.updateMany({
      where: { userId: u.userId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
    expect(expired.response.status).toBe(401);
    expect(expired.error?.error.message).toMatch(/refresh token/i);
  });

  it("logs out: the refresh token and the session's access tokens stop working at once", async () => {
    const u = await signUp(h, 'logout');
    const out = checked(await h.http().post('/api/v1/auth/logout').send({ refresh_token: u.refreshToken }));
    expect(out.status).toBe(204);
    expect((await h.client.GET('/api/v1/me', { headers: u.auth })).response.status).toBe(401);
    expect((await h.client.POST('/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } })).response.status).toBe(401);
    expect((await auditActions(u.userId)).map((e) => e.action)).toContain('api.auth.logout');
    const unknown = checked(await h.http().post('/api/v1/auth/logout').send({ refresh_token: 'rt_nope' }));
    expect(unknown.status).toBe(401);
  });

  it('401 for missing, malformed, forged and expired access tokens, with WWW-Authenticate', async () => {
    const missing = checked(await h.http().get('/api/v1/me'));
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(checked(await h.http().get('/api/v1/me').set('Authorization', 'Basic abc')).status).toBe(401);
    expect(checked(await h.http().get('/api/v1/me').set('Authorization', 'Bearer not.a.jwt')).status).toBe(401);
    const u = await signUp(h, 'forge');
    const [head, body] = u.accessToken.split('.');
    expect(checked(await h.http().get('/api/v1/me').set('Authorization', `Bearer ${head}.${body}.AAAA`)).status).toBe(401);
    const { SignJWT } = await import('jose');
    const other = await new SignJWT({ tid: u.tenantId, role: 'OWNER', sid: u.userId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(u.userId)
      .setIssuer('finance-backoffice')
      .setAudience('api/v1')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a-different-secret-that-is-long-enough-000'));
    expect(checked(await h.http().get('/api/v1/me').set('Authorization', `Bearer ${other}`)).status).toBe(401);
    const expired = await new SignJWT({ tid: u.tenantId, role: 'OWNER', sid: u.userId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(u.userId)
      .setIssuer('finance-backoffice')
      .setAudience('api/v1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(h.t.runtime.secrets.jwtSecret));
    expect(checked(await h.http().get('/api/v1/me').set('Authorization', `Bearer ${expired}`)).status).toBe(401);
  });

  it('a suspended tenant answers 403 TENANT.SUSPENDED (requests and login); a closed user 401', async () => {
    const u = await signUp(h, 'suspend');
    await h.t.services.tenants.suspend(cliContext('test'), { tenantId: u.tenantId, reason: 'chargeback investigation' });
    const res = checked(await h.http().get('/api/v1/accounts').set(u.auth));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toMatch(/suspended/i);
    const login = checked(await h.http().post('/api/v1/auth/token').send({ email: u.email, password: STRONG_PASSWORD }));
    expect(login.status).toBe(403);
    await h.t.services.tenants.reactivate(cliContext('test'), { tenantId: u.tenantId, reason: 'resolved' });
    expect(checked(await h.http().get('/api/v1/accounts').set(u.auth)).status).toBe(200);

    await h.t.owner.prisma.user.update({ where: { id: u.userId }, data: { status: 'CLOSED', closedAt: new Date() } });
    expect(checked(await h.http().get('/api/v1/accounts').set(u.auth)).status).toBe(401);
    expect(checked(await h.http().post('/api/v1/auth/token').send({ email: u.email, password: STRONG_PASSWORD })).status).toBe(
      401,
    );
  });
});
