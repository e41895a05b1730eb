import AdminJS, { type ActionContext } from 'adminjs';
import { Database, Resource } from '@adminjs/prisma';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { adminRecordRepository } from '../../src/modules/admin-records/admin-records.repository.js';
import { createServices } from '../../src/services.js';
import { buildAdminResources } from '../../admin/resources/index.js';
import { ScopedResource } from '../../admin/adapter/scoped-resource.js';
import { coerceColumn, CoercionError, sameValue } from '../../src/modules/admin-records/admin-records.coerce.js';
import { columnsOf } from '../../src/modules/admin-records/model-metadata.js';
import { maskEmail, maskName, maskPhone, maskRows } from '../../src/modules/reveal/reveal.mask.js';
import { defineAbilityFor } from '../../src/modules/access/ability.js';
import { scope } from '../../src/modules/shared/guard.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

describe('personal data masking', () => {
  it('masks emails, names and phones so they can be told apart but not read', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@•••.com');
    expect(maskName('Jane  Doe')).toBe('J••• D•••');
    expect(maskPhone('+34 612 345 678')).toBe('•••78');
  });

  it('leaves revealed records alone and marks the others', () => {
    const rows = [
      { id: 'a', email: 'a@x.io', name: 'Ann Lee', phone: null },
      { id: 'b', email: 'b@x.io', name: 'Bo Li', phone: '123456' },
    ];
    const [a, b] = maskRows('User', rows, new Set(['a']));
    expect(a).toEqual(rows[0]);
    expect(b).toMatchObject({ email: 'b•••@•••.io', name: 'B••• L•••', phone: '•••56', personalDataMasked: true });
  });
});

describe('admin input coercion', () => {
  const tx = columnsOf('Transaction');
  const flag = columnsOf('FeatureFlag');
  const budget = columnsOf('Budget');
  const fails = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(CoercionError);
      expect((err as CoercionError).detail.code).toBe(code);
      return;
    }
    throw new Error('expected a coercion error');
  };

  it('keeps money as a decimal string, never a float, within the column scale', () => {
    expect(coerceColumn(budget.get('amount')!, '12.30')).toBe('12.30');
    fails(() => coerceColumn(budget.get('amount')!, '1e3'), 'invalid');
    fails(() => coerceColumn(budget.get('amount')!, '1.23456'), 'too_many_decimals');
  });

  it('parses booleans, integers, dates, ids and lists from form strings', () => {
    expect(coerceColumn(flag.get('enabled')!, 'false')).toBe(false);
    expect(coerceColumn(flag.get('rolloutPercentage')!, '42')).toBe(42);
    fails(() => coerceColumn(flag.get('rolloutPercentage')!, '4.2'), 'invalid_type');
    expect(coerceColumn(budget.get('startsOn')!, '2026-02-01')).toEqual(new Date('2026-02-01T00:00:00.000Z'));
    fails(() => coerceColumn(tx.get('accountId')!, 'not-an-id'), 'invalid');
    expect(coerceColumn(flag.get('tenantIds')!, ['00000000-0000-4000-8000-000000000001', ''])).toEqual([
      '00000000-0000-4000-8000-000000000001',
    ]);
    fails(() => coerceColumn(budget.get('name')!, ''), 'required');
    expect(coerceColumn(budget.get('endsOn')!, '')).toBeNull();
  });

  it('compares decimals by value', () => {
    expect(sameValue(budget.get('amount')!, '400.00', '400')).toBe(true);
    expect(sameValue(budget.get('name')!, '007', '7')).toBe(false);
  });
});

