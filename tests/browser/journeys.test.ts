import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { startBrowserHarness, type BrowserHarness } from './harness.js';
import { focused, tabTo } from './keyboard.js';

/** Signs in with the keyboard only: type, Tab, type, Enter. */
async function keyboardSignIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/admin/login`);
  await page.locator('#login-email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(STRONG_PASSWORD);
  await Promise.all([page.waitForURL(/\/admin$/), page.keyboard.press('Enter')]);
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
    const f = factories(h.t.runtime.prisma, h.t.services);
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
    const adjustment = await h.t.runtime.prisma.transaction.findFirstOrThrow({ where: { adjustsTransactionId: originalId } });
    expect(adjustment).toMatchObject({ kind: 'ADJUSTMENT', direction: 'CREDIT', description: 'Refund of a double charge' });
    expect(page.url()).toContain(adjustment.id);
    // The success notice is on the page the action led to.
    await page.locator('[data-testid="notice"][data-type="success"]').waitFor();
    expect(await notices(page)).toEqual([{ type: 'success', text: expect.stringMatching(/adjustment/i) as string }]);
  });
});
