import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { axeViolations, describeViolations, startBrowserHarness, type BrowserHarness } from './harness.js';
import { focused, tabTo } from './keyboard.js';
import { signIn } from './harness.js';
import { cliContext } from '../../src/cli/system-context.js';
import { asOwner } from '../audit/helpers.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkers, type Workers } from '../../src/modules/jobs/jobs.worker.js';

/** Signs in with the keyboard only: type, Tab, type, Enter. */
async function keyboardSignIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/admin/login`);
  await page.locator('#login-email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(STRONG_PASSWORD);
  await Promise.all([page.waitForURL(/\/admin$/), page.keyboard.press('Enter')]);
  // The URL changes before the admin's React app has drawn the page: wait for its first focusable
  // element, as a person waits to see the page before pressing Tab.
  await page.locator('.bo-skip-link').waitFor({ state: 'attached' });
}

/** The notices on screen, as { type, text }. */
const notices = (page: Page) =>
  page
    .locator('[data-testid="notice"]')
    .evaluateAll((els) => els.map((e) => ({ type: e.getAttribute('data-type'), text: e.textContent?.trim() ?? '' })));

describe('keyboard-only journeys (Tab, Enter, Escape, arrows; no mouse)', () => {
  let h: BrowserHarness;
  let support: { email: string };
  let garcia: { id: string };

  beforeAll(async () => {
    h = await startBrowserHarness();
    const f = factories(h.t.owner.prisma, h.t.services);
    garcia = await f.tenant({ name: 'Garcia household', slug: 'garcia' });
    const hidden = await f.tenant({ name: 'Hidden household', slug: 'hidden' });
    await f.user(garcia.id, { name: 'Ana Garcia', email: 'ana@garcia.example' });
    const account = await f.account(garcia.id, { name: 'Everyday account' });
    for (let i = 0; i < 3; i++) await f.transaction(account, { amount: `${12 + i}.50`, description: `Groceries ${i + 1}` });
    await f.account(hidden.id);
    support = await f.staff('SUPPORT', { grantTenantIds: [garcia.id] });
  });
  afterAll(async () => h?.close());

  it('a support agent finds a tenant, opens a transaction and posts an adjustment', async () => {
    const { page } = await h.newPage();
    await keyboardSignIn(page, h.baseUrl, support.email);

    // The first Tab offers the skip link; the navigation's groups are open, its links reachable.
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Skip to content');
    await tabTo(page, 'Tenants');
    await Promise.all([page.waitForURL(/\/resources\/Tenant$/), page.keyboard.press('Enter')]);
    await tabTo(page, 'Garcia household');
    expect(await page.getByText('Hidden household').count()).toBe(0);
    await Promise.all([page.waitForURL(/\/Tenant\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);

    await tabTo(page, 'Transactions');
    await Promise.all([page.waitForURL(/\/resources\/Transaction$/), page.keyboard.press('Enter')]);
    await tabTo(page, 'Groceries 1');
    await Promise.all([page.waitForURL(/\/Transaction\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);
    const originalId = page.url().split('/records/')[1]!.split('/')[0]!;

    await tabTo(page, 'Post adjustment');
    await page.keyboard.press('Enter');
    await page.getByLabel('Amount').waitFor();
    await tabTo(page, /^Amount/);
    await page.keyboard.type('2.50');
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toMatch(/^Direction/);
    await page.keyboard.press('ArrowDown'); // the first choice: Credit
    await page.keyboard.press('Tab');
    await page.keyboard.type('Refund of a double charge');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Customer reported a duplicate charge (ticket 4711)');
    await tabTo(page, 'Confirm');
    await Promise.all([
      page.waitForURL((url) => /\/Transaction\/records\/[^/]+\/show$/.test(url.pathname) && !url.pathname.includes(originalId)),
      page.keyboard.press('Enter'),
    ]);
    const adjustment = await h.t.owner.prisma.transaction.findFirstOrThrow({ where: { adjustsTransactionId: originalId } });
    expect(adjustment).toMatchObject({ kind: 'ADJUSTMENT', direction: 'CREDIT', description: 'Refund of a double charge' });
    expect(page.url()).toContain(adjustment.id);
    // The success notice is on the page the action led to.
    await page.locator('[data-testid="notice"][data-type="success"]').waitFor();
    expect(await notices(page)).toEqual([{ type: 'success', text: expect.stringMatching(/adjustment/i) as string }]);
  });
});

type Field = [label: string | RegExp, value: string, kind?: 'select' | 'reference'];

/** Fills a custom action's form (by the fields' labels) and presses Confirm. */
async function submitForm(page: Page, fields: Field[]) {
  for (const [label, value, kind] of fields) {
    const field = page.getByLabel(label, { exact: typeof label === 'string' });
    if (kind === 'select') await field.selectOption({ label: value });
    else if (kind === 'reference') {
      await page.getByRole('searchbox', { name: `Search: ${String(label)}` }).fill(value);
      await field.locator('option', { hasText: value }).first().waitFor({ state: 'attached' });
      await field.selectOption({ label: value });
    } else await field.fill(value);
  }
  await page.getByRole('button', { name: /^(Confirm|Save)$/ }).click();
}

const notice = (page: Page, type: 'success' | 'error') => page.locator(`[data-testid="notice"][data-type="${type}"]`).last();

describe('keyboard-only journeys of compliance and engineering', () => {
  let h: BrowserHarness;
  let compliance: { email: string };
  let engineer: { email: string };
  let workers: Workers;

  beforeAll(async () => {
    h = await startBrowserHarness({ EXPORT_DIR: mkdtempSync(join(tmpdir(), 'backoffice-browser-exports-')) });
    workers = await startWorkers(h.t.runtime, h.t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
    });
    const f = factories(h.t.owner.prisma, h.t.services);
    const tenant = await f.tenant({ name: 'Novak household', slug: 'novak' });
    const account = await f.account(tenant.id, { name: 'Salary account' });
    await f.transaction(account, { amount: '9.99', description: 'Streaming' });
    await h.t.services.tenants.suspend(f.system(), { tenantId: tenant.id, reason: 'Chargeback under review' });
    await h.t.services.tenants.reactivate(f.system(), { tenantId: tenant.id, reason: 'Chargeback resolved' });
    compliance = await f.staff('COMPLIANCE');
    engineer = await f.staff('ENGINEER');
  }, 120_000);
  afterAll(async () => {
    await workers?.stop();
    await h?.close();
  });

  it('a compliance officer filters the audit trail and exports the filtered view', async () => {
    const { page } = await h.newPage();
    await keyboardSignIn(page, h.baseUrl, compliance.email);
    await tabTo(page, 'Audit events');
    await Promise.all([page.waitForURL(/\/resources\/AuditEvent$/), page.keyboard.press('Enter')]);
    await tabTo(page, /^Filter/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect((await focused(page)).name).toBe('Filters');
    // The action is a choice list over the catalogue of codes, by label, with type-ahead.
    await tabTo(page, /^Action/);
    await page.keyboard.type('Tenant susp');
    // Open, filtered to what was typed: still axe-clean.
    await page.getByRole('option', { name: 'Tenant suspended' }).waitFor();
    const open = await axeViolations(page);
    expect(open, describeViolations(open)).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.getByRole('dialog').getByText('Tenant suspended', { exact: true }).count()).toBe(1);
    await tabTo(page, 'Apply changes');
    await Promise.all([page.waitForURL(/filters\.action=tenant\.suspend/), page.keyboard.press('Enter')]);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect((await focused(page)).name).toMatch(/^Filter/);
    // The row names its action by label, in the staff member's language.
    await expect.poll(() => page.locator('tbody').getByText('Tenant suspended', { exact: true }).count()).toBe(1);

    await tabTo(page, 'Export this view');
    await page.keyboard.press('Enter');
    await tabTo(page, /^Format/);
    await page.keyboard.press('ArrowDown'); // CSV
    await page.keyboard.press('Tab');
    await page.keyboard.type('Regulator request REG-7: suspensions this year');
    await tabTo(page, 'Confirm');
    await Promise.all([page.waitForURL(/\/ExportJob\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);
    await expect.poll(() => notice(page, 'success').textContent()).toBe('The export has started.');
    const job = await h.t.owner.prisma.exportJob.findFirstOrThrow({ where: { resource: 'AuditEvent' } });
    // The view leaves page views out (its default): so does its export.
    expect(job.filters).toEqual({ action: 'tenant.suspend', includeReads: 'false' });
    expect(page.url()).toContain(job.id);
    // The job's page follows it to the end.
    await page.getByText('Finished: ready to download').waitFor({ timeout: 30_000 });
    expect(await page.getByText('1 of 1 rows exported').count()).toBe(1);
  });

  it('an engineer starts an export and downloads it', async () => {
    const { page } = await h.newPage();
    await keyboardSignIn(page, h.baseUrl, engineer.email);
    await tabTo(page, 'Export jobs');
    await Promise.all([page.waitForURL(/\/resources\/ExportJob$/), page.keyboard.press('Enter')]);
    await tabTo(page, 'Start export');
    await page.keyboard.press('Enter');
    await tabTo(page, /^What to export/);
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown'); // —, full data, Tenants, Users, Accounts
    expect(await page.getByLabel('What to export').inputValue()).toBe('Account');
    await tabTo(page, /^Format/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // JSON, CSV
    await tabTo(page, /^Reason/);
    await page.keyboard.type('Quarterly analysis of account types');
    await tabTo(page, 'Confirm');
    await Promise.all([page.waitForURL(/\/ExportJob\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);
    await expect.poll(() => notice(page, 'success').textContent()).toBe('The export has started.');
    await page.getByText('Finished: ready to download').waitFor({ timeout: 30_000 });

    await tabTo(page, 'Download');
    await Promise.all([page.waitForURL(/\/download$/), page.keyboard.press('Enter')]);
    await tabTo(page, 'Download');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = await download.path();
    expect(file).toBeTruthy();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^id,/);
  });
});

describe('feedback on every custom action: the success notice and a failure notice, on screen', () => {
  let h: BrowserHarness;
  const staff = {} as Record<'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER', { id: string; email: string }>;
  let tenant: { id: string };
  let user: { id: string };
  let tx: { id: string };
  let account: { id: string; tenantId: string; currency: string };
  let colleague: { id: string };
  let other: { id: string; email: string };
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    h = await startBrowserHarness();
    const f = factories(h.t.owner.prisma, h.t.services);
    tenant = await f.tenant({ name: 'Lopez household', slug: 'lopez' });
    user = await f.user(tenant.id, { name: 'Luis Lopez', email: 'luis@lopez.example' });
    await f.user(tenant.id, { name: 'Maria Lopez', email: 'maria@lopez.example' });
    account = await f.account(tenant.id, { name: 'Joint account' });
    tx = await f.transaction(account, { amount: '40.00', description: 'Electricity bill' });
    staff.SUPPORT = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    staff.SUPERADMIN = await f.staff('SUPERADMIN');
    staff.COMPLIANCE = await f.staff('COMPLIANCE');
    staff.ENGINEER = await f.staff('ENGINEER');
    colleague = await f.staff('SUPPORT', { email: 'colleague@staff.test' });
    other = await f.staff('ENGINEER', { email: 'other@staff.test' });
  }, 120_000);
  afterAll(async () => h?.close());

  /** One signed-in page per role, reused by that role's cases. */
  async function pageFor(role: keyof typeof staff): Promise<Page> {
    let page = pages.get(role);
    if (!page) {
      page = (await h.newPage()).page;
      await signIn(page, h.baseUrl, staff[role].email, STRONG_PASSWORD);
      pages.set(role, page);
    }
    return page;
  }
  const recordAction = (resource: string, id: string, action: string) =>
    `${h.baseUrl}/admin/resources/${resource}/records/${id}/${action}`;
  const resourceAction = (resource: string, action: string) => `${h.baseUrl}/admin/resources/${resource}/actions/${action}`;

  /**
   * Opens the action's page (which must pass axe), submits it wrongly and expects the server's
   * refusal as an error notice (and the field's message), then submits it rightly and expects
   * the success notice on the page the action leads to.
   */
  async function expectFeedback(opts: {
    role: keyof typeof staff;
    url: () => string;
    fail: Field[];
    failMessage: string | RegExp;
    failField?: string | RegExp;
    beforeFail?: () => Promise<unknown>;
    succeed: Field[];
    successMessage: string | RegExp;
    beforeSucceed?: () => Promise<unknown>;
  }) {
    const page = await pageFor(opts.role);
    await page.goto(opts.url());
    await page.getByRole('button', { name: /^(Confirm|Save)$/ }).waitFor();
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await opts.beforeFail?.();
    await submitForm(page, opts.fail);
    await expect.poll(() => notice(page, 'error').textContent()).toMatch(opts.failMessage);
    if (opts.failField) await page.getByRole('alert').filter({ hasText: opts.failField }).first().waitFor();
    await page.locator('[data-testid="notice"] button').last().click(); // dismissed, so the next one is fresh
    await opts.beforeSucceed?.();
    await page.goto(opts.url());
    await page.getByRole('button', { name: /^(Confirm|Save)$/ }).waitFor();
    const before = page.url();
    await submitForm(page, opts.succeed);
    await expect.poll(() => notice(page, 'success').textContent()).toMatch(opts.successMessage);
    return { page, before };
  }

  const tooShort = /This value is too small or too short/;
  const invalid = /^(Some values are not valid: see each field's message\.|The request is not valid\.)$/;

  it('suspend and reactivate a tenant', async () => {
    await expectFeedback({
      role: 'SUPPORT',
      url: () => recordAction('Tenant', tenant.id, 'suspend'),
      fail: [['Reason', 'no']],
      failMessage: invalid,
      failField: tooShort,
      succeed: [['Reason', 'Chargeback dispute, ticket 88']],
      successMessage: 'The tenant is suspended; its owner will be notified.',
    });
    await expectFeedback({
      role: 'SUPPORT',
      url: () => recordAction('Tenant', tenant.id, 'reactivate'),
      // Someone else reactivated it meanwhile: the form's submit is refused with the reason.
      fail: [['Reason', 'Dispute resolved']],
      beforeFail: () =>
        h.t.services.tenants.reactivate(cliContext('test'), { tenantId: tenant.id, reason: 'Resolved by a colleague' }),
      failMessage: /This tenant is not suspended/,
      beforeSucceed: () => h.t.services.tenants.suspend(cliContext('test'), { tenantId: tenant.id, reason: 'Suspended again' }),
      succeed: [['Reason', 'Dispute resolved']],
      successMessage: 'The tenant is active again.',
    });
  });

  it('unlock a user and send a password reset', async () => {
    const lock = () => h.t.owner.prisma.user.update({ where: { id: user.id }, data: { failedLoginCount: 5, status: 'LOCKED' } });
    await lock();
    await expectFeedback({
      role: 'SUPPORT',
      url: () => recordAction('User', user.id, 'unlock'),
      fail: [['Reason', 'Customer called']],
      beforeFail: () => h.t.services.users.unlock(cliContext('test'), { userId: user.id }),
      failMessage: /This user is not locked/,
      beforeSucceed: lock,
      succeed: [['Reason', 'Customer called']],
      successMessage: 'The user is unlocked.',
    });
    await expectFeedback({
      role: 'SUPPORT',
      url: () => recordAction('User', user.id, 'sendPasswordReset'),
      fail: [['Reason', 'Forgot password']],
      beforeFail: () => h.t.owner.prisma.user.update({ where: { id: user.id }, data: { status: 'DISABLED' } }),
      failMessage: /This user is not active/,
      beforeSucceed: () => h.t.owner.prisma.user.update({ where: { id: user.id }, data: { status: 'ACTIVE' } }),
      succeed: [['Reason', 'Forgot password']],
      successMessage: 'A password reset email is on its way.',
    });
  });

  it('post an adjustment', async () => {
    const { page } = await expectFeedback({
      role: 'SUPPORT',
      url: () => recordAction('Transaction', tx.id, 'postAdjustment'),
      fail: [
        ['Amount', '1.234'],
        ['Direction', 'Credit', 'select'],
        ['Reason', 'Duplicate charge'],
      ],
      failMessage: invalid,
      failField: /Too many decimal places/,
      succeed: [
        ['Amount', '1.23'],
        ['Direction', 'Credit', 'select'],
        ['Reason', 'Duplicate charge'],
      ],
      successMessage: 'The adjustment is posted.',
    });
    await page.waitForURL((url) => !url.pathname.includes(tx.id));
  });

  it('reveal personal data', async () => {
    await expectFeedback({
      role: 'COMPLIANCE',
      url: () => recordAction('User', user.id, 'reveal'),
      fail: [['Reason', 'no']],
      failMessage: invalid,
      failField: tooShort,
      succeed: [['Reason', 'Regulator request REG-12']],
      successMessage: /Personal data revealed/,
    });
  });

  it('start an export', async () => {
    await expectFeedback({
      role: 'ENGINEER',
      url: () => resourceAction('ExportJob', 'startExport'),
      fail: [
        ['What to export', 'Accounts', 'select'],
        ['Format', 'CSV', 'select'],
        ['Reason', 'no'],
      ],
      failMessage: invalid,
      failField: tooShort,
      succeed: [
        ['What to export', 'Accounts', 'select'],
        ['Format', 'CSV', 'select'],
        ['Reason', 'Quarterly analysis'],
      ],
      successMessage: 'The export has started.',
    });
  });

  it('grant and revoke tenant access', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await expectFeedback({
      role: 'SUPERADMIN',
      url: () => resourceAction('TenantAccessGrant', 'grant'),
      fail: [
        ['Staff member', 'colleague@staff.test', 'reference'],
        ['Tenant', 'Lopez household', 'reference'],
        ['Reason', 'no'],
        ['Expires', tomorrow],
      ],
      failMessage: invalid,
      failField: tooShort,
      succeed: [
        ['Staff member', 'colleague@staff.test', 'reference'],
        ['Tenant', 'Lopez household', 'reference'],
        ['Reason', 'Covering ticket 77 while Ana is away'],
        ['Expires', tomorrow],
      ],
      successMessage: 'Access granted.',
    });
    const grant = await h.t.owner.prisma.tenantAccessGrant.findFirstOrThrow({ where: { staffUserId: colleague.id } });
    await expectFeedback({
      role: 'SUPERADMIN',
      url: () => recordAction('TenantAccessGrant', grant.id, 'revoke'),
      fail: [['Reason', 'no']],
      failMessage: invalid,
      failField: tooShort,
      succeed: [['Reason', 'Ticket 77 closed']],
      successMessage: 'Access revoked.',
    });
  });

  it('disable, enable and end the sessions of a staff account', async () => {
    for (const [action, message] of [
      ['endSessions', 'All sessions of this staff account have ended.'],
      ['disable', 'The staff account is disabled and its sessions have ended.'],
      ['enable', 'The staff account is enabled.'],
    ] as const)
      await expectFeedback({
        role: 'SUPERADMIN',
        url: () => recordAction('StaffUser', other.id, action),
        fail: [['Reason', 'no']],
        failMessage: invalid,
        failField: tooShort,
        succeed: [['Reason', 'Laptop reported stolen']],
        successMessage: message,
      });
  });

  it('create a staff member and a tenant user (new forms with a password)', async () => {
    await expectFeedback({
      role: 'SUPERADMIN',
      url: () => resourceAction('StaffUser', 'new'),
      fail: [
        ['Email', 'new.member@staff.test'],
        ['Role', 'Support', 'select'],
        ['Password', 'short'],
      ],
      failMessage: invalid,
      failField: /at least 12 characters/,
      succeed: [
        ['Email', 'new.member@staff.test'],
        ['Role', 'Support', 'select'],
        ['Password', 'a-long-unusual-Password-9'],
      ],
      successMessage: /created|Created/,
    });
    await expectFeedback({
      role: 'SUPERADMIN',
      url: () => resourceAction('User', 'new'),
      fail: [
        ['Tenant', 'Lopez household', 'reference'],
        ['Email', 'second@lopez.example'],
        ['Password', 'password'],
      ],
      failMessage: invalid,
      failField: /at least 12 characters/,
      succeed: [
        ['Tenant', 'Lopez household', 'reference'],
        ['Email', 'second@lopez.example'],
        ['Password', 'a-long-unusual-Password-9'],
      ],
      successMessage: /created|Created/,
    });
  });

  it("shows the server's refusal of a stock edit and of a delete", async () => {
    const page = await pageFor('SUPERADMIN');
    // Edit: an email another user has.
    await page.goto(recordAction('User', user.id, 'edit'));
    await page.getByLabel('Email').fill('maria@lopez.example');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(page, 'error').textContent()).toMatch(/already exists/);
    expect(await page.locator('[data-testid="notice"]').allTextContents()).not.toContainEqual(expect.stringMatching(/console/i));
    await page.locator('[data-testid="notice"] button').last().click();

    // Delete, from the row's menu by keyboard: an account that still has transactions.
    await page.goto(`${h.baseUrl}/admin/resources/Account`);
    await page.getByRole('button', { name: 'Actions for Joint account' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Delete' }).waitFor();
    await page.keyboard.press('End');
    expect((await focused(page)).name).toBe('Delete');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => notice(page, 'error').textContent())
      .toBe('This account has transactions, so it cannot be deleted: archive it instead.');
    expect(await h.t.owner.prisma.account.count({ where: { id: account.id } })).toBe(1);
  });

  it('verify the audit trail: intact, then broken at the first altered event', async () => {
    const page = await pageFor('COMPLIANCE');
    await page.goto(resourceAction('AuditEvent', 'verify'));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => notice(page, 'success').textContent())
      .toMatch(/^The audit trail is intact: \d+ events in \d+ chains verified\.$/);
    await page.locator('[data-testid="verify-result"][data-status="intact"]').waitFor();
    const intact = await axeViolations(page);
    expect(intact, describeViolations(intact)).toEqual([]);

    // An attacker with database access edits one event of the tenant's chain.
    const victim = await h.t.owner.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: tenant.id },
      orderBy: { seq: 'asc' },
    });
    await asOwner(h.t, async (c) => {
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await c.query(`UPDATE "AuditEvent" SET "reason" = 'forged' WHERE "id" = $1`, [victim.id]);
      await c.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    });
    await page.goto(resourceAction('AuditEvent', 'verify'));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => notice(page, 'error').textContent())
      .toBe(`The audit trail is broken: the first broken link is at event #${victim.seq}.`);
    const card = page.locator('[data-testid="verify-result"][data-status="broken"]');
    await card.waitFor();
    expect(await card.textContent()).toContain(`Event #${victim.seq}: its content was changed.`);
    expect(await card.getByRole('link', { name: 'Open this event' }).getAttribute('href')).toContain(victim.id);
  });
});