describe('the scoped resource adapter', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => t.close());

  it('refuses every call without a signed-in staff member', async () => {
    const resource = buildAdminResources(t.runtime, t.services).find((r) => (r.resource as ScopedResource).id() === 'User')!
      .resource as ScopedResource;
    const anonymous = { currentAdmin: undefined } as unknown as ActionContext;
    const calls = [
      () => resource.find({ filters: {} } as never, {}, anonymous),
      () => resource.count({ filters: {} } as never, anonymous),
      () => resource.findOne('00000000-0000-4000-8000-000000000001', anonymous),
      () => resource.findMany(['00000000-0000-4000-8000-000000000001'], anonymous),
      () => resource.create({ email: 'x@y.z' }, anonymous),
      () => resource.update('00000000-0000-4000-8000-000000000001', { name: 'x' }, anonymous),
      () => resource.delete('00000000-0000-4000-8000-000000000001', anonymous),
      () => resource.find({ filters: {} } as never, {}, undefined),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('is never claimed (and unscoped) by the stock @adminjs/prisma adapter, even when it is registered', async () => {
    AdminJS.registerAdapter({ Database, Resource });
    const admin = new AdminJS({ resources: buildAdminResources(t.runtime, t.services) });
    for (const id of ['Tenant', 'User', 'Transaction', 'AuditEvent'])
      expect(admin.findResource(id)).toBeInstanceOf(ScopedResource);
  });

  it('has no property for secrets', () => {
    const resources = buildAdminResources(t.runtime, t.services).map((r) => r.resource as ScopedResource);
    for (const resource of resources) {
      const paths = resource.properties().map((p) => p.path());
      expect(paths).not.toContain('passwordHash');
      expect(paths).not.toContain('totpSecret');
    }
  });

  it('builds the staff context once per request and reads grants again on the next one', async () => {
    const f = factories(t.owner.prisma, t.services);
    const tenant = await f.tenant();
    const staff = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    const resource = buildAdminResources(t.runtime, t.services).find((r) => (r.resource as ScopedResource).id() === 'Tenant')!
      .resource as ScopedResource;
    const admin = { id: staff.id, email: staff.email, role: 'SUPPORT', locale: 'en', sessionVersion: 1 };
    const first = { currentAdmin: admin } as unknown as ActionContext;
    expect((await resource.find({ filters: {} } as never, {}, first)).map((r) => r.id())).toEqual([tenant.id]);
    await t.owner.prisma.tenantAccessGrant.updateMany({
      where: { staffUserId: staff.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    const next = { currentAdmin: admin } as unknown as ActionContext;
    expect(await resource.find({ filters: {} } as never, {}, next)).toEqual([]);
    expect(await resource.count({ filters: {} } as never, next)).toBe(0);
  });
});

describe('scope()', () => {
  it('turns "no rule" into a condition that survives nesting (Prisma drops a nested empty OR)', () => {
    const ctx = { ability: defineAbilityFor({ type: 'STAFF', id: 'e', role: 'ENGINEER', grantedTenantIds: [] }) } as never;
    expect(scope(ctx, 'read', 'User')).toEqual({ id: { in: [] } });
    const admin = { ability: defineAbilityFor({ type: 'STAFF', id: 's', role: 'SUPERADMIN', grantedTenantIds: [] }) } as never;
    expect(scope(admin, 'update', 'Transaction')).toEqual({ id: { in: [] } });
    expect(scope(admin, 'read', 'Transaction')).toEqual({});
  });
});

describe('the restriction is in the SQL', () => {
  let t: TestContext;
  const statements: string[] = [];
  /** The bound values of each statement text, as Prisma's query log prints them (JSON). */
  const params = new Map<string, string[]>();
  let services: ReturnType<typeof createServices>;
  let prisma: PrismaClient;
  let raw: pg.Pool;

  beforeAll(async () => {
    t = await createTestContext();
    // The raw pool's statements (the reads written in SQL) are recorded as Prisma's are.
    raw = createPool({ connectionString: t.db.appUrl, max: 4, namedStatements: true });
    raw.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const sent = args[0] as { text?: unknown; values?: unknown } | string;
        const text = typeof sent === 'string' ? sent : typeof sent?.text === 'string' ? sent.text : undefined;
        if (text !== undefined) {
          statements.push(text);
          const values = typeof sent === 'object' && Array.isArray(sent.values) ? sent.values : (args[1] ?? []);
          params.set(text, [...(params.get(text) ?? []), JSON.stringify(values)]);
        }
        return query(...args);
      };
    });
    prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: t.db.appUrl }),
      log: [{ emit: 'event', level: 'query' }],
    });
    (prisma as unknown as { $on: (e: 'query', cb: (q: { query: string; params: string }) => void) => void }).$on('query', (q) => {
      statements.push(q.query);
      params.set(q.query, [...(params.get(q.query) ?? []), q.params]);
    });
    services = createServices({ prisma, pool: raw, config: t.config, secrets: t.runtime.secrets });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await raw?.end();
    await t.close();
  });

  it('puts the granted tenants into every statement that reads or writes tenant rows', async () => {
    const f = factories(t.owner.prisma, t.services);
    const [a, b] = [await f.tenant({ name: 'A' }), await f.tenant({ name: 'B' })];
    const accountB = await f.account(b.id);
    const txB = await f.transaction(accountB);
    await f.transaction(await f.account(a.id));
    const staff = await f.staff('SUPPORT', { grantTenantIds: [a.id] });
    const runtime = { prisma };
    const resources = buildAdminResources(runtime, services);
    const of = (id: string) => resources.find((r) => (r.resource as ScopedResource).id() === id)!.resource as ScopedResource;
    const admin = { id: staff.id, email: staff.email, role: 'SUPPORT', locale: 'en', sessionVersion: 1 };
    const ctx = (resource: ScopedResource, action?: string) =>
      ({
        currentAdmin: admin,
        resource,
        ...(action ? { action: { name: action, isRecordType: () => true, isBulkType: () => false } } : {}),
      }) as unknown as ActionContext;

    statements.length = 0;
    const tx = of('Transaction');
    expect(await tx.find({ filters: {} } as never, { limit: 10 }, ctx(tx))).toHaveLength(1);
    expect(await tx.count({ filters: {} } as never, ctx(tx))).toBe(1);
    expect(await tx.findMany([txB.id], ctx(tx))).toEqual([]);
    await expect(tx.findOne(txB.id, ctx(tx, 'show'))).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    const acc = of('Account');
    await expect(acc.update(accountB.id, { name: 'x' }, ctx(acc))).rejects.toMatchObject({ kind: 'FORBIDDEN' });

    // Prisma's statements and those written in SQL (FROM "Transaction" t) alike.
    const touching = statements.filter(
      (s) =>
        /FROM "public"\."(Transaction|Account)"|FROM "(Transaction|Account)" t |UPDATE "public"\."Account"/.test(s) &&
        !/"TenantAccessGrant"/.test(s),
    );
    expect(touching.length).toBeGreaterThanOrEqual(5);
    for (const sql of touching) expect(sql, sql).toMatch(/"tenantId" (IN|= ANY|= \$1[ :])|1=0|WHERE FALSE/);
    // The list read tenant by tenant names one granted tenant per statement (scopeWithinTenant:
    // the form PostgreSQL estimates right), never another tenant.
    const perTenant = touching.filter((sql) => /WHERE (t|"public"\."Transaction")\."tenantId" = \$1(::uuid)? ORDER BY/.test(sql));
    expect(perTenant).toHaveLength(1);
    for (const values of params.get(perTenant[0]!)!) expect(JSON.parse(values)[0]).toBe(a.id);
    expect((await t.owner.prisma.account.findUniqueOrThrow({ where: { id: accountB.id } })).name).not.toBe('x');
  });

  it("a request's list and count share one text search; another request searches again", async () => {
    const f = factories(t.owner.prisma, t.services);
    await f.transaction(await f.account((await f.tenant({ name: 'Searched' })).id), { description: 'Shared search probe' });
    const staff = await f.staff('SUPERADMIN');
    const tx = buildAdminResources({ prisma }, services).find((r) => (r.resource as ScopedResource).id() === 'Transaction')!
      .resource as ScopedResource;
    const admin = { id: staff.id, email: staff.email, role: 'SUPERADMIN', locale: 'en', sessionVersion: 1 };
    const request = () => ({ currentAdmin: admin, resource: tx }) as unknown as ActionContext;
    const filter = { filters: { description: { path: 'description', value: 'shared search probe' } } } as never;
    const search = vi.spyOn(adminRecordRepository, 'textMatches');
    try {
      const one = request();
      expect(await tx.find(filter, { limit: 10 }, one)).toHaveLength(1);
      expect(await tx.count(filter, one)).toBe(1);
      expect(search).toHaveBeenCalledTimes(1);
      expect(await tx.count(filter, request())).toBe(1);
      expect(search).toHaveBeenCalledTimes(2);
    } finally {
      search.mockRestore();
    }
  });

  it("audits a refusal only for an action's own record lookup, never for AdminJS's other lookups", async () => {
    const f = factories(t.owner.prisma, t.services);
    const [a, b] = [await f.tenant({ name: 'A' }), await f.tenant({ name: 'B' })];
    const txA = await f.transaction(await f.account(a.id));
    const txB = await f.transaction(await f.account(b.id));
    const staff = await f.staff('SUPPORT', { grantTenantIds: [a.id] });
    const resources = buildAdminResources({ prisma }, services);
    const of = (id: string) => resources.find((r) => (r.resource as ScopedResource).id() === id)!.resource as ScopedResource;
    const admin = { id: staff.id, email: staff.email, role: 'SUPPORT', locale: 'en', sessionVersion: 1 };
    const action = (name: string, type: 'record' | 'bulk') => ({
      name,
      isRecordType: () => type === 'record',
      isBulkType: () => type === 'bulk',
    });
    const ctx = (resource: ScopedResource, act: ReturnType<typeof action>) =>
      ({ currentAdmin: admin, resource, action: act }) as unknown as ActionContext;
    const denials = () =>
      t.owner.prisma.auditEvent.findMany({ where: { actorId: staff.id, outcome: 'DENIED' }, orderBy: { id: 'asc' } });
    const tx = of('Transaction');

    // After the action's own record (in scope), later lookups under the same request's context
    // are AdminJS populating references: out of scope, they find nothing and refuse nothing.
    const show = ctx(tx, action('show', 'record'));
    expect(await tx.findOne(txA.id, show)).not.toBeNull();
    expect(await tx.findOne(txB.id, show)).toBeNull();
    expect(await tx.findMany([txB.id], show)).toEqual([]);
    const bulk = ctx(tx, action('bulkDelete', 'bulk'));
    expect(await tx.findMany([txA.id], bulk)).toHaveLength(1);
    expect(await tx.findMany([txB.id], bulk)).toEqual([]);
    // Another resource's action (a filter's label, a reference) is not a request for this record.
    expect(await tx.findOne(txB.id, ctx(of('Account'), action('show', 'record')))).toBeNull();
    expect(await denials()).toEqual([]);

    // The own lookup of an out-of-scope record: 404 (nothing revealed to the agent), one DENIED
    // event each, under the record's tenant (null when a selection spans tenants).
    await expect(tx.findOne(txB.id, ctx(tx, action('show', 'record')))).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(tx.findOne(txB.id, ctx(tx, action('postAdjustment', 'record')))).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(tx.findMany([txA.id, txB.id], ctx(tx, action('bulkDelete', 'bulk')))).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    expect((await denials()).map((e) => [e.action, e.resource, e.recordId, e.tenantId])).toEqual([
      ['admin.Transaction.show', 'Transaction', txB.id, b.id],
      ['admin.Transaction.postAdjustment', 'Transaction', txB.id, b.id],
      ['admin.Transaction.bulkDelete', 'Transaction', `${txA.id},${txB.id}`, null],
    ]);
  });
});
