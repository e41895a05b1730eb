import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { visibleUuids } from './crawl.js';
import { englishLeftIn } from './english.js';
import { axeViolations, describeViolations, signIn, startBrowserHarness, type BrowserHarness } from './harness.js';
import { focused, tabTo } from './keyboard.js';

/** No axe violation, no raw UUID outside id fields, and (in Spanish) no English text of the admin. */
async function checkState(page: Page, name: string, locale: 'en' | 'es') {
  const violations = await axeViolations(page);
  const html = await page.evaluate(
    (targets) => targets.map((t) => document.querySelector(t)?.outerHTML.slice(0, 300) ?? t).join('\n'),
    violations.flatMap((v) => v.nodes.flatMap((n) => n.target)),
  );
  expect(violations, `${name}: ${describeViolations(violations)}\n${html}`).toEqual([]);
  expect(await visibleUuids(page), `${name}: raw UUIDs on screen`).toEqual([]);
  if (locale === 'es') expect(englishLeftIn(await page.evaluate(() => document.body.innerText)), name).toEqual([]);
}

describe("support's customer view in the browser (keyboard only, en and es)", () => {
  let h: BrowserHarness;
  const staff: Record<'en' | 'es', string> = { en: '', es: '' };

  beforeAll(async () => {
    h = await startBrowserHarness();
    const f = factories(h.t.owner.prisma, h.t.services);
    const garcia = await f.tenant({ name: 'Garcia household', slug: 'cust-1001' });
    const hidden = await f.tenant({ name: 'Hidden household', slug: 'cust-2002' });
    await f.user(garcia.id, { name: 'Ana Garcia', email: 'ana@garcia.example' });
    await f.user(hidden.id, { name: 'Hugo Hidden', email: 'hugo@hidden.example' });
    const account = await f.account(garcia.id, { name: 'Everyday account' });
    await f.transaction(account, {
      amount: '500.00',
      direction: 'CREDIT',
      description: 'Salary',
      occurredAt: new Date('2026-09-01T08:00:00Z'),
    });
    const groceries = await f.transaction(account, {
      amount: '12.50',
      description: 'Groceries',
      occurredAt: new Date('2026-09-02T08:00:00Z'),
    });
    await f.account(hidden.id, { name: 'Hidden account' });
    await h.t.services.transactions.postAdjustment(f.system(), {
      transactionId: groceries.id,
      amount: '2.50',
      direction: 'CREDIT',
      description: 'Refund of a double charge',
      reason: 'Duplicate charge (ticket 4711)',
    });
    await h.t.services.tenants.suspend(f.system(), { tenantId: garcia.id, reason: 'Chargeback under review' });
    await h.t.services.tenants.reactivate(f.system(), { tenantId: garcia.id, reason: 'Chargeback resolved' });
    for (const locale of ['en', 'es'] as const) {
      const member = await h.t.services.staff.create(f.system(), {
        email: `support.${locale}@customer-view.test`,
        name: `Sam Support ${locale}`,
        role: 'SUPPORT',
        locale,
        password: STRONG_PASSWORD,
        grantTenantIds: [garcia.id],
      });
      staff[locale] = member.email;
    }
  }, 120_000);
  afterAll(async () => h?.close());

  for (const locale of ['en', 'es'] as const)
    it(`finds a tenant by a user's email, reads its customer page, a transaction and the adjustment form (${locale})`, async () => {
      const text =
        locale === 'en'
          ? {
              findLink: "Find a tenant by name, slug or a user's email",
              label: "Name, slug or a user's email",
              found: '1 tenant found',
              none: 'No tenant you have access to matches.',
              users: 'Users (1)',
              balance: '€490.00',
              adjustments: 'Corrections posted on this transaction',
              post: 'Post adjustment',
              original: '-€12.50',
            }
          : {
              findLink: 'Buscar un cliente por nombre, identificador o correo de un usuario',
              label: 'Nombre, identificador o correo de un usuario',
              found: '1 cliente encontrado',
              none: 'Ningún cliente al que tenga acceso coincide.',
              users: 'Usuarios (1)',
              balance: '490,00\u00a0€',
              adjustments: 'Correcciones de este movimiento',
              post: 'Registrar ajuste',
              original: '-12,50\u00a0€',
            };
      const { page, context } = await h.newPage({ locale });
      try {
        await signIn(page, h.baseUrl, staff[locale], STRONG_PASSWORD);
        // The dashboard lists the agent's grants by tenant name, with the way to the search box.
        await page.getByTestId('my-grants').waitFor();
        expect(await page.getByTestId('my-grants').innerText()).toContain('Garcia household');
        await checkState(page, 'dashboard', locale);

        // From the dashboard's grants card to the search box, by keyboard.
        await tabTo(page, text.findLink);
        await Promise.all([page.waitForURL(/\/resources\/Tenant\/actions\/find$/), page.keyboard.press('Enter')]);
        await tabTo(page, text.label);
        await page.keyboard.type('hugo@hidden');
        await page.keyboard.press('Enter');
        await page.getByTestId('tenant-search-results').getByText(text.none).waitFor();
        // Back to the field (Shift+Tab), a new search: the granted tenant, by its user's email.
        await tabTo(page, text.label, { back: true });
        await page.keyboard.press('Control+A');
        await page.keyboard.type('ana@garcia');
        await page.keyboard.press('Enter');
        await page.getByTestId('tenant-search-results').getByText(text.found).waitFor();
        await checkState(page, 'tenant search with a result', locale);
        await tabTo(page, 'Garcia household');
        await Promise.all([page.waitForURL(/\/Tenant\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);

        const overview = page.getByTestId('tenant-overview');
        await overview.waitFor();
        const shown = await overview.innerText();
        for (const expected of [
          text.users,
          'ana@garcia.example',
          'Everyday account',
          text.balance,
          'Groceries',
          'Refund of a double charge',
          `Sam Support ${locale}`,
          'Chargeback resolved',
          'Chargeback under review',
        ])
          expect(shown).toContain(expected);
        expect(shown).not.toContain('Hidden');
        await checkState(page, 'tenant customer page', locale);

        // A transaction of the page, by its link (the date), with Enter.
        const row = page.getByTestId('tenant-transactions').getByRole('row').filter({ hasText: 'Groceries' });
        await row.getByRole('link').first().focus();
        await Promise.all([page.waitForURL(/\/Transaction\/records\/[^/]+\/show$/), page.keyboard.press('Enter')]);
        await page.getByTestId('transaction-overview').waitFor();
        const corrections = await page.getByTestId('transaction-adjustments').innerText();
        expect(corrections).toContain(text.adjustments);
        expect(corrections).toContain('Refund of a double charge');
        await checkState(page, 'transaction with its corrections', locale);

        await tabTo(page, text.post);
        await page.keyboard.press('Enter');
        const original = page.getByTestId('action-original');
        await original.waitFor();
        expect(await original.innerText()).toContain(text.original);
        expect(await original.innerText()).toContain('EUR');
        expect(await original.innerText()).toContain('Everyday account');
        expect((await focused(page)).name).not.toBe('');
        await checkState(page, 'adjustment form with the original', locale);
      } finally {
        await context.close();
      }
    }, 180_000);
});
