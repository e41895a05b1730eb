import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import request from 'supertest';
import { loginCookie, startAdmin, type AdminHarness } from './session.helpers.js';

/** AdminJS's own API for one signed-in staff member; every call carries its own request id. */
export function adminApi(h: AdminHarness, cookie: string) {
  const base = '/admin/api/resources';
  const withId = <T extends request.Test>(req: T, rid: string) => req.set('Cookie', cookie).set('X-Request-Id', rid);
  return {
    list: (resource: string, query: Record<string, string | number> = {}, rid = `req-${randomUUID()}`) =>
      withId(request(h.app).get(`${base}/${resource}/actions/list`).query(query), rid),
    search: (resource: string, q = '', rid = `req-${randomUUID()}`) =>
      withId(request(h.app).get(`${base}/${resource}/actions/search/${encodeURIComponent(q)}`), rid),
    record: (resource: string, id: string, action: string, rid = `req-${randomUUID()}`) =>
      withId(request(h.app).get(`${base}/${resource}/records/${encodeURIComponent(id)}/${action}`), rid),
    recordPost: (resource: string, id: string, action: string, body: Record<string, string> = {}, rid = `req-${randomUUID()}`) =>
      withId(
        request(h.app)
          .post(`${base}/${resource}/records/${encodeURIComponent(id)}/${action}`)
          .type('form')
          .send(body),
        rid,
      ),
    resourcePost: (resource: string, action: string, body: Record<string, string> = {}, rid = `req-${randomUUID()}`) =>
      withId(request(h.app).post(`${base}/${resource}/actions/${action}`).type('form').send(body), rid),
    bulk: (resource: string, action: string, ids: string[], method: 'get' | 'post' = 'post', rid = `req-${randomUUID()}`) =>
      withId(
        (method === 'post'
          ? request(h.app).post(`${base}/${resource}/bulk/${action}`).type('form').send({})
          : request(h.app).get(`${base}/${resource}/bulk/${action}`)
        ).query({
          recordIds: ids.join(','),
        }),
        rid,
      ),
  };
}
export type AdminApi = ReturnType<typeof adminApi>;

/** Record ids of a list/search response. */
export const idsOf = (res: { body: { records?: Array<{ id: string }> } }): string[] =>
  (res.body.records ?? []).map((r) => String(r.id));

/** The audit events written by one request (its correlation id). */
export const eventsOf = (prisma: PrismaClient, rid: string) =>
  prisma.auditEvent.findMany({ where: { correlationId: rid }, orderBy: { id: 'asc' } });

export interface TenantData {
  tenantId: string;
  userId: string;
  lockedUserId: string;
  accountId: string;
  transactionIds: string[];
  categoryId: string;
  budgetId: string;
  ruleId: string;
  assetId: string;
  liabilityId: string;
  loanId: string;
}

/** One tenant with a row of every tenant-owned model (and `transactions` transactions). */
export async function seedTenant(h: AdminHarness, name: string, transactions: number, newestAt: Date): Promise<TenantData> {
  const prisma = h.t.owner.prisma;
  const tenant = await h.f.tenant({ name });
  const user = await h.f.user(tenant.id, { name: `${name} Owner` });
  const locked = await h.f.user(tenant.id, { name: `${name} Member` });
  await prisma.user.update({
    where: { id: locked.id },
    data: { status: 'LOCKED', failedLoginCount: 5, lockedUntil: new Date(Date.now() + 600_000) },
  });
  const account = await h.f.account(tenant.id, { name: `${name} current account` });
  const category = await prisma.category.findFirstOrThrow({ where: { tenantId: tenant.id, name: 'Groceries' } });
  const transactionIds: string[] = [];
  for (let i = 0; i < transactions; i++) {
    const tx = await h.f.transaction(account, {
      occurredAt: new Date(newestAt.getTime() - i * 60_000),
      amount: `${10 + i}.50`,
      description: `${name} purchase ${i}`,
    });
    transactionIds.push(tx.id);
  }
  const budget = await prisma.budget.create({
    data: {
      tenantId: tenant.id,
      categoryId: category.id,
      name: `${name} groceries`,
      amount: '400.00',
      currency: 'EUR',
      startsOn: new Date('2026-01-01'),
    },
  });
  const rule = await prisma.recurringRule.create({
    data: {
      tenantId: tenant.id,
      accountId: account.id,
      amount: '950',
      currency: 'EUR',
      direction: 'DEBIT',
      description: `${name} rent`,
      frequency: 'MONTHLY',
      startsOn: new Date('2026-01-01'),
      nextRunOn: new Date('2026-02-01'),
    },
  });
  const asset = await prisma.asset.create({
    data: { tenantId: tenant.id, name: `${name} car`, type: 'VEHICLE', value: '14500', currency: 'EUR', valuedAt: new Date() },
  });
  const liability = await prisma.liability.create({
    data: { tenantId: tenant.id, name: `${name} car loan`, type: 'LOAN', amount: '12000', currency: 'EUR' },
  });
  const loan = await prisma.loan.create({
    data: {
      tenantId: tenant.id,
      liabilityId: liability.id,
      lender: `${name} bank`,
      principal: '12000',
      currency: 'EUR',
      annualRatePct: '5.9',
      termMonths: 48,
      startsOn: new Date('2026-01-01'),
      paymentAmount: '272.73',
      paymentDay: 5,
    },
  });
  return {
    tenantId: tenant.id,
    userId: user.id,
    lockedUserId: locked.id,
    accountId: account.id,
    transactionIds,
    categoryId: category.id,
    budgetId: budget.id,
    ruleId: rule.id,
    assetId: asset.id,
    liabilityId: liability.id,
    loanId: loan.id,
  };
}

