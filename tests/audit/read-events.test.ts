import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExportFilters } from '../../admin/actions/operations.actions.js';
import type { ServiceContext } from '../../src/lib/context.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

const isRead = (action: unknown) => /\.(list|show)$/.test(String(action));

describe('the audit trail leaves page views out unless asked for them (list, count, export of the view)', () => {
  let t: TestContext;
  let compliance: ServiceContext;
  let tenantId: string;

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    tenantId = (await f.tenant()).id;
    await f.user(tenantId);
    compliance = await f.staffCtx({ ...(await f.staff('COMPLIANCE')), locale: 'en' });
    // Page views: a list of users and a user's show page (both audited reads of personal data).
    const [user] = await t.services.adminRecords.list(compliance, 'User', { filters: [], take: 10 });
    await t.services.adminRecords.findOne(compliance, 'User', user!.id, { audit: true });
  }, 120_000);
  afterAll(async () => t?.close());

  it('lists and counts without read events by default, and with them when the toggle is on', async () => {
    const byDefault = await t.services.adminRecords.list(compliance, 'AuditEvent', { filters: [], take: 200 });
    expect(byDefault.length).toBeGreaterThan(0);
    expect(byDefault.filter((e) => isRead(e.action))).toEqual([]);
    const off = [{ field: 'includeReads', op: 'equals' as const, value: false }];
    expect((await t.services.adminRecords.list(compliance, 'AuditEvent', { filters: off, take: 200 })).length).toBe(
      byDefault.length,
    );
    const on = [{ field: 'includeReads', op: 'equals' as const, value: 'true' }];
    const all = await t.services.adminRecords.list(compliance, 'AuditEvent', { filters: on, take: 200 });
    expect(all.map((e) => e.action)).toEqual(expect.arrayContaining(['admin.User.list', 'admin.User.show']));
    const counts = await Promise.all([
      t.services.adminRecords.count(compliance, 'AuditEvent', { filters: [] }),
      t.services.adminRecords.count(compliance, 'AuditEvent', { filters: on }),
    ]);
    expect(counts[1].count - counts[0].count).toBe(all.filter((e) => isRead(e.action)).length);
  });

  it("exports the list's view: no page views unless the view includes them", async () => {
    const exported = async (listFilters: Record<string, string>) => {
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (c: Buffer) => chunks.push(c));
      await t.services.auditConsole.exportTrail(compliance, auditExportFilters(JSON.stringify(listFilters)), 'ndjson', sink);
      return Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { action: string });
    };
    const view = await exported({});
    expect(view.length).toBeGreaterThan(0);
    expect(view.filter((e) => isRead(e.action))).toEqual([]);
    const withReads = await exported({ includeReads: 'true' });
    expect(withReads.filter((e) => isRead(e.action)).length).toBeGreaterThanOrEqual(2);
  });
});
