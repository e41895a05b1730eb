import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { signIn, startBrowserHarness, type BrowserHarness } from './harness.js';

const notice = (page: Page, type: 'success' | 'error') => page.locator(`[data-testid="notice"][data-type="${type}"]`).last();

/**
 * Four-eyes in the browser: a support agent posts a large adjustment, a second agent approves it
 * from the dashboard, the transaction appears, and the audit trail tells the whole story, intact.
 */
describe('four-eyes approval in the browser', () => {
  let h: BrowserHarness;
  let f: ReturnType<typeof factories>;
  let maker: { email: string };
  let checker: { email: string };
  let compliance: { email: string };
  let originalId: string;

  beforeAll(async () => {
    h = await startBrowserHarness();
    f = factories(h.t.runtime.prisma, h.t.services);
    const tenant = await f.tenant({ name: 'Ortega household', slug: 'ortega' });
    const account = await f.account(tenant.id, { name: 'Everyday account' });
    originalId = (await f.transaction(account, { amount: '40.00', description: 'Double charge' })).id;
    maker = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    checker = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    compliance = await f.staff('COMPLIANCE');
    const policy = (await h.t.services.approvals.listPolicies(f.system())).find((p) => p.action === 'transaction.adjust')!;
    await h.t.services.approvals.updatePolicy(f.system(), policy.id, { enabled: true, reason: 'four-eyes on' });
  });
  afterAll(async () => h?.close());

  it('maker posts, checker approves from the dashboard, the trail shows every step and verifies intact', async () => {
    // The maker: a large adjustment is sent for approval, nothing is posted yet.
    const { page: makerPage } = await h.newPage();
    await signIn(makerPage, h.baseUrl, maker.email, STRONG_PASSWORD);
    await makerPage.goto(`${h.baseUrl}/admin/resources/Transaction/records/${originalId}/postAdjustment`);
    await makerPage.getByLabel(/^Amount/).fill('4000.00');
    await makerPage.getByLabel(/^Direction/).selectOption({ label: 'Credit' });
    await makerPage.getByLabel(/^Description/).fill('Refund of a large double charge');
    await makerPage.getByLabel(/^Reason/).fill('Bank confirmed the duplicate (ticket 5120)');
    await Promise.all([
      makerPage.waitForURL(/\/ApprovalRequest\/records\/[0-9a-f-]{36}\/show$/),
      makerPage.getByRole('button', { name: 'Confirm' }).click(),
    ]);
    await expect.poll(() => notice(makerPage, 'success').textContent()).toMatch(/^Sent for approval/);
    const requestId = makerPage.url().split('/records/')[1]!.split('/')[0]!;
    const adjustments = () =>
      h.t.runtime.prisma.transaction.count({ where: { adjustsTransactionId: originalId, amount: '4000' } });
    expect(await adjustments()).toBe(0);

    // The checker: the request waits on their dashboard; from there to its page, then Approve.
    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, checker.email, STRONG_PASSWORD);
    await page.goto(`${h.baseUrl}/admin`);
    const waiting = page.locator('[data-testid="dashboard-approvals"]');
    await waiting.waitFor();
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith(`/ApprovalRequest/records/${requestId}/show`)),
      waiting.getByRole('link', { name: 'Adjustment' }).click(),
    ]);
    // The diff of what will change is on the request's page.
    await page.getByText('Refund of a large double charge').first().waitFor();
    await page.goto(`${h.baseUrl}/admin/resources/ApprovalRequest/records/${requestId}/approve`);
    await page.getByLabel(/^Reason/).fill('Checked against the bank statement');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => notice(page, 'success').textContent()).toMatch(/^Approved/);
    await expect.poll(adjustments).toBe(1);

    // Compliance: the request's story in the trail, then the chain verifies intact.
    const { page: audit } = await h.newPage();
    await signIn(audit, h.baseUrl, compliance.email, STRONG_PASSWORD);
    await audit.goto(`${h.baseUrl}/admin/resources/AuditEvent?filters.recordId=${requestId}`);
    for (const step of ['approval.request', 'approval.approve', 'approval.execute'])
      await audit.getByText(step, { exact: true }).first().waitFor();
    await audit.goto(`${h.baseUrl}/admin/resources/AuditEvent/actions/verify`);
    await audit.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => notice(audit, 'success').textContent()).toMatch(/^The audit trail is intact/);
  });
});
