import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loginCookie,
  postLogin,
  sessionCookieLine,
  sessionCookiePair,
  sessionIdOf,
  startAdmin,
  STRONG_PASSWORD,
  type AdminHarness,
} from './session.helpers.js';
import { TEST_SECRETS } from '../helpers/db.js';

/** Reads a stored session (PostgreSQL store) by the id inside a cookie pair. */
async function storedSession(h: AdminHarness, cookie: string) {
  const { rows } = await h.t.owner.pool.query<{ sess: Record<string, unknown>; expire: Date }>(
    'SELECT sess, expire FROM "StaffSession" WHERE sid = $1',
    [sessionIdOf(cookie)],
  );
  return rows[0];
}

async function patchSession(h: AdminHarness, cookie: string, patch: Record<string, unknown>) {
  await h.t.owner.pool.query('UPDATE "StaffSession" SET sess = sess || $2::jsonb WHERE sid = $1', [
    sessionIdOf(cookie),
    JSON.stringify(patch),
  ]);
}

async function lastAudit(h: AdminHarness, action: string) {
  return h.t.owner.prisma.auditEvent.findFirst({ where: { action }, orderBy: { id: 'desc' } });
}

describe('admin sessions (PostgreSQL store)', () => {
  let h: AdminHarness;

  beforeAll(async () => {
    h = await startAdmin({ SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' });
  });
  afterAll(async () => h.close());

  it('regenerates the session id at login: a session id planted before login is not authenticated after it', async () => {
    const staff = await h.f.staff('SUPPORT');
    // Visiting a protected page creates a pre-login session (it remembers where to go back to).
    const before = await request(h.app).get('/admin/resources/Tenant');
    expect(before.status).toBe(302);
    expect(before.headers.location).toBe('/admin/login');
    const planted = sessionCookiePair(before);
    expect(planted).toBeDefined();

    const login = await postLogin(h.app, staff.email, STRONG_PASSWORD).set('Cookie', planted!);
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/admin/resources/Tenant');
    const fresh = sessionCookiePair(login);
    expect(fresh).toBeDefined();
    expect(sessionIdOf(fresh!)).not.toBe(sessionIdOf(planted!));

    // The planted id is dead; the new one is a live staff session.
    expect((await request(h.app).get('/admin').set('Cookie', planted!)).status).toBe(302);
    expect(await storedSession(h, planted!)).toBeUndefined();
    expect((await request(h.app).get('/admin').set('Cookie', fresh!)).status).toBe(200);
  });

  it('stores the session in PostgreSQL ("StaffSession") with the staff member on it', async () => {
    const staff = await h.f.staff('COMPLIANCE');
    const cookie = await loginCookie(h.app, staff.email);
    const row = await storedSession(h, cookie);
    expect(row).toBeDefined();
    expect(row!.sess.adminUser).toMatchObject({
      id: staff.id,
      email: staff.email,
      role: 'COMPLIANCE',
      locale: 'en',
      sessionVersion: 1,
    });
    expect(typeof row!.sess.loginAt).toBe('number');
    // The row expires after the idle timeout.
    const ttlMinutes = (row!.expire.getTime() - Date.now()) / 60_000;
    expect(ttlMinutes).toBeGreaterThan(28);
    expect(ttlMinutes).toBeLessThan(31);
  });

  it('sets the cookie HttpOnly, SameSite=Lax, scoped to /admin, not Secure in test', async () => {
    const staff = await h.f.staff('ENGINEER');
    const res = await postLogin(h.app, staff.email, STRONG_PASSWORD);
    const line = sessionCookieLine(res)!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\/admin/i);
    expect(line).not.toMatch(/; Secure/i);
  });

  it('refuses a login with a wrong password and audits it, without a session', async () => {
    const staff = await h.f.staff('SUPPORT');
    const res = await postLogin(h.app, staff.email, 'not-the-password-at-all');
    expect(res.status).toBe(401);
    expect(sessionCookiePair(res)).toBeUndefined();
    expect(res.text).toContain('invalidCredentials');
    const event = await lastAudit(h, 'staff.login');
    expect(event).toMatchObject({ actorId: staff.id, outcome: 'FAILURE', reason: 'invalid_password' });
  });

  it('audits a successful login and a logout, and logout ends the session', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    expect(await lastAudit(h, 'staff.login')).toMatchObject({ actorId: staff.id, actorRole: 'SUPPORT', outcome: 'SUCCESS' });
    // A GET does not log out (a link or image elsewhere could): 405, and the session lives on.
    const get = await request(h.app).get('/admin/logout').set('Cookie', cookie);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect((await request(h.app).get('/admin').set('Cookie', cookie)).status).toBe(200);
    const out = await request(h.app).post('/admin/logout').set('Cookie', cookie);
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/admin/login?notice=loggedOut');
    expect(await lastAudit(h, 'staff.logout')).toMatchObject({ actorId: staff.id, outcome: 'SUCCESS' });
    expect(await storedSession(h, cookie)).toBeUndefined();
    expect((await request(h.app).get('/admin').set('Cookie', cookie)).status).toBe(302);
  });

  it('ends the sessions of a staff member disabled by a superadmin on their very next request', async () => {
    const staff = await h.f.staff('SUPPORT');
    const other = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    const otherCookie = await loginCookie(h.app, other.email);
    expect((await request(h.app).get('/admin/api/dashboard').set('Cookie', cookie)).status).toBe(200);

    const superadmin = await h.f.staff('SUPERADMIN');
    const ctx = await h.f.staffCtx(superadmin);
    await h.t.services.staff.disable(ctx, { staffUserId: staff.id, reason: 'Left the company' });

    const next = await request(h.app).get('/admin/api/dashboard').set('Cookie', cookie);
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe('UNAUTHENTICATED');
    expect(await storedSession(h, cookie)).toBeUndefined();
    expect(await lastAudit(h, 'staff.session.end')).toMatchObject({ actorId: staff.id, reason: 'disabled' });
    // Someone else's session is untouched, and the disabled account cannot log in again.
    expect((await request(h.app).get('/admin/api/dashboard').set('Cookie', otherCookie)).status).toBe(200);
    expect((await postLogin(h.app, staff.email, STRONG_PASSWORD)).status).toBe(401);
    expect(await lastAudit(h, 'staff.login')).toMatchObject({ actorId: staff.id, outcome: 'DENIED', reason: 'disabled' });
  });

  it('ends every session of an account when its sessions are revoked (sessionVersion), the account staying active', async () => {
    const staff = await h.f.staff('ENGINEER');
    const first = await loginCookie(h.app, staff.email);
    const second = await loginCookie(h.app, staff.email);
    const superadmin = await h.f.staff('SUPERADMIN');
    await h.t.services.staff.endSessions(await h.f.staffCtx(superadmin), { staffUserId: staff.id, reason: 'Laptop stolen' });
    for (const cookie of [first, second]) {
      const res = await request(h.app).get('/admin').set('Cookie', cookie);
      expect(res.headers.location).toBe('/admin/login?notice=sessionEnded');
    }
    expect(await lastAudit(h, 'staff.session.end')).toMatchObject({ actorId: staff.id, reason: 'revoked' });
    expect((await postLogin(h.app, staff.email, STRONG_PASSWORD)).status).toBe(302);
  });

  it('ends a session idle for longer than SESSION_IDLE_MINUTES (checked on the server)', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    await patchSession(h, cookie, { lastSeenAt: Date.now() - 31 * 60_000 });
    const res = await request(h.app).get('/admin').set('Cookie', cookie);
    expect(res.headers.location).toBe('/admin/login?notice=sessionEnded');
    expect(await lastAudit(h, 'staff.session.end')).toMatchObject({ actorId: staff.id, reason: 'idle_timeout' });
  });

  it('keeps an active session alive (rolling): each request pushes the idle expiry forward', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    await patchSession(h, cookie, { lastSeenAt: Date.now() - 29 * 60_000 });
    await h.t.owner.pool.query(`UPDATE "StaffSession" SET expire = now() + interval '1 minute' WHERE sid = $1`, [
      sessionIdOf(cookie),
    ]);
    const res = await request(h.app).get('/admin').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(sessionCookieLine(res)).toMatch(/Expires=/);
    const row = await storedSession(h, cookie);
    expect(Date.now() - (row!.sess.lastSeenAt as number)).toBeLessThan(10_000);
    expect((row!.expire.getTime() - Date.now()) / 60_000).toBeGreaterThan(28);
  });

  it('does not write the session store on every click: a fresh idle clock is left alone (issue 17)', async () => {
    const staff = await h.f.staff('SUPPORT');
    const cookie = await loginCookie(h.app, staff.email);
    const before = await storedSession(h, cookie);
    // A marker the app never writes: any save of the session (a durable write) would drop it.
    await patchSession(h, cookie, { untouchedMarker: true });
    for (let i = 0; i < 3; i++) {
      const res = await request(h.app).get('/admin').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(sessionCookieLine(res)).toBeUndefined();
    }
    const after = await storedSession(h, cookie);
    expect(after!.sess.untouchedMarker).toBe(true);
    expect(after!.sess.lastSeenAt).toBe(before!.sess.lastSeenAt);
    expect(after!.expire.getTime()).toBe(before!.expire.getTime());
  });

  it('ends a session older than SESSION_ABSOLUTE_HOURS however active it is', async () => {
    const staff = await h.f.staff('COMPLIANCE');
    const cookie = await loginCookie(h.app, staff.email);
    await patchSession(h, cookie, { loginAt: Date.now() - 12 * 3_600_000 - 60_000, lastSeenAt: Date.now() });
    const res = await request(h.app).get('/admin').set('Cookie', cookie);
    expect(res.headers.location).toBe('/admin/login?notice=sessionEnded');
    expect(await lastAudit(h, 'staff.session.end')).toMatchObject({ actorId: staff.id, reason: 'absolute_timeout' });
  });

  it('mounts the export download behind the session guard', async () => {
    const path = '/admin/exports/00000000-0000-4000-8000-000000000000/download';
    expect((await request(h.app).post(path)).headers.location).toBe('/admin/login');
    const staff = await h.f.staff('ENGINEER');
    const cookie = await loginCookie(h.app, staff.email);
    // A download is a POST (audited); a GET is not answered, so no link elsewhere can trigger one.
    const get = await request(h.app).get(path).set('Cookie', cookie);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const res = await request(h.app).post(path).set('Cookie', cookie);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('sends an unauthenticated page request to the login page, and answers an API call 401 in the error shape', async () => {
    const page = await request(h.app).get('/admin/resources/Tenant');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/admin/login');
    for (const method of ['get', 'post', 'head'] as const) {
      const res = await request(h.app)[method]('/admin/api/resources/Tenant/actions/list');
      expect(res.status, method).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      if (method !== 'head') expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  describe('cross-origin requests', () => {
    it('refuses a login posted from another origin with 403 in the one error shape', async () => {
      const staff = await h.f.staff('SUPPORT');
      const res = await postLogin(h.app, staff.email, STRONG_PASSWORD, { Origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN', details: [], correlation_id: expect.any(String) } });
      expect(sessionCookiePair(res)).toBeUndefined();
    });

    it('refuses a state-changing admin request with a session cookie from another origin', async () => {
      const staff = await h.f.staff('SUPPORT');
      const cookie = await loginCookie(h.app, staff.email);
      const forged = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example')
        .send({ locale: 'es' });
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe('FORBIDDEN');
      const viaReferer = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Cookie', cookie)
        .set('Referer', 'https://evil.example/page')
        .send({ locale: 'es' });
      expect(viaReferer.status).toBe(403);
      const crossSite = await request(h.app)
        .post('/admin/logout')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'null');
      expect(crossSite.status).toBe(403);
      for (const site of ['same-site', 'none']) {
        const noOrigin = await request(h.app)
          .post('/admin/api/me/locale')
          .set('Cookie', cookie)
          .set('Sec-Fetch-Site', site)
          .send({ locale: 'es' });
        expect(noOrigin.status).toBe(403);
      }
      const sibling = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'same-site')
        .set('Origin', 'https://blog.example.com')
        .send({ locale: 'es' });
      expect(sibling.status).toBe(403);
      const crossSiteClaimingOwn = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', `http://127.0.0.1`)
        .send({ locale: 'es' });
      expect(crossSiteClaimingOwn.status).toBe(403);
      // Nothing was changed by the refused requests, and the session still works.
      expect((await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } })).locale).toBe('en');
      expect((await request(h.app).get('/admin').set('Cookie', cookie)).status).toBe(200);
    });

    it("accepts the same request from the admin's own origin", async () => {
      const staff = await h.f.staff('SUPPORT');
      const cookie = await loginCookie(h.app, staff.email);
      const res = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Host', 'backoffice.internal:8080')
        .set('Cookie', cookie)
        .set('Origin', 'http://backoffice.internal:8080')
        .set('Sec-Fetch-Site', 'same-origin')
        .send({ locale: 'es' });
      expect(res.status).toBe(204);
      // A browser under a no-referrer policy sends `Origin: null`; Sec-Fetch-Site still says same-origin.
      const nullOrigin = await request(h.app)
        .post('/admin/api/me/locale')
        .set('Cookie', cookie)
        .set('Origin', 'null')
        .set('Sec-Fetch-Site', 'same-origin')
        .send({ locale: 'en' });
      expect(nullOrigin.status).toBe(204);
      const login = await postLogin(h.app, staff.email, STRONG_PASSWORD, {
        Host: 'backoffice.internal:8080',
        Referer: 'http://backoffice.internal:8080/admin/login',
      });
      expect(login.status).toBe(302);
    });
  });

  describe('language', () => {
    it("applies the staff member's language and persists the language switch to their profile", async () => {
      const staff = await h.f.staff('SUPPORT');
      const cookie = await loginCookie(h.app, staff.email);
      const en = await request(h.app).get('/admin').set('Cookie', cookie);
      expect(en.text).toContain('<html lang="en">');
      const res = await request(h.app).post('/admin/api/me/locale').set('Cookie', cookie).send({ locale: 'es' });
      expect(res.status).toBe(204);
      expect((await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } })).locale).toBe('es');
      expect(await lastAudit(h, 'staff.locale.update')).toMatchObject({
        actorId: staff.id,
        diff: { locale: { from: 'en', to: 'es' } },
      });
      const es = await request(h.app).get('/admin').set('Cookie', cookie);
      expect(es.text).toContain('<html lang="es">');
      expect(es.text).toContain('Iniciar sesión'); // Spanish translations are in the page state
      // A new session opens in the stored language.
      const again = await loginCookie(h.app, staff.email);
      expect((await request(h.app).get('/admin').set('Cookie', again)).text).toContain('<html lang="es">');
    });

    it('refuses an unsupported language with a validation error', async () => {
      const staff = await h.f.staff('SUPPORT');
      const cookie = await loginCookie(h.app, staff.email);
      const res = await request(h.app).post('/admin/api/me/locale').set('Cookie', cookie).send({ locale: 'xx' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  it('serves the front-end bundles compressed, with an ETag', async () => {
    const res = await request(h.app).get('/admin/frontend/assets/app.bundle.js').set('Accept-Encoding', 'br, gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.etag).toBeDefined();
    const gz = await request(h.app).get('/admin/frontend/assets/components.bundle.js').set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toContain('BackofficeDashboard');
    const again = await request(h.app).get('/admin/frontend/assets/components.bundle.js').set('If-None-Match', gz.headers.etag!);
    expect(again.status).toBe(304);
  });

  it('compresses admin pages and API answers', async () => {
    const res = await request(h.app).get('/admin/login').set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
  });
});

describe('admin session cookie in production', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdmin({
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
      SESSION_SECRET: 'production-like-session-secret-0123456789abcdef',
      JWT_SECRET: 'production-like-jwt-secret-0123456789abcdef0123',
      ACCOUNT_TOKEN_SECRET: 'production-like-account-token-key-0123456789ab',
      AUDIT_SIGNING_KEY: TEST_SECRETS.auditSigningKey,
      PUBLIC_URL: 'https://backoffice.example.com',
    });
  });
  afterAll(async () => h.close());

  it('is Secure behind a TLS-terminating proxy, and not issued at all over plain HTTP', async () => {
    const staff = await h.f.staff('SUPPORT');
    const tls = await postLogin(h.app, staff.email, STRONG_PASSWORD, { 'X-Forwarded-Proto': 'https' });
    expect(tls.status).toBe(302);
    const line = sessionCookieLine(tls)!;
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    const plain = await postLogin(h.app, staff.email, STRONG_PASSWORD);
    expect(plain.status).toBe(400);
    expect(plain.text).toContain('httpsRequired');
    expect(sessionCookieLine(plain)).toBeUndefined();
  });

  it("accepts PUBLIC_URL as the admin's origin behind a proxy, and nothing else", async () => {
    const staff = await h.f.staff('SUPPORT');
    const headers = { 'X-Forwarded-Proto': 'https', Host: '10.0.0.7:3000' };
    expect(
      (await postLogin(h.app, staff.email, STRONG_PASSWORD, { ...headers, Origin: 'https://backoffice.example.com' })).status,
    ).toBe(302);
    expect(
      (
        await postLogin(h.app, staff.email, STRONG_PASSWORD, {
          ...headers,
          Origin: 'https://backoffice.example.com.evil.example',
        })
      ).status,
    ).toBe(403);
    expect(
      (await postLogin(h.app, staff.email, STRONG_PASSWORD, { ...headers, Origin: 'http://backoffice.example.com' })).status,
    ).toBe(403);
  });
});
