import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The harness first: it loads the wire schemas (zod extended for OpenAPI) before any domain schema.
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness, type SignedInUser } from './helpers/harness.js';
import { createAccountToken } from '../../src/modules/mail/account-token.js';
import { TEST_SECRETS } from '../helpers/db.js';

const NEW_PASSWORD = 'brand-New-staple-77';

/**
 * The customer lifecycle on the public API (issue 14): password reset by email, email
 * verification and change, rectification, consent and the marketing mail it governs.
 */
describe('the customer lifecycle on the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** Delivers every pending outbox event (round after round until none is left). */
  const dispatch = async () => {
    const dispatcher = h.t.services.outbox.createDispatcher({ mailer: h.t.services.mail.createMailer() });
    while ((await dispatcher.dispatchOnce()).claimed > 0);
  };
  const mailTo = (to: string) => h.t.owner.prisma.mailMessage.findMany({ where: { to }, orderBy: { createdAt: 'asc' } });
  const LINKS = {
    'reset-password': /\/reset-password\?token=([^&\s]+)&lang=(en|es)/,
    'verify-email': /\/verify-email\?token=([^&\s]+)&lang=(en|es)/,
  };
  const tokenIn = (text: string, page: keyof typeof LINKS) => {
    const match = LINKS[page].exec(text);
    if (!match) throw new Error(`no ${page} link in: ${text}`);
    return decodeURIComponent(match[1]!);
  };
  const userRow = (id: string) => h.t.owner.prisma.user.findUniqueOrThrow({ where: { id } });
  const auditOf = (recordId: string) => h.t.owner.prisma.auditEvent.findMany({ where: { recordId }, orderBy: { id: 'asc' } });
  const requestReset = (email: string) => h.http().post('/api/v1/auth/password-reset').send({ email });
  const confirmReset = (token: string, password = NEW_PASSWORD) =>
    h.http().post('/api/v1/auth/password-reset/confirm').send({ token, password });
  const login = (email: string, password: string) => h.http().post('/api/v1/auth/token').send({ email, password });
  /** Requests a reset through the API and returns the link's token from the development mailbox. */
  async function resetToken(u: SignedInUser): Promise<string> {
    checked(await requestReset(u.email));
    await dispatch();
    const mails = (await mailTo(u.email)).filter((m) => m.subject === 'Reset your password');
    return tokenIn(mails.at(-1)!.text, 'reset-password');
  }

  describe('password reset', () => {
    it('mails a one-time link; the new password works, old sessions end, the lock is cleared, a reuse is refused', async () => {
      const u = await signUp(h, 'reset');
      await h.t.owner.prisma.user.update({
        where: { id: u.userId },
        data: { status: 'LOCKED', failedLoginCount: 3, lockedUntil: new Date(Date.now() + 600_000) },
      });
      const token = await resetToken(u);

      const done = checked(await confirmReset(token));
      expect(done.status).toBe(204);
      const after = await userRow(u.userId);
      expect(after.status).toBe('ACTIVE');
      expect(after.lockedUntil).toBeNull();
      expect(after.failedLoginCount).toBe(0);
      expect(after.passwordResetSentAt).toBeNull();

      // Every session of before ends: refresh tokens refused, the access token too.
      expect(checked(await h.http().post('/api/v1/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
      expect(checked(await h.http().get('/api/v1/me').set(u.auth)).status).toBe(401);
      expect(checked(await login(u.email, STRONG_PASSWORD)).status).toBe(401);
      expect(checked(await login(u.email, NEW_PASSWORD)).status).toBe(200);

      // Once, never twice.
      const again = checked(await confirmReset(token, 'yet-Another-pass-99'));
      expect(again.status).toBe(400);
      expect(again.body.error.code).toBe('VALIDATION_ERROR');
      expect(checked(await login(u.email, NEW_PASSWORD)).status).toBe(200);

      const events = (await auditOf(u.userId)).map((e) => `${e.action}:${e.outcome}`);
      expect(events).toContain('api.auth.password_reset_request:SUCCESS');
      expect(events).toContain('api.auth.password_reset:SUCCESS');
      expect(events).toContain('api.auth.password_reset:FAILURE');
    });

    it('a newer request supersedes the older link; an expired or foreign-key link is refused', async () => {
      const u = await signUp(h, 'supersede');
      const first = await resetToken(u);
      // Past the once-a-minute throttle, a second request issues a second link.
      await h.t.owner.prisma.user.update({
        where: { id: u.userId },
        data: { passwordResetSentAt: new Date(Date.now() - 120_000) },
      });
      const stale = createAccountToken(TEST_SECRETS.accountTokenKey, 'password-reset', {
        userId: u.userId,
        requestedAt: (await userRow(u.userId)).passwordResetSentAt!,
      });
      const second = await resetToken(u);
      expect(second).not.toBe(first);
      expect(checked(await confirmReset(first)).status).toBe(400);
      expect(checked(await confirmReset(stale)).status).toBe(400);

      const current = (await userRow(u.userId)).passwordResetSentAt!;
      const expired = createAccountToken(
        TEST_SECRETS.accountTokenKey,
        'password-reset',
        { userId: u.userId, requestedAt: current },
        Date.now() - 2 * 60 * 60 * 1000,
      );
      expect(checked(await confirmReset(expired)).status).toBe(400);
      const jwtSigned = createAccountToken(TEST_SECRETS.jwtSecret, 'password-reset', { userId: u.userId, requestedAt: current });
      expect(checked(await confirmReset(jwtSigned)).status).toBe(400);
      expect(checked(await confirmReset('not-a-token')).status).toBe(400);

      // The policy applies, and a refused password does not spend the link.
      const weak = checked(await confirmReset(second, 'short'));
      expect(weak.status).toBe(400);
      expect(checked(await confirmReset(second, 'password1234')).body.error.details[0].code).toBe('password_too_common');
      expect(checked(await confirmReset(second)).status).toBe(204);
    });

    it('answers an unknown address exactly like a known one: status, body, and time within a bound', async () => {
      const known = await Promise.all(Array.from({ length: 16 }, (_, i) => signUp(h, `timing${i}`)));
      const a = checked(await requestReset(known[0]!.email));
      const b = checked(await requestReset(`nobody-${newKey()}@example.test`));
      expect(b.status).toBe(a.status);
      expect(b.status).toBe(202);
      expect(b.body).toEqual(a.body);
      expect(b.headers['content-length']).toBe(a.headers['content-length']);

      // Interleaved, each known address asked once (so every one takes the full path).
      const knownMs: number[] = [];
      const unknownMs: number[] = [];
      const timed = async (email: string) => {
        const started = process.hrtime.bigint();
        const res = await requestReset(email);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(res.status).toBe(202);
        return ms;
      };
      for (const u of known.slice(1)) {
        knownMs.push(await timed(u.email));
        unknownMs.push(await timed(`nobody-${newKey()}@example.test`));
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      // Paired differences (each known request against the unknown one right after it) cancel the
      // machine's load, which drifts over the run; their median is the systematic gap.
      const gap = Math.abs(median(knownMs.map((k, i) => k - unknownMs[i]!)));
      console.info(
        `password-reset request timing: known median ${median(knownMs).toFixed(2)} ms, unknown median ${median(unknownMs).toFixed(2)} ms, median paired gap ${gap.toFixed(2)} ms`,
      );
      // Both paths are the same single insert: the gap stays within noise. (When the lookup ran in
      // the request, the gap measured 35 ms against medians of 73 and 38 ms: this bound caught it.)
      expect(gap).toBeLessThan(Math.max(15, 0.5 * median(unknownMs)));
      // And the known ones really were handled: each gets its link.
      await dispatch();
      for (const u of known) expect((await mailTo(u.email)).some((m) => m.subject === 'Reset your password')).toBe(true);
      // The unknown ones are audited too (FAILURE, unknown_account), with no address in the trail.
      const unknownEvents = await h.t.owner.prisma.auditEvent.findMany({
        where: { action: 'api.auth.password_reset_request', reason: 'unknown_account' },
      });
      expect(unknownEvents.length).toBeGreaterThanOrEqual(16);
      expect(JSON.stringify(unknownEvents, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(
        'nobody-',
      );
    }, 120_000);

    it('sends at most one link a minute per account (same answer, no second mail)', async () => {
      const u = await signUp(h, 'throttle');
      checked(await requestReset(u.email));
      checked(await requestReset(u.email));
      await dispatch();
      expect((await mailTo(u.email)).filter((m) => m.subject === 'Reset your password')).toHaveLength(1);
    });
  });

  describe('email verification and change', () => {
    it('registration records the terms and mails a verification link that works once', async () => {
      const u = await signUp(h, 'verify');
      const me = checked(await h.http().get('/api/v1/me').set(u.auth));
      expect(me.body.email_verified).toBe(false);
      expect(me.body.terms_version).toBe('2026-01');
      expect(Date.parse(me.body.terms_accepted_at)).toBeGreaterThan(Date.now() - 60_000);
      await dispatch();
      const [mail] = await mailTo(u.email);
      expect(mail?.subject).toBe('Confirm your email address');
      const token = tokenIn(mail!.text, 'verify-email');
      const first = checked(await h.http().post('/api/v1/auth/verify-email').send({ token }));
      expect(first.body).toEqual({ email_verified: true, email_changed: false });
      expect(checked(await h.http().post('/api/v1/auth/verify-email').send({ token })).status).toBe(400);
      expect(checked(await h.http().get('/api/v1/me').set(u.auth)).body.email_verified).toBe(true);
    });

    it('refuses outdated terms at registration', async () => {
      const res = checked(
        await h
          .http()
          .post('/api/v1/auth/register')
          .set('Idempotency-Key', newKey())
          .send({
            email: `terms-${newKey()}@example.test`.toLowerCase(),
            password: STRONG_PASSWORD,
            name: 'T',
            tenant_name: 'T',
            accepted_terms_version: '1999-01',
          }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].code).toBe('terms_outdated');
    });

    it('a new email takes effect only once verified; the old address is told; no address in the audit trail', async () => {
      const u = await signUp(h, 'change');
      const newEmail = `moved-${newKey()}@example.test`.toLowerCase();
      const patched = checked(
        await h.http().patch('/api/v1/me').set(u.auth).send({ email: newEmail, name: 'Renamed Person', locale: 'es' }),
      );
      expect(patched.status).toBe(200);
      expect(patched.body.email).toBe(u.email);
      expect(patched.body.pending_email).toBe(newEmail);
      expect(patched.body.name).toBe('Renamed Person');
      // Not effective yet: the account still signs in with the old address only.
      expect(checked(await login(newEmail, STRONG_PASSWORD)).status).toBe(401);
      expect(checked(await login(u.email, STRONG_PASSWORD)).status).toBe(200);

      await dispatch();
      const notice = (await mailTo(u.email)).find((m) => m.subject.startsWith('Se ha pedido'));
      expect(notice?.text).toContain(`mo***@example.test`);
      expect(notice?.text).not.toContain(newEmail);
      const [verification] = await mailTo(newEmail);
      const token = tokenIn(verification!.text, 'verify-email');
      const verified = checked(await h.http().post('/api/v1/auth/verify-email').send({ token }));
      expect(verified.body).toEqual({ email_verified: true, email_changed: true });
      expect(checked(await h.http().post('/api/v1/auth/verify-email').send({ token })).status).toBe(400);
      expect(checked(await login(newEmail, STRONG_PASSWORD)).status).toBe(200);
      const me = checked(await h.http().get('/api/v1/me').set(u.auth)).body;
      expect(me).toMatchObject({ email: newEmail, pending_email: null, email_verified: true });

      const events = await auditOf(u.userId);
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.rectify', 'user.email_change']));
      const trail = JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      expect(trail).not.toContain(newEmail);
      expect(trail).not.toContain(u.email);
      expect(trail).not.toContain('Renamed Person');
    });

    it('a newer change supersedes the older link; the current address cancels; a taken address is 409', async () => {
      const u = await signUp(h, 'twice');
      const other = await signUp(h, 'taken');
      expect(checked(await h.http().patch('/api/v1/me').set(u.auth).send({ email: other.email })).status).toBe(409);
      const firstEmail = `first-${newKey()}@example.test`.toLowerCase();
      const secondEmail = `second-${newKey()}@example.test`.toLowerCase();
      checked(await h.http().patch('/api/v1/me').set(u.auth).send({ email: firstEmail }));
      await dispatch();
      const firstToken = tokenIn((await mailTo(firstEmail))[0]!.text, 'verify-email');
      checked(await h.http().patch('/api/v1/me').set(u.auth).send({ email: secondEmail }));
      await dispatch();
      const secondToken = tokenIn((await mailTo(secondEmail))[0]!.text, 'verify-email');
      expect(checked(await h.http().post('/api/v1/auth/verify-email').send({ token: firstToken })).status).toBe(400);
      // Back to the current address: the pending change is cancelled, its link no longer works.
      const cancelled = checked(await h.http().patch('/api/v1/me').set(u.auth).send({ email: u.email }));
      expect(cancelled.body.pending_email).toBeNull();
      expect(checked(await h.http().post('/api/v1/auth/verify-email').send({ token: secondToken })).status).toBe(400);
      expect((await userRow(u.userId)).email).toBe(u.email);
    });

    it('needs a signed-in user and refuses unknown fields', async () => {
      expect(checked(await h.http().patch('/api/v1/me').send({ name: 'X' })).status).toBe(401);
      const u = await signUp(h, 'strict');
      expect(checked(await h.http().patch('/api/v1/me').set(u.auth).send({ role: 'OWNER' })).status).toBe(400);
      expect(checked(await h.http().patch('/api/v1/me').set(u.auth).send({ email: 'not-an-email' })).status).toBe(400);
    });
  });

  describe('consent', () => {
    it('records each change with time and source; marketing mail only with consent, stopped by a withdrawal', async () => {
      const u = await signUp(h, 'consent');
      const initial = checked(await h.http().get('/api/v1/me/consents').set(u.auth));
      expect(initial.body).toEqual({ marketing: false, notifications: true, updated_at: null, history: [] });
      // Verified address (marketing goes only to verified addresses).
      await dispatch();
      const verify = tokenIn((await mailTo(u.email))[0]!.text, 'verify-email');
      checked(await h.http().post('/api/v1/auth/verify-email').send({ token: verify }));

      const system = await h.f.staffCtx(await h.f.staff('SUPERADMIN'));
      const marketingMail = async () => (await mailTo(u.email)).filter((m) => m.subject === 'What is new in your finance app');

      // No consent: nothing queued, and a message queued anyway (forged) is not delivered.
      expect(await h.t.services.lifecycle.queueMarketingMail(system, { tenantId: u.tenantId, campaign: 'product_news' })).toBe(0);
      await h.t.owner.prisma.outboxEvent.create({
        data: {
          tenantId: u.tenantId,
          type: 'user.marketing_message',
          payload: { userId: u.userId, tenantId: u.tenantId, campaign: 'product_news' },
        },
      });
      await dispatch();
      expect(await marketingMail()).toHaveLength(0);

      const given = checked(await h.http().put('/api/v1/me/consents').set(u.auth).send({ marketing: true }));
      expect(given.body.marketing).toBe(true);
      expect(given.body.history).toEqual([{ purpose: 'MARKETING', granted: true, source: 'API', at: given.body.updated_at }]);
      expect(await h.t.services.lifecycle.queueMarketingMail(system, { tenantId: u.tenantId, campaign: 'product_news' })).toBe(1);
      await dispatch();
      expect(await marketingMail()).toHaveLength(1);

      // Queued while consenting, withdrawn before delivery: not sent.
      expect(await h.t.services.lifecycle.queueMarketingMail(system, { tenantId: u.tenantId, campaign: 'product_news' })).toBe(1);
      const withdrawn = checked(await h.http().put('/api/v1/me/consents').set(u.auth).send({ marketing: false }));
      expect(withdrawn.body.history.map((c: { granted: boolean }) => c.granted)).toEqual([false, true]);
      await dispatch();
      expect(await marketingMail()).toHaveLength(1);

      const changes = await h.t.owner.prisma.consentChange.findMany({ where: { userId: u.userId } });
      expect(changes).toHaveLength(2);
      const audited = (await auditOf(u.userId)).filter((e) => e.action === 'user.consent_update');
      expect(audited).toHaveLength(2);
      // Unchanged consent: no change recorded, no audit event.
      checked(await h.http().put('/api/v1/me/consents').set(u.auth).send({ marketing: false }));
      expect(await h.t.owner.prisma.consentChange.count({ where: { userId: u.userId } })).toBe(2);
    });

    it('needs a signed-in user; a user cannot queue marketing mail', async () => {
      expect(checked(await h.http().get('/api/v1/me/consents')).status).toBe(401);
      expect(checked(await h.http().put('/api/v1/me/consents').send({ marketing: true })).status).toBe(401);
      const u = await signUp(h, 'noqueue');
      const ctx = await h.t.services.apiAuth.authenticate(u.accessToken);
      await expect(
        h.t.services.lifecycle.queueMarketingMail(ctx, { tenantId: u.tenantId, campaign: 'product_news' }),
      ).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    });
  });
});
