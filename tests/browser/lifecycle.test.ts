import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations, signIn, startBrowserHarness, type BrowserHarness } from './harness.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { TEST_SECRETS } from '../helpers/db.js';
import { createAccountToken } from '../../src/modules/mail/account-token.js';

const LINK_BASE = 'https://app.example.test';
const NEW_PASSWORD = 'sunlit-Harbour-lantern-58';

/**
 * Issue 14's journey in Chromium: a support agent sends a password reset from the admin, the
 * development mailbox holds the link, and the user follows it and chooses a new password — once.
 */
describe('password reset: from the admin to the user choosing a new password (Chromium)', () => {
  let h: BrowserHarness;
  let f: ReturnType<typeof factories>;
  let support: { id: string; email: string; role: 'SUPPORT'; locale: string };
  let user: { id: string; email: string; tenantId: string };

  beforeAll(async () => {
    // The links of account mail point at a separate web app: configurable.
    h = await startBrowserHarness({ ACCOUNT_LINK_BASE_URL: LINK_BASE });
    f = factories(h.t.owner.prisma, h.t.services);
    const tenant = await f.tenant({ name: 'Reset household' });
    user = await f.user(tenant.id, { name: 'Rosa Reset', email: 'rosa@reset.example' });
    support = (await f.staff('SUPPORT', { grantTenantIds: [tenant.id] })) as typeof support;
  }, 120_000);
  afterAll(async () => h?.close());

  const api = (path: string, body: unknown) =>
    fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const dispatch = async () => {
    const dispatcher = h.t.services.outbox.createDispatcher({ mailer: h.t.services.mail.createMailer() });
    while ((await dispatcher.dispatchOnce()).claimed > 0);
  };
  /** The link of the newest reset mail to the user, on this test server instead of the web app. */
  async function latestLink(): Promise<string> {
    await dispatch();
    const mails = await h.t.owner.prisma.mailMessage.findMany({
      where: { to: user.email, subject: 'Reset your password' },
      orderBy: { createdAt: 'desc' },
    });
    const link = /https?:\/\/\S+\/reset-password\?\S+/.exec(mails[0]!.text)![0];
    expect(link.startsWith(`${LINK_BASE}/reset-password?token=`)).toBe(true);
    return link.replace(LINK_BASE, h.baseUrl);
  }
  async function choosePassword(page: Page, link: string, password: string) {
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password').fill(password);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save the new password' }).click()]);
  }

  it('support sends it, the mailbox holds the link, the new password works once and ends old sessions', async () => {
    const before = await (await api('/api/v1/auth/token', { email: user.email, password: STRONG_PASSWORD })).json();
    expect(before.refresh_token).toBeDefined();

    const { page: admin } = await h.newPage();
    await signIn(admin, h.baseUrl, support.email, STRONG_PASSWORD);
    await admin.goto(`${h.baseUrl}/admin/resources/User/records/${user.id}/sendPasswordReset`);
    await admin.getByLabel('Reason').fill('Customer called: forgot password');
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => admin.locator('[data-testid="notice"][data-type="success"]').last().textContent())
      .toMatch('A password reset email is on its way.');

    const link = await latestLink();
    const { page } = await h.newPage();
    await page.goto(link);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    // No third-party asset, no script: the page needs nothing the CSP would have to allow.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('[src^="http"], link[href^="http"]').count()).toBe(0);

    // The policy applies on the page too.
    await choosePassword(page, link, 'short');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/too short/);
    await choosePassword(page, link, NEW_PASSWORD);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch('Your password has been changed.');

    // The old session is over; the new password works.
    expect((await api('/api/v1/auth/refresh', { refresh_token: before.refresh_token })).status).toBe(401);
    expect((await api('/api/v1/auth/token', { email: user.email, password: STRONG_PASSWORD })).status).toBe(401);
    expect((await api('/api/v1/auth/token', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);

    // Never twice.
    await choosePassword(page, link, 'another-Fresh-phrase-61');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/cannot be used/);
    expect((await api('/api/v1/auth/token', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);

    const actions = (await h.t.owner.prisma.auditEvent.findMany({ where: { recordId: user.id } })).map(
      (e) => `${e.action}:${e.outcome}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.password_reset:SUCCESS',
        'api.auth.password_reset:SUCCESS',
        'api.auth.password_reset:FAILURE',
      ]),
    );
  }, 120_000);

  it('a superseded or expired link is refused; the page speaks Spanish', async () => {
    const ctx = await f.staffCtx(support);
    await h.t.services.users.requestPasswordReset(ctx, { userId: user.id, reason: 'first request' });
    const first = await latestLink();
    await h.t.services.users.requestPasswordReset(ctx, { userId: user.id, reason: 'second request' });
    const second = await latestLink();
    expect(second).not.toBe(first);

    const { page } = await h.newPage({ locale: 'es-ES' });
    await choosePassword(page, first, 'superseded-Link-try-12');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/cannot be used/);

    const current = (await h.t.owner.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordResetSentAt!;
    const expired = createAccountToken(
      TEST_SECRETS.accountTokenKey,
      'password-reset',
      { userId: user.id, requestedAt: current },
      Date.now() - 2 * 60 * 60 * 1000,
    );
    await page.goto(`${h.baseUrl}/reset-password?token=${encodeURIComponent(expired)}&lang=es`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Elija una nueva contraseña');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.getByLabel('Nueva contraseña', { exact: true }).fill('expired-Link-try-34');
    await page.getByLabel('Repita la nueva contraseña').fill('expired-Link-try-34');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Guardar la nueva contraseña' }).click()]);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/no se puede usar/);

    // The current link still works after both refusals.
    await choosePassword(page, second, 'current-Link-works-56');
    await expect.poll(() => page.getByRole('status').textContent()).toMatch('Your password has been changed.');
  }, 120_000);
});
