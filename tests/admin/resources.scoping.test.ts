import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, eventsOf, idsOf, TENANT_OWNED, type World } from './resources.helpers.js';

/**
 * Tenant scoping through AdminJS's own HTTP API, as each role, with two tenants. Every list,
 * count, search, show, edit, delete and bulk delete is restricted in the query: these tests fail
 * when the restriction is removed or replaced by filtering after loading.
 */
describe('admin resources: tenant scoping in every query', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => w.close());

  const prisma = () => w.h.t.owner.prisma;

  describe.each(TENANT_OWNED)('$resource', ({ resource, idOf, count }) => {
    it('lists only tenant A to support granted A, with a count that matches A exactly', async () => {
      const res = await w.api.supportA.list(resource, { perPage: 100 });
      expect(res.status).toBe(200);
      const ids = idsOf(res);
      const expected = await count(prisma(), w.a.tenantId);
      expect(ids.length).toBe(expected);
      expect(res.body.meta.total).toBe(expected);
      expect(ids).toContain(idOf(w.a));
      expect(ids).not.toContain(idOf(w.b));
      for (const r of res.body.records) expect(r.params.tenant).toBe(w.a.tenantId);
    });

    it("answers 404 for tenant B's record on show, edit, delete and for a bulk selection", async () => {
      const id = idOf(w.b);
      for (const action of ['show', 'edit', 'delete']) {
        const rid = `req-${action}-${randomUUID()}`;
        const res = await w.api.supportA.record(resource, id, action, rid);
        expect(res.status, action).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain(w.b.tenantId);
        // The attempt is audited (one DENIED event) under tenant B, so a review of B's trail sees
        // it; the agent's answer reveals nothing about B.
        const events = await eventsOf(prisma(), rid);
        expect(
          events.map((e) => [e.action, e.resource, e.recordId, e.outcome, e.tenantId]),
          action,
        ).toEqual([[`admin.${resource}.${action}`, resource, id, 'DENIED', w.b.tenantId]]);
      }
      expect((await w.api.supportA.recordPost(resource, id, 'edit', { name: 'changed' })).status).toBe(404);
      expect((await w.api.supportA.recordPost(resource, id, 'delete')).status).toBe(404);
      expect((await w.api.supportA.bulk(resource, 'bulkDelete', [id], 'get')).status).toBe(404);
      expect((await w.api.supportA.bulk(resource, 'bulkDelete', [idOf(w.a), id], 'post')).status).toBe(404);
      expect(await count(prisma(), w.b.tenantId)).toBeGreaterThan(0);
    });

    it('filtering by tenant B finds nothing and counts nothing', async () => {
      const res = await w.api.supportA.list(resource, { 'filters.tenant': w.b.tenantId });
      expect(res.status).toBe(200);
      expect(res.body.records).toEqual([]);
      expect(res.body.meta.total).toBe(0);
    });

    it('shows nothing to support whose grant has expired, or who has none', async () => {
      for (const who of ['supportExpired', 'supportNone'] as const) {
        const res = await w.api[who].list(resource);
        expect(res.status).toBe(200);
        expect(res.body.records).toEqual([]);
        expect(res.body.meta.total).toBe(0);
        expect((await w.api[who].record(resource, idOf(w.a), 'show')).status).toBe(404);
      }
    });

    it('lets the superadmin and compliance see both tenants', async () => {
      for (const who of ['superadmin', 'compliance'] as const) {
        const res = await w.api[who].list(resource, { perPage: 100 });
        expect(res.status).toBe(200);
        const ids = idsOf(res);
        expect(ids).toContain(idOf(w.a));
        expect(ids).toContain(idOf(w.b));
      }
    });
  });

  it('pages tenant A in the query: a full first page even though tenant B has the newest rows', async () => {
    // B's six transactions are newer than all of A's three. Filtering after loading a page of
    // the newest rows would return fewer than perPage rows (or none) on page 1.
    const res = await w.api.supportA.list('Transaction', { perPage: 2, page: 1 });
    expect(idsOf(res)).toEqual(w.a.transactionIds.slice(0, 2));
    expect(res.body.meta.total).toBe(3);
    const page2 = await w.api.supportA.list('Transaction', { perPage: 2, page: 2 });
    expect(idsOf(page2)).toEqual([w.a.transactionIds[2]]);
    // The superadmin's page 1 is B's newest rows: the ordering really puts B first.
    const all = await w.api.superadmin.list('Transaction', { perPage: 2, page: 1 });
    expect(idsOf(all)).toEqual(w.b.transactionIds.slice(0, 2));
  });

  it('restricts reference dropdowns (search) to the granted tenant', async () => {
    const tenants = await w.api.supportA.search('Tenant', '');
    expect(idsOf(tenants)).toEqual([w.a.tenantId]);
    const named = await w.api.supportA.search('Tenant', 'Bravo');
    expect(idsOf(named)).toEqual([]);
    const accounts = await w.api.supportA.search('Account', 'current');
    expect(idsOf(accounts)).toEqual([w.a.accountId]);
    const categories = await w.api.supportA.search('Category', 'Groceries');
    expect(idsOf(categories)).toEqual([w.a.categoryId]);
    expect(idsOf(await w.api.supportExpired.search('Tenant', ''))).toEqual([]);
    // The superadmin's dropdown does see both: the search itself is not what hides B.
    expect(idsOf(await w.api.superadmin.search('Tenant', '')).sort()).toEqual([w.a.tenantId, w.b.tenantId].sort());
  });

  it('shows relations by name, and only those within scope', async () => {
    const res = await w.api.supportA.record('Transaction', w.a.transactionIds[0]!, 'show');
    expect(res.status).toBe(200);
    expect(res.body.record.populated.tenant.title).toBe('Alpha');
    expect(res.body.record.populated.account.title).toBe('Alpha current account');
    // A debit reads as money going out.
    expect(res.body.record.params.amountFormatted).toBe('-€10.50');
  });

  it('names a list row’s references by title and link, not by the whole referenced record', async () => {
    const res = await w.api.supportA.list('Transaction', { perPage: 10 });
    expect(res.status).toBe(200);
    const row = res.body.records.find((r: { id: string }) => r.id === w.a.transactionIds[0]);
    expect(row.populated.account.title).toBe('Alpha current account');
    expect(row.populated.tenant.title).toBe('Alpha');
    // What the row's link needs (the show action), and nothing of the account's other fields.
    expect(row.populated.account.recordActions.map((a: { name: string }) => a.name)).toEqual(['show']);
    expect(Object.keys(row.populated.account.params)).toEqual(['id']);
    // The row itself is whole.
    expect(row.params.amountFormatted).toBe('-€10.50');
    expect(row.recordActions.map((a: { name: string }) => a.name)).toContain('show');
  });

  it('audits no refusal for the references AdminJS looks up itself (out of scope or not)', async () => {
    // An ended grant is not readable by its holder any more (it would show the tenant and the
    // reason): their list is empty, and listing is not an attempt on anything.
    const listRid = `req-grant-list-${randomUUID()}`;
    const listed = await w.api.supportExpired.list('TenantAccessGrant', {}, listRid);
    expect(listed.status).toBe(200);
    expect(idsOf(listed)).toEqual([]);
    // A running grant refers to its tenant: populating that reference is AdminJS's own lookup.
    const grant = await prisma().tenantAccessGrant.findFirstOrThrow({ where: { staffUserId: w.staff.supportA.id } });
    const showRid = `req-grant-show-${randomUUID()}`;
    const shown = await w.api.supportA.record('TenantAccessGrant', grant.id, 'show', showRid);
    expect(shown.status).toBe(200);
    const filterRid = `req-filter-${randomUUID()}`;
    expect((await w.api.supportA.list('Account', { 'filters.tenant': w.b.tenantId }, filterRid)).status).toBe(200);
    for (const rid of [showRid, listRid, filterRid])
      expect((await eventsOf(prisma(), rid)).filter((e) => e.outcome === 'DENIED')).toEqual([]);
  });

  it('lists tenants: support sees only A; B answers 404', async () => {
    const res = await w.api.supportA.list('Tenant');
    expect(idsOf(res)).toEqual([w.a.tenantId]);
    expect(res.body.meta.total).toBe(1);
    expect((await w.api.supportA.record('Tenant', w.b.tenantId, 'show')).status).toBe(404);
    expect((await w.api.supportExpired.list('Tenant')).body.meta.total).toBe(0);
  });

  it('lets support change only the permitted profile fields of tenant A users, audited once', async () => {
    const rid = `req-edit-${Date.now()}`;
    const res = await w.api.supportA.recordPost(
      'User',
      w.a.userId,
      'edit',
      { name: 'Alpha Renamed', phone: '+34 600 000 000' },
      rid,
    );
    expect(res.status).toBe(200);
    const user = await prisma().user.findUniqueOrThrow({ where: { id: w.a.userId } });
    expect(user.name).toBe('Alpha Renamed');
    const events = await eventsOf(prisma(), rid);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([['user.update', 'SUCCESS']]);
    expect(events[0]!.diff).toMatchObject({ name: { from: '[redacted]', to: '[redacted]' } });
    expect(events[0]!.tenantId).toBe(w.a.tenantId);

    // Email is not a support field: refused (403) and audited DENIED; nothing changes.
    const rid2 = `req-edit2-${Date.now()}`;
    const refused = await w.api.supportA.recordPost('User', w.a.userId, 'edit', { email: 'stolen@example.test' }, rid2);
    expect(refused.status).toBe(403);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: w.a.userId } })).email).toBe(user.email);
    expect((await eventsOf(prisma(), rid2)).map((e) => [e.action, e.outcome])).toEqual([['user.update', 'DENIED']]);
  });

  it('never lets support delete, even in tenant A (403, audited DENIED)', async () => {
    const rid = `req-del-${Date.now()}`;
    const res = await w.api.supportA.recordPost('Account', w.a.accountId, 'delete', {}, rid);
    expect(res.status).toBe(403);
    expect(await prisma().account.count({ where: { id: w.a.accountId } })).toBe(1);
    expect((await eventsOf(prisma(), rid)).map((e) => e.outcome)).toEqual(['DENIED']);
    const bulk = await w.api.supportA.bulk('Budget', 'bulkDelete', [w.a.budgetId]);
    expect(bulk.status).toBe(403);
    expect(await prisma().budget.count({ where: { id: w.a.budgetId } })).toBe(1);
  });

  it('keeps compliance and engineers from changing customer data', async () => {
    for (const who of ['compliance', 'engineer'] as const) {
      const api = w.api[who];
      const edit = await api.recordPost('User', w.a.userId, 'edit', { name: 'x' });
      expect([403, 404], `${who} edit`).toContain(edit.status);
      const del = await api.recordPost('Account', w.a.accountId, 'delete');
      expect([403, 404], `${who} delete`).toContain(del.status);
      const created = await api.resourcePost('Account', 'new', {
        tenant: w.a.tenantId,
        name: 'Sneaky',
        type: 'CASH',
        currency: 'EUR',
      });
      expect(created.status, `${who} new`).toBe(403);
      const bulk = await api.bulk('Asset', 'bulkDelete', [w.a.assetId]);
      expect([403, 404], `${who} bulk`).toContain(bulk.status);
    }
    expect((await prisma().user.findUniqueOrThrow({ where: { id: w.a.userId } })).name).not.toBe('x');
    expect(await prisma().account.count({ where: { name: 'Sneaky' } })).toBe(0);
    expect(await prisma().asset.count({ where: { id: w.a.assetId } })).toBe(1);
  });

  it('gives engineers no browsing of customer records: 403 (audited) on users and money', async () => {
    for (const resource of ['User', 'Account', 'Transaction', 'Budget']) {
      const rid = `req-eng-${resource}-${Date.now()}`;
      const res = await w.api.engineer.list(resource, {}, rid);
      expect(res.status, resource).toBe(403);
      expect((await eventsOf(prisma(), rid)).map((e) => e.outcome)).toEqual(['DENIED']);
    }
    // No rule at all for users: the show answers 404 (an empty CASL rule set must stay empty
    // when it is nested in the record's `where`).
    expect((await w.api.engineer.record('User', w.a.userId, 'show')).status).toBe(404);
    // Operations resources are theirs.
    expect((await w.api.engineer.list('FeatureFlag')).status).toBe(200);
    expect((await w.api.engineer.list('OutboxEvent')).status).toBe(200);
  });

  it('masks personal data for compliance, and audits every list and show of users', async () => {
    const rid = `req-list-${Date.now()}`;
    const res = await w.api.compliance.list('User', { perPage: 100 }, rid);
    const alpha = res.body.records.find((r: { id: string }) => r.id === w.a.lockedUserId);
    expect(alpha.params.email).toMatch(/^u•••@•••\.test$/);
    expect(alpha.params.name).toBe('B••• M•••'.replace('B', 'A'));
    expect(alpha.params.personalDataMasked).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('Alpha Member');
    const events = await eventsOf(prisma(), rid);
    expect(events.map((e) => e.action)).toEqual(['admin.User.list']);
    // Masked data is no oracle: no filtering by it.
    expect((await w.api.compliance.list('User', { 'filters.email': 'u-' })).status).toBe(400);

    const showRid = `req-show-${Date.now()}`;
    const shown = await w.api.compliance.record('User', w.a.userId, 'show', showRid);
    expect(shown.body.record.params.email).toContain('•••');
    expect((await eventsOf(prisma(), showRid)).map((e) => [e.action, e.recordId])).toEqual([['admin.User.show', w.a.userId]]);
    // Support staff see the data of their tenant in clear.
    const support = await w.api.supportA.record('User', w.a.lockedUserId, 'show');
    expect(support.body.record.params.name).toBe('Alpha Member');
  });

  it('never shows password hashes or TOTP secrets', async () => {
    const users = await w.api.superadmin.list('User', { perPage: 100 });
    const staff = await w.api.superadmin.list('StaffUser', { perPage: 100 });
    const text = JSON.stringify([users.body, staff.body]);
    expect(text).not.toContain('argon2');
    expect(text).not.toContain('passwordHash');
    expect(text).not.toContain('totpSecret');
  });

  it('limits support to their own staff record and grants', async () => {
    const staff = await w.api.supportA.list('StaffUser');
    expect(idsOf(staff)).toEqual([w.staff.supportA.id]);
    const grants = await w.api.supportA.list('TenantAccessGrant');
    expect(grants.body.records.map((r: { params: { staffUser: string } }) => r.params.staffUser)).toEqual([w.staff.supportA.id]);
    expect((await w.api.supportA.list('AuditEvent')).status).toBe(403);
  });
});
