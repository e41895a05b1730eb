import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '@prisma/client';
import { cliContext } from '../../src/cli/system-context.js';
import { STRONG_PASSWORD } from '../helpers/factories.js';
import { englishLeftIn } from './english.js';
import { crawlAdmin, type PageState } from './crawl.js';
import { axeViolations, describeViolations, signIn, startBrowserHarness, type BrowserHarness } from './harness.js';

const ROLES: StaffRole[] = ['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER'];
const LANGUAGES = ['en', 'es'] as const;
/** Crawls at once: the machines have two cores, and the server runs in this process. */
const PARALLEL = 2;

/** A tiny semaphore, so the eight crawls share the browser two at a time. */
function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

describe('every admin page passes axe (WCAG 2.1 A/AA) for every role, in English and Spanish, and shows no raw UUID', () => {
  let h: BrowserHarness;
  const staff = new Map<string, string>();
  const run = limiter(PARALLEL);

  beforeAll(async () => {
    h = await startBrowserHarness();
    const { services } = h.t;
    await services.seed.demo({ tenants: 3, transactions: 120 });
    await services.seed.grantDemoSupport();
    const tenants = await h.t.owner.prisma.tenant.findMany({ orderBy: { slug: 'asc' }, take: 2 });
    const ctx = cliContext('test');
    // Rows for the resources demo data leaves empty, so their show and action pages are visited.
    await services.tenants.suspend(ctx, { tenantId: tenants[1]!.id, reason: 'Chargeback under review' });
    await services.featureFlags.create(ctx, { key: 'new-dashboard', description: 'The new dashboard', enabled: true });
    await services.exports.start(ctx, { resource: 'Account', format: 'CSV', filters: {}, reason: 'Quarterly analysis' });
    for (const role of ROLES)
      for (const locale of LANGUAGES) {
        const email = `${role.toLowerCase()}.${locale}@a11y.test`;
        await services.staff.create(ctx, {
          email,
          name: `${role} ${locale}`,
          role,
          locale,
          password: STRONG_PASSWORD,
          grantTenantIds: role === 'SUPPORT' ? tenants.map((t) => t.id) : [],
        });
        staff.set(`${role}-${locale}`, email);
      }
  }, 180_000);
  afterAll(async () => h?.close());

  for (const role of ROLES)
    for (const locale of LANGUAGES)
      it.concurrent(
        `${role} in ${locale}: list, filter drawer, show, edit, new and custom-action pages`,
        async () => {
          await run(async () => {
            const { page, context } = await h.newPage({ locale });
            try {
              await signIn(page, h.baseUrl, staff.get(`${role}-${locale}`)!, STRONG_PASSWORD);
              expect(await page.getAttribute('html', 'lang')).toBe(locale);
              const failing: PageState[] = [];
              const english: string[] = [];
              const uuids: string[] = [];
              const count = await crawlAdmin(page, h.baseUrl, (state) => {
                if (state.violations.length) failing.push(state);
                if (locale === 'es') for (const phrase of englishLeftIn(state.text)) english.push(`${state.name}: "${phrase}"`);
                for (const uuid of state.uuids) uuids.push(`${state.name}: ${uuid}`);
              });
              // Every role reaches a good number of pages (a crawl that found nothing proves nothing).
              expect(count).toBeGreaterThan(role === 'ENGINEER' ? 8 : 25);
              expect(
                failing.map((f) => `${f.name} (${f.url})\n${describeViolations(f.violations)}`),
                `${failing.length} of ${count} page states have violations`,
              ).toEqual([]);
              // A page in Spanish shows no English text of the admin (its own or AdminJS's).
              expect([...new Set(english)], 'English text on pages rendered in Spanish').toEqual([]);
              // Names and links, not ids: no raw UUID on screen except as the value of an id field.
              expect([...new Set(uuids)], 'raw UUIDs on screen outside id fields').toEqual([]);
            } finally {
              await context.close();
            }
          });
        },
        600_000,
      );

  it.concurrent(
    '/api/docs, collapsed and with an operation open',
    async () => {
      await run(async () => {
        const { page, context } = await h.newPage();
        try {
          await page.goto(`${h.baseUrl}/api/docs/`);
          await page.locator('.opblock').first().waitFor();
          const collapsed = await axeViolations(page);
          expect(collapsed, describeViolations(collapsed)).toEqual([]);
          await page.locator('.opblock-summary-control').first().click();
          await page.locator('.opblock-body').first().waitFor();
          const open = await axeViolations(page);
          expect(open, describeViolations(open)).toEqual([]);
        } finally {
          await context.close();
        }
      });
    },
    600_000,
  );
});
