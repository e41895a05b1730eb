import type { Page } from 'playwright-core';
import { axeViolations, type AxeViolation } from './harness.js';

export interface PageState {
  name: string;
  url: string;
  violations: AxeViolation[];
  /** The page's visible text (what a staff member reads). */
  text: string;
  /** UUIDs shown on the page outside a field that is an id (each as `field: uuid`, or `page: uuid`). */
  uuids: string[];
}

/**
 * Fields whose value is an identifier (or holds them as data: a flag's tenant list, an event's
 * payload, an export's filters): a UUID there is the value itself. Anywhere else a staff member
 * should read a name or a link, never a raw UUID.
 */
export const ID_FIELDS = new Set(['id', 'correlationId', 'chainKey', 'tenantIds', 'payload', 'filters', 'dedupeKey']);

/** The UUIDs in the page's visible text that are not the value of an id field. */
export const visibleUuids = (page: Page) =>
  page.evaluate(
    (idFields) => {
      const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
      const found: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        const matches = text.match(UUID);
        if (!matches) continue;
        const el = node.parentElement;
        if (!el || !el.checkVisibility({ visibilityProperty: true })) continue;
        if (el.closest('script, style, noscript, [aria-hidden="true"]')) continue;
        const shown = el.closest('[data-testid^="property-"]');
        const cell = el.closest('[data-property-name]');
        const field = shown
          ? (shown.getAttribute('data-testid') ?? '').replace(/^property-[a-z]+-/, '')
          : (cell?.getAttribute('data-property-name') ?? null);
        if (field && idFields.includes(field.split('.')[0]!)) continue;
        for (const uuid of matches) found.push(`${field ?? 'page'}: ${uuid}`);
      }
      return found;
    },
    [...ID_FIELDS],
  );

const pageText = (page: Page) => page.evaluate(() => document.body.innerText);

interface ResourceJSON {
  id: string;
  href: string | null;
  resourceActions: Array<{ name: string; actionType: string }>;
  filterProperties: unknown[];
}

/** Waits until AdminJS has rendered the page's content (no loader or placeholder left). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-css="app-content"] section, [data-css="app-content"] form, [data-testid^="dashboard-"]') &&
      !document.querySelector('.adminjs_Loader, .adminjs_Placeholder, [aria-busy="true"]'),
    undefined,
    { timeout: 15_000 },
  );
}

/**
 * Visits every page state of the admin this staff member can reach (each resource's list, its
 * filter drawer, its resource actions such as new, and each record action offered on the first
 * page of records: show, edit, custom actions) and hands each to `check` with axe's verdict.
 */
export async function crawlAdmin(page: Page, baseUrl: string, check: (state: PageState) => void): Promise<number> {
  await page.goto(`${baseUrl}/admin`);
  await settled(page);
  check({
    name: 'dashboard',
    url: page.url(),
    violations: await axeViolations(page),
    text: await pageText(page),
    uuids: await visibleUuids(page),
  });
  const resources = (
    await page.evaluate(() => (window as unknown as { REDUX_STATE: { resources: ResourceJSON[] } }).REDUX_STATE.resources)
  ).filter((r) => r.href);
  let count = 1;
  // Pages change inside the single-page app (as a click on a link would), not by reloading it:
  // the same states, without parsing AdminJS's bundles again for each of hundreds of pages.
  const visit = async (
    name: string,
    url: string,
    api: string | null,
    before?: () => Promise<void>,
    after?: () => Promise<void>,
  ) => {
    const path = url.slice(baseUrl.length);
    const here = new URL(page.url());
    const moving = here.pathname + here.search !== path;
    const loaded =
      api && moving ? page.waitForResponse((r) => new URL(r.url()).pathname === api && r.request().method() === 'GET') : null;
    if (moving)
      await page.evaluate((to) => {
        window.history.pushState({}, '', to);
        window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
      }, path);
    await loaded;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await settled(page);
    if (before) await before();
    check({ name, url, violations: await axeViolations(page), text: await pageText(page), uuids: await visibleUuids(page) });
    if (after) await after();
    count++;
  };
  for (const resource of resources) {
    const listUrl = `${baseUrl}${resource.href}`;
    await visit(`${resource.id} list`, listUrl, `/admin/api/resources/${resource.id}/actions/list`);
    if (resource.filterProperties.length)
      await visit(
        `${resource.id} filter drawer`,
        listUrl,
        `/admin/api/resources/${resource.id}/actions/list`,
        async () => {
          await page.locator(`[data-css="${resource.id}-filter-button"]`).click();
          await page.getByRole('dialog').waitFor();
        },
        async () => {
          // Escape closes the drawer (and puts focus back on the Filter button).
          await page.keyboard.press('Escape');
          await page.getByRole('dialog').waitFor({ state: 'detached' });
        },
      );
    for (const action of resource.resourceActions)
      if (action.name !== 'list' && action.name !== 'search')
        await visit(`${resource.id} ${action.name}`, `${baseUrl}/admin/resources/${resource.id}/actions/${action.name}`, null);
    const list = await page.evaluate(async (id) => {
      const r = await fetch(`/admin/api/resources/${id}/actions/list?perPage=20`);
      return (await r.json()) as { records?: Array<{ id: string; recordActions: Array<{ name: string }> }> };
    }, resource.id);
    const actions = new Map<string, string>();
    for (const record of list.records ?? [])
      for (const a of record.recordActions) if (!actions.has(a.name)) actions.set(a.name, record.id);
    for (const [action, id] of actions)
      if (action !== 'delete')
        await visit(
          `${resource.id} ${action}`,
          `${baseUrl}/admin/resources/${resource.id}/records/${id}/${action}`,
          `/admin/api/resources/${resource.id}/records/${id}/${action}`,
        );
  }
  return count;
}
