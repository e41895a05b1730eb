import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { signIn, startBrowserHarness, type BrowserHarness } from './harness.js';

/** A name that runs script wherever it is written raw into HTML or an inline script. */
const HOSTILE_NAME = `Eve</script><script>window.__xss=1</script><img src=x onerror="window.__xss=2"><!--\u2028`;

/** Records CSP violations and alert() calls of every page of the context. */
async function watch(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`),
    );
  });
  return {
    dialogs,
    state: () =>
      page.evaluate(() => {
        const w = window as unknown as { __csp?: string[]; __xss?: number };
        // design-system's bundle probes `new Function("return this")` inside a try/catch (webpack's
        // global shim) and falls back to `window`: the refused eval is expected and harmless.
        const csp = (w.__csp ?? []).filter((v) => !/^script-src eval \S*\/design-system\.bundle\.js:/.test(v));
        return { csp, xss: w.__xss ?? null };
      }),
  };
}

describe('admin hardening in a real browser (Chromium)', () => {
  let h: BrowserHarness;
  let eve: { id: string; email: string };
  let superadmin: { id: string; email: string };
  let engineer: { id: string; email: string };
  let jobId: string;
  const CSV = 'id,amount\n1,2.50\n';

  beforeAll(async () => {
    h = await startBrowserHarness();
    const f = factories(h.t.owner.prisma, h.t.services);
    const tenant = await f.tenant({ name: 'Garcia household' });
    eve = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    await h.t.owner.prisma.staffUser.update({ where: { id: eve.id }, data: { name: HOSTILE_NAME } });
    superadmin = await f.staff('SUPERADMIN');
    engineer = await f.staff('ENGINEER');
    const dir = mkdtempSync(join(tmpdir(), 'browser-export-'));
    const file = join(dir, 'tx.csv');
    writeFileSync(file, CSV);
    const job = await h.t.owner.prisma.exportJob.create({
      data: {
        tenantId: tenant.id,
        requestedByType: 'STAFF',
        requestedById: engineer.id,
        resource: 'Transaction',
        format: 'CSV',
        reason: 'Analysis',
        status: 'COMPLETED',
        filePath: file,
        sha256: createHash('sha256').update(CSV).digest('hex'),
        rowsDone: 1,
        rowsTotal: 1,
        manifest: { scope: { tenantIds: [tenant.id] } },
      },
    });
    jobId = job.id;
  });
  afterAll(async () => h?.close());

  it('runs no script from a staff name: not in its own session, not in a superadmin viewing it; no CSP violation', async () => {
    const own = await h.newPage();
    const ownWatch = await watch(own.page);
    await signIn(own.page, h.baseUrl, eve.email, STRONG_PASSWORD);
    await own.page.getByTestId('dashboard-support').waitFor();
    expect(await ownWatch.state()).toEqual({ csp: [], xss: null });
    // The state reached the page intact: the name is data, not markup.
    expect(
      await own.page.evaluate(
        () => (window as unknown as { REDUX_STATE: { session: { name: string } } }).REDUX_STATE.session.name,
      ),
    ).toBe(HOSTILE_NAME);

    const admin = await h.newPage();
    const adminWatch = await watch(admin.page);
    await signIn(admin.page, h.baseUrl, superadmin.email, STRONG_PASSWORD);
    await admin.page.goto(`${h.baseUrl}/admin/resources/StaffUser/records/${eve.id}/show`);
    await admin.page.getByText('window.__xss=1', { exact: false }).first().waitFor();
    await admin.page.goto(`${h.baseUrl}/admin/resources/StaffUser`);
    await admin.page.getByText('window.__xss=1', { exact: false }).first().waitFor();
    expect(await adminWatch.state()).toEqual({ csp: [], xss: null });
    expect([...ownWatch.dialogs, ...adminWatch.dialogs]).toEqual([]);
  });

  it('refuses an inline script without the nonce (the policy is enforced, not just declared)', async () => {
    const { page } = await h.newPage();
    const w = await watch(page);
    await page.goto(`${h.baseUrl}/admin/login`);
    await page.locator('#login-email').waitFor();
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 3';
      document.body.appendChild(s);
    });
    const state = await w.state();
    expect(state.xss).toBeNull();
    expect(state.csp.some((v) => v.startsWith('script-src'))).toBe(true);
  });

  it('logs out through the menu with a POST, and downloads an export with a POST (audited once)', async () => {
    const { page } = await h.newPage();
    const w = await watch(page);
    await signIn(page, h.baseUrl, engineer.email, STRONG_PASSWORD);
    await page.goto(`${h.baseUrl}/admin/resources/ExportJob/records/${jobId}/download`);
    const button = page.getByTestId('export-download');
    await button.waitFor();

    const [download, request] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForRequest((r) => r.url().endsWith(`/admin/exports/${jobId}/download`)),
      button.click(),
    ]);
    expect(request.method()).toBe('POST');
    expect(readFileSync(await download.path(), 'utf8')).toBe(CSV);
    const events = await h.t.owner.prisma.auditEvent.findMany({ where: { action: 'export.download', actorId: engineer.id } });
    expect(events.map((e) => e.outcome)).toEqual(['SUCCESS']);

    await page.goto(`${h.baseUrl}/admin`);
    await page.locator('[data-css="logged-in"] button[aria-haspopup="menu"]').click();
    const [logout] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/admin/logout')),
      page.getByRole('menuitem', { name: 'Sign out', exact: true }).click(),
    ]);
    expect(logout.method()).toBe('POST');
    await page.waitForURL(/\/admin\/login\?notice=loggedOut$/);
    expect((await w.state()).csp).toEqual([]);
    const logouts = await h.t.owner.prisma.auditEvent.count({ where: { action: 'staff.logout', actorId: engineer.id } });
    expect(logouts).toBe(1);
  });
});
