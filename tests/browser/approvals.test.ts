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
  type Staff = Awaited<ReturnType<ReturnType<typeof factories>['staff']>>;
  let maker: Staff;
  let checker: Staff;
  let compliance: Staff;
  let superadmin: Staff;
  let originalId: string;
  let requestId: string;

  beforeAll(async () => {
    h = await startBrowserHarness();
    f = factories(h.t.owner.prisma, h.t.services);
    const tenant = await f.tenant({ name: 'Ortega household', slug: 'ortega' });
    const account = await f.account(tenant.id, { name: 'Everyday account' });
    originalId = (await f.transaction(account, { amount: '40.00', description: 'Double charge' })).id;
    maker = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    checker = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    compliance = await f.staff('COMPLIANCE');
    superadmin = await f.staff('SUPERADMIN');
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
    requestId = makerPage.url().split('/records/')[1]!.split('/')[0]!;
    // The preview diff shows the amount as money in the staff member's locale (not the stored "4000.00").
    const amountRow = makerPage.locator('table.bo-diff tr', {
      has: makerPage.getByRole('rowheader', { name: 'Amount', exact: true }),
    });
    await expect.poll(() => amountRow.locator('td.after').textContent()).toBe('€4,000.00');
    const adjustments = () => h.t.owner.prisma.transaction.count({ where: { adjustsTransactionId: originalId, amount: '4000' } });
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
    // Each step named by its label (the audit action catalogue's, in the staff member's language).
    for (const step of ['Approval requested', 'Approval given', 'Approved change carried out'])
      await audit.getByText(step, { exact: true }).first().waitFor();
    await audit.goto(`${h.baseUrl}/admin/resources/AuditEvent/actions/verify`);
    await audit.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => notice(audit, 'success').textContent()).toMatch(/^The audit trail is intact/);
  });

  it("the maker's dashboard lists what they asked for, next to what waits for them, and opens the list of them", async () => {
    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, maker.email, STRONG_PASSWORD);
    await page.goto(`${h.baseUrl}/admin`);
    const mine = page.locator('[data-testid="dashboard-approvals-mine"]');
    await mine.waitFor();
    await page.locator('[data-testid="dashboard-approvals"]').waitFor();
    await expect.poll(() => mine.locator('li').first().textContent()).toMatch(/^Adjustment — Executed \(1\/1\)/);
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/ApprovalRequest') && url.search.includes('makerId')),
      mine.getByRole('link', { name: 'All the requests I made' }).click(),
    ]);
    await page.locator(`[data-id="${requestId}"]`).waitFor();
  });

  it('a superadmin edits the thresholds per currency: versioned, audited, and an adjustment between old and new applies at once', async () => {
    const p = h.t.owner.prisma;
    const policy = await p.approvalPolicy.findUniqueOrThrow({ where: { action: 'transaction.adjust' } });
    expect((policy.thresholds as Record<string, string>).EUR).toBe('1000');
    const attemptInput = {
      transactionId: originalId,
      amount: '3000.00',
      direction: 'CREDIT' as const,
      reason: 'Between the old and the new threshold',
    };
    // Under the old threshold (1000 EUR) 3000 waits.
    await expect(f.staffCtx(maker).then((ctx) => h.t.services.transactions.postAdjustment(ctx, attemptInput))).rejects.toThrow(
      /held for approval/,
    );

    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, superadmin.email, STRONG_PASSWORD);
    await page.goto(`${h.baseUrl}/admin/resources/ApprovalPolicy/records/${policy.id}/edit`);
    const eur = page.getByLabel('Amount in EUR', { exact: true });
    await expect.poll(() => eur.inputValue()).toBe('1000');
    await eur.fill('5000');
    await page.getByRole('button', { name: 'Remove BHD' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(page, 'success').textContent()).toMatch(/./);

    const after = await p.approvalPolicy.findUniqueOrThrow({ where: { id: policy.id } });
    expect(after.version).toBe(policy.version + 1);
    expect(after.thresholds).toEqual({ EUR: '5000', USD: '1000', GBP: '1000', CHF: '1000', JPY: '150000', '*': '1000' });
    const version = await p.approvalPolicyVersion.findUniqueOrThrow({
      where: { policyId_version: { policyId: policy.id, version: after.version } },
    });
    expect((version.snapshot as { thresholds: Record<string, string> }).thresholds.EUR).toBe('5000');
    const audited = await p.auditEvent.findFirstOrThrow({
      where: { action: 'approval_policy.update', recordId: policy.id, outcome: 'SUCCESS' },
      orderBy: { occurredAt: 'desc' },
    });
    expect(audited.actorId).toBe(superadmin.id);
    expect(JSON.stringify(audited.diff)).toContain('5000');
    // The policy's page shows the new amounts as money.
    await page.goto(`${h.baseUrl}/admin/resources/ApprovalPolicy/records/${policy.id}/show`);
    await page.locator('[data-testid="thresholds-show"]').getByText('€5,000.00').waitFor();

    // It takes effect: the same 3000 EUR adjustment now applies at once.
    const made = await f.staffCtx(maker).then((ctx) => h.t.services.transactions.postAdjustment(ctx, attemptInput));
    expect(made.kind).toBe('ADJUSTMENT');
  });
});
