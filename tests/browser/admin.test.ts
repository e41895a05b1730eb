import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/modules/staff-auth/totp.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { axeViolations, describeViolations, signIn, startBrowserHarness, type BrowserHarness } from './harness.js';

const SHOTS = join(tmpdir(), 'backoffice-browser');

describe('admin in a real browser (Chromium)', () => {
  let h: BrowserHarness;
  const staff: Record<'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER', { email: string }> = {} as never;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startBrowserHarness();
    const f = factories(h.t.owner.prisma, h.t.services);
    const granted = await f.tenant({ name: 'Garcia household' });
    const hidden = await f.tenant({ name: 'Hidden household' });
    await f.tenant({ name: 'Smith household' });
    const user = await f.user(granted.id, { name: 'Ana Garcia' });
    void user;
    const account = await f.account(granted.id, { name: 'Everyday account' });
    for (let i = 0; i < 3; i++) await f.transaction(account, { amount: `${12 + i}.50`, description: `Groceries ${i + 1}` });
    await f.account(hidden.id);
    staff.SUPPORT = await f.staff('SUPPORT', { grantTenantIds: [granted.id] });
    staff.SUPERADMIN = await f.staff('SUPERADMIN');
    staff.COMPLIANCE = await f.staff('COMPLIANCE');
    staff.ENGINEER = await f.staff('ENGINEER');
  });
  afterAll(async () => h?.close());

  it('has an accessible login page (axe, WCAG 2.1 AA) in English and Spanish', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.baseUrl}/admin/login`);
    await page.locator('#login-email').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'login-en.png') });

    await page.getByRole('link', { name: 'Español' }).click();
    await page.getByLabel('Correo electrónico').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    const es = await axeViolations(page);
    expect(es, describeViolations(es)).toEqual([]);
  });

  it('shows a wrong password as an announced error, and keeps the page accessible', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.baseUrl}/admin/login`);
    await page.locator('#login-email').fill(staff.SUPPORT.email);
    await page.locator('#login-password').fill('not-the-right-password');
    await page.locator('button[type=submit]').click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong email or password');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('asks for the authenticator code of an account with TOTP, on an accessible page', async () => {
    const f = factories(h.t.owner.prisma, h.t.services);
    const member = await f.staff('ENGINEER');
    const { secret } = await h.t.services.staffAuth.enrollTotp(f.system(), { staffUserId: member.id });
    const { page } = await h.newPage();
    await page.goto(`${h.baseUrl}/admin/login`);
    await page.locator('#login-email').fill(member.email);
    await page.locator('#login-password').fill(STRONG_PASSWORD);
    await page.locator('button[type=submit]').click();
    const code = page.getByLabel('Authentication code');
    await code.waitFor();
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await code.fill(totpCode(secret, totpStep()));
    await Promise.all([page.waitForURL(/\/admin$/), page.locator('button[type=submit]').click()]);
    await page.getByTestId('dashboard-engineering').waitFor();
  });

  for (const role of ['SUPPORT', 'COMPLIANCE', 'ENGINEER', 'SUPERADMIN'] as const) {
    it(`shows the ${role} dashboard with its charts, passing axe`, async () => {
      const { page } = await h.newPage();
      await signIn(page, h.baseUrl, staff[role].email, STRONG_PASSWORD);
      const section = { SUPPORT: 'support', COMPLIANCE: 'compliance', ENGINEER: 'engineering', SUPERADMIN: 'staff' }[role];
      await page.getByTestId(`dashboard-${section}`).waitFor();
      expect(await page.locator('svg[role=img]').count()).toBeGreaterThan(0);
      const violations = await axeViolations(page);
      await page.screenshot({ path: join(SHOTS, `dashboard-${role.toLowerCase()}.png`), fullPage: true });
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }

  it('counts only the granted tenant on the support dashboard', async () => {
    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, staff.SUPPORT.email, STRONG_PASSWORD);
    const chart = page.getByRole('img', { name: /Tenants by status/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-labelledby')).toBeTruthy();
    // The chart's text alternative carries the numbers: one ACTIVE tenant (the granted one), not three.
    const description = await chart.locator('desc').textContent();
    expect(description).toContain('Active: 1');
    expect(description).toContain('Total: 1');
  });

  it('lets a staff member switch the admin to Spanish, and keeps the choice for the next session', async () => {
    const { page, context } = await h.newPage();
    await signIn(page, h.baseUrl, staff.SUPPORT.email, STRONG_PASSWORD);
    await page.goto(`${h.baseUrl}/admin/resources/Transaction`);
    await page.getByText('Groceries 1').waitFor();

    // Switch the admin to Spanish: the page follows at once and the choice is kept.
    await page.getByRole('button', { name: /English/ }).click();
    const saved = page.waitForResponse((r) => r.url().endsWith('/admin/api/me/locale') && r.status() === 204);
    await page.getByText('Español', { exact: true }).click();
    await saved;
    await page.getByText('Movimientos').first().waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');

    await page.goto(`${h.baseUrl}/admin`);
    await page.getByTestId('dashboard-support').getByRole('heading', { name: 'Clientes', exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'dashboard-support-es.png'), fullPage: true });
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // A new session opens in Spanish.
    await context.clearCookies();
    await signIn(page, h.baseUrl, staff.SUPPORT.email, STRONG_PASSWORD);
    await page.getByTestId('dashboard-support').getByRole('heading', { name: 'Clientes', exact: true }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
  });
});
