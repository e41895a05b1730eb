import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Prisma } from '@prisma/client';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { signIn, startBrowserHarness, type BrowserHarness } from './harness.js';
import { tabTo } from './keyboard.js';

/**
 * The dashboard's bars click through (by mouse) and their links below each chart are reached
 * and opened by keyboard (Tab, Enter): each opens the list it counts, filtered as it says — in
 * the URL's filters and in the rows shown. Over the demo seed: months of audit history, one
 * tenant suspended.
 */
describe('dashboard bars and links open the filtered list they count', () => {
  let h: BrowserHarness;
  let f: ReturnType<typeof factories>;
  let compliance: Awaited<ReturnType<ReturnType<typeof factories>['staff']>>;
  let superadmin: { email: string };
  const PER_PAGE = 10;
  const DAY = 86_400_000;

  beforeAll(async () => {
    h = await startBrowserHarness();
    const { services } = h.t;
    await services.seed.demo({ tenants: 6, transactions: 600 });
    f = factories(h.t.owner.prisma, services);
    compliance = await f.staff('COMPLIANCE');
    superadmin = await f.staff('SUPERADMIN');
    // A refused attempt in the last 24 hours: the outcomes chart has a DENIED bar.
    const support = await f.staff('SUPPORT');
    await expect(services.auditConsole.search(await f.staffCtx(support), {})).rejects.toBeTruthy();
  }, 240_000);
  afterAll(async () => h?.close());

  const en = {
    day: (key: string) =>
      new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(key)),
    n: (n: number) => new Intl.NumberFormat('en').format(n),
  };

  /** The list page's filters, from its URL (`filters.<name>` parameters). */
  const filtersOf = (page: Page): Record<string, string> =>
    Object.fromEntries(
      [...new URL(page.url()).searchParams].filter(([k]) => k.startsWith('filters.')).map(([k, v]) => [k.slice(8), v]),
    );
  const rowIds = (page: Page) =>
    page.locator('tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
  const sorted = (ids: string[]) => [...ids].sort();

  async function openDashboard(page: Page, section: 'compliance' | 'support') {
    await page.goto(`${h.baseUrl}/admin`);
    await page.locator(`[data-testid="dashboard-${section}"] svg`).first().waitFor();
  }

  /** The audit events a list shows on its first page for a filter, in its order (newest first). */
  const firstEvents = async (where: Prisma.AuditEventWhereInput) =>
    (
      await h.t.owner.prisma.auditEvent.findMany({
        where,
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: PER_PAGE,
        select: { id: true },
      })
    ).map((e) => e.id.toString());

  it('audit events by day: a bar (mouse) and a link (keyboard) open that day of the trail', async () => {
    const buckets = await h.t.services.dashboard.auditEventsByDay(await f.staffCtx(compliance));
    const today = new Date().toISOString().slice(0, 10);
    // Past days only: browsing writes page-view events today.
    const past = buckets.filter((b) => b.key !== today && b.count > 0);
    expect(past.length).toBeGreaterThanOrEqual(2); // the seeded history spans more than one day of the chart
    const [byMouse, byKeyboard] = [past[0]!, past[past.length - 1]!];

    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, compliance.email, STRONG_PASSWORD);
    for (const [bucket, how] of [
      [byMouse, 'mouse'],
      [byKeyboard, 'keyboard'],
    ] as const) {
      await openDashboard(page, 'compliance');
      const from = new Date(bucket.key);
      const to = new Date(from.getTime() + DAY - 1);
      if (how === 'mouse')
        await Promise.all([
          page.waitForURL(/\/resources\/AuditEvent\?/),
          page.locator(`[data-testid="dashboard-compliance"] g[data-bar="${bucket.key}"] rect`).click(),
        ]);
      else {
        await tabTo(page, `${en.day(bucket.key)}: ${en.n(bucket.count)}`, { max: 300 });
        await Promise.all([page.waitForURL(/\/resources\/AuditEvent\?/), page.keyboard.press('Enter')]);
      }
      expect(filtersOf(page)).toEqual({
        'occurredAt~~from': from.toISOString(),
        'occurredAt~~to': to.toISOString(),
        includeReads: 'true',
      });
      const expected = await firstEvents({ occurredAt: { gte: from, lte: to } });
      expect(expected.length).toBe(Math.min(PER_PAGE, bucket.count));
      await expect.poll(async () => sorted(await rowIds(page)), { timeout: 15_000 }).toEqual(sorted(expected));
    }
  });

  it('audit outcomes of the last 24 hours: DENIED by mouse, SUCCESS by keyboard', async () => {
    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, compliance.email, STRONG_PASSWORD);

    await openDashboard(page, 'compliance');
    await Promise.all([
      page.waitForURL(/filters\.outcome=DENIED/),
      page.locator('[data-testid="dashboard-compliance"] g[data-bar="DENIED"] rect').click(),
    ]);
    const denied = filtersOf(page);
    expect(denied).toMatchObject({ outcome: 'DENIED', includeReads: 'true' });
    // From the start of the hour 24 hours ago: the hours the chart counts.
    const since = new Date(denied['occurredAt~~from']!);
    expect(since.getTime() % 3_600_000).toBe(0);
    expect(Date.now() - DAY - since.getTime()).toBeGreaterThanOrEqual(0);
    expect(Date.now() - DAY - since.getTime()).toBeLessThan(3_600_000 + 10 * 60_000);
    const bar = (await h.t.services.dashboard.auditOutcomes24h(await f.staffCtx(compliance))).find((b) => b.key === 'DENIED')!;
    const expected = await firstEvents({ outcome: 'DENIED', occurredAt: { gte: since } });
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBe(Math.min(PER_PAGE, bar.count));
    await expect.poll(async () => sorted(await rowIds(page)), { timeout: 15_000 }).toEqual(sorted(expected));

    await openDashboard(page, 'compliance');
    const link = page.locator('[data-testid="dashboard-compliance"] a', { hasText: /^Success: / }).first();
    await tabTo(page, (await link.innerText()).trim(), { max: 300 });
    await Promise.all([page.waitForURL(/filters\.outcome=SUCCESS/), page.keyboard.press('Enter')]);
    const success = filtersOf(page);
    expect(success).toMatchObject({ outcome: 'SUCCESS', includeReads: 'true' });
    const successSince = new Date(success['occurredAt~~from']!);
    // Browsing adds page views as it goes: every row shown is a success of the window, and the page is full.
    await expect.poll(async () => (await rowIds(page)).length, { timeout: 15_000 }).toBe(PER_PAGE);
    const shown = await h.t.owner.prisma.auditEvent.findMany({
      where: { id: { in: (await rowIds(page)).map((id) => BigInt(id)) } },
      select: { outcome: true, occurredAt: true },
    });
    expect(shown).toHaveLength(PER_PAGE);
    for (const e of shown) {
      expect(e.outcome).toBe('SUCCESS');
      expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(successSince.getTime());
    }
  });

  it('tenants by status: SUSPENDED by mouse, ACTIVE by keyboard', async () => {
    const { page } = await h.newPage();
    await signIn(page, h.baseUrl, superadmin.email, STRONG_PASSWORD);
    const tenantsWith = async (status: 'ACTIVE' | 'SUSPENDED') =>
      (await h.t.owner.prisma.tenant.findMany({ where: { status }, select: { id: true } })).map((t) => t.id);
    const suspended = await tenantsWith('SUSPENDED');
    const active = await tenantsWith('ACTIVE');
    expect(suspended.length).toBeGreaterThan(0); // the seed leaves one tenant suspended
    expect(active.length).toBeLessThanOrEqual(PER_PAGE);

    await openDashboard(page, 'support');
    await Promise.all([
      page.waitForURL(/filters\.status=SUSPENDED/),
      page.locator('[data-testid="dashboard-support"] g[data-bar="SUSPENDED"] rect').click(),
    ]);
    expect(filtersOf(page)).toEqual({ status: 'SUSPENDED' });
    await expect.poll(async () => sorted(await rowIds(page)), { timeout: 15_000 }).toEqual(sorted(suspended));

    await openDashboard(page, 'support');
    await tabTo(page, `Active: ${en.n(active.length)}`, { max: 300 });
    await Promise.all([page.waitForURL(/filters\.status=ACTIVE/), page.keyboard.press('Enter')]);
    expect(filtersOf(page)).toEqual({ status: 'ACTIVE' });
    await expect.poll(async () => sorted(await rowIds(page)), { timeout: 15_000 }).toEqual(sorted(active));
  });
});