export interface World {
  h: AdminHarness;
  a: TenantData;
  b: TenantData;
  staff: Record<
    'superadmin' | 'supportA' | 'supportExpired' | 'supportNone' | 'compliance' | 'engineer',
    { id: string; email: string }
  >;
  api: Record<keyof World['staff'], AdminApi>;
  /** Each staff member's session cookie (for admin routes outside the resources API). */
  cookies: Record<keyof World['staff'], string>;
  close: () => Promise<void>;
}

/**
 * Two tenants (B's rows are the newest, so a list filtered after loading would come up short),
 * and one staff member per role: support granted A, support whose grant on A expired, support
 * with no grant, compliance, engineer, superadmin. Each is signed in through the real login.
 */
export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  const h = await startAdmin(env);
  const now = Date.now();
  const a = await seedTenant(h, 'Alpha', 3, new Date(now - 3_600_000));
  const b = await seedTenant(h, 'Bravo', 6, new Date(now - 60_000));
  const superadmin = await h.f.staff('SUPERADMIN');
  const supportA = await h.f.staff('SUPPORT', { grantTenantIds: [a.tenantId] });
  const supportExpired = await h.f.staff('SUPPORT', { grantTenantIds: [a.tenantId] });
  await h.t.owner.prisma.tenantAccessGrant.updateMany({
    where: { staffUserId: supportExpired.id },
    data: { expiresAt: new Date(now - 1000) },
  });
  const supportNone = await h.f.staff('SUPPORT');
  const compliance = await h.f.staff('COMPLIANCE');
  const engineer = await h.f.staff('ENGINEER');
  const staff = { superadmin, supportA, supportExpired, supportNone, compliance, engineer };
  const api = {} as World['api'];
  const cookies = {} as World['cookies'];
  for (const [key, s] of Object.entries(staff)) {
    cookies[key as keyof World['staff']] = await loginCookie(h.app, s.email);
    api[key as keyof World['staff']] = adminApi(h, cookies[key as keyof World['staff']]);
  }
  return { h, a, b, staff, api, cookies, close: () => h.close() };
}

/** Every tenant-owned resource with the id of the row seeded for it and how to count a tenant's rows. */
export const TENANT_OWNED: Array<{
  resource: string;
  idOf: (d: TenantData) => string;
  count: (p: PrismaClient, tenantId: string) => Promise<number>;
}> = [
  { resource: 'User', idOf: (d) => d.userId, count: (p, t) => p.user.count({ where: { tenantId: t } }) },
  { resource: 'Account', idOf: (d) => d.accountId, count: (p, t) => p.account.count({ where: { tenantId: t } }) },
  {
    resource: 'Transaction',
    idOf: (d) => d.transactionIds[0]!,
    count: (p, t) => p.transaction.count({ where: { tenantId: t } }),
  },
  { resource: 'Category', idOf: (d) => d.categoryId, count: (p, t) => p.category.count({ where: { tenantId: t } }) },
  { resource: 'Budget', idOf: (d) => d.budgetId, count: (p, t) => p.budget.count({ where: { tenantId: t } }) },
  { resource: 'RecurringRule', idOf: (d) => d.ruleId, count: (p, t) => p.recurringRule.count({ where: { tenantId: t } }) },
  { resource: 'Asset', idOf: (d) => d.assetId, count: (p, t) => p.asset.count({ where: { tenantId: t } }) },
  { resource: 'Liability', idOf: (d) => d.liabilityId, count: (p, t) => p.liability.count({ where: { tenantId: t } }) },
  { resource: 'Loan', idOf: (d) => d.loanId, count: (p, t) => p.loan.count({ where: { tenantId: t } }) },
];
