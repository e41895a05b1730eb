import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, StaffUser, Tenant, Transaction } from '@prisma/client';
import type { ServiceContext } from '../../src/lib/context.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

describe('customer view (support: a tenant with its users, accounts, transactions, grants and history)', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let a: Tenant;
  let b: Tenant;
  let accountA: Account;
  let accountB: Account;
  let txA: Transaction;
  let txB: Transaction;
  let supportUser: StaffUser;
  let support: ServiceContext;
  let compliance: ServiceContext;
  let superadmin: ServiceContext;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    a = await f.tenant({ slug: 'cust-4411', name: 'Garcia household' });
    b = await f.tenant({ slug: 'cust-9922', name: 'Novak household' });
    await f.user(a.id, { email: 'ana.garcia@example.test', name: 'Ana Garcia' });
    await f.user(b.id, { email: 'petra.novak@example.test', name: 'Petra Novak' });
    accountA = await f.account(a.id, { name: 'Everyday account' });
    accountB = await f.account(b.id, { name: 'Novak savings' });
    await f.transaction(accountA, {
      amount: '1000.00',
      direction: 'CREDIT',
      description: 'Salary',
      occurredAt: new Date('2026-10-01T09:00:00Z'),
    });
    txA = await f.transaction(accountA, {
      amount: '42.50',
      direction: 'DEBIT',
      description: 'Groceries',
      occurredAt: new Date('2026-10-02T09:00:00Z'),
    });
    txB = await f.transaction(accountB, { amount: '7.00', direction: 'DEBIT', description: 'Coffee' });
    supportUser = await f.staff('SUPPORT', { grantTenantIds: [a.id] });
    support = await f.staffCtx({ ...supportUser, locale: 'en' });
    compliance = await f.staffCtx({ ...(await f.staff('COMPLIANCE')), locale: 'en' });
    superadmin = await f.staffCtx({ ...(await f.staff('SUPERADMIN')), locale: 'es' });
    await t.services.transactions.postAdjustment(support, {
      transactionId: txA.id,
      amount: '2.50',
      direction: 'CREDIT',
      description: 'Refund of a double charge',
      reason: 'Customer showed the receipt',
    });
    await t.services.tenants.suspend(superadmin, { tenantId: a.id, reason: 'Chargeback under review' });
    await t.services.tenants.reactivate(superadmin, { tenantId: a.id, reason: 'Chargeback resolved' });
  }, 120_000);
  afterAll(async () => t?.close());

  it('shows a granted tenant with its users, accounts and balances, transactions, grants and status history', async () => {
    const view = await t.services.customerView.tenant(support, a.id);
    expect(view.tenant).toMatchObject({ id: a.id, name: 'Garcia household', slug: 'cust-4411', status: 'ACTIVE' });
    expect(view.users.map((u) => u.email)).toEqual(['ana.garcia@example.test']);
    expect(view.usersTotal).toBe(1);
    // 1000.00 − 42.50 + 2.50 (the correction), from the ledger, in its currency.
    expect(view.accounts).toEqual([expect.objectContaining({ id: accountA.id, name: 'Everyday account', balance: '€960.00' })]);
    expect(view.transactions.map((m) => [m.description, m.amount, m.account?.name])).toEqual([
      ['Refund of a double charge', '+€2.50', 'Everyday account'],
      ['Groceries', '-€42.50', 'Everyday account'],
      ['Salary', '+€1,000.00', 'Everyday account'],
    ]);
    expect(view.grants).toEqual([expect.objectContaining({ staff: supportUser.name ?? supportUser.email })]);
    expect(view.history.map((h) => [h.action, h.reason])).toEqual([
      ['tenant.reactivate', 'Chargeback resolved'],
      ['tenant.suspend', 'Chargeback under review'],
      ['tenant.create', null],
    ]);
    expect(view.history[0]!.actorRole).toBe('SUPERADMIN');
  });

  it("is not found for a tenant, account or transaction outside the agent's grants", async () => {
    await expect(t.services.customerView.tenant(support, b.id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(t.services.customerView.account(support, accountB.id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(t.services.customerView.transaction(support, txB.id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(t.services.customerView.tenant(support, 'not-a-uuid')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('masks personal data for a masked role (compliance) as the lists do', async () => {
    const view = await t.services.customerView.tenant(compliance, a.id);
    expect(view.tenant.name).not.toBe('Garcia household');
    expect(view.tenant.name).toContain('\u2022');
    expect(view.users[0]!.email).not.toBe('ana.garcia@example.test');
    expect(view.users[0]!.email).toContain('\u2022');
    // A compliance officer holds no grant: none is shown as theirs.
    expect(view.grants.every((g) => g.staff !== null)).toBe(true);
  });

  it("shows an account with its balance and a transaction with its corrections, in the staff member's locale", async () => {
    const account = await t.services.customerView.account(support, accountA.id);
    expect(account.balance).toBe('€960.00');
    expect(account.transactions).toHaveLength(3);
    const tx = await t.services.customerView.transaction(superadmin, txA.id);
    expect(tx.transaction).toMatchObject({ amount: '-42,50\u00a0€', currency: 'EUR', description: 'Groceries' });
    expect(tx.adjustments.map((m) => [m.amount, m.kind, m.description])).toEqual([
      ['+2,50\u00a0€', 'ADJUSTMENT', 'Refund of a double charge'],
    ]);
    expect(tx.net).toBe('-40,00\u00a0€');
  });

  it("finds a tenant by part of its name, slug or a user's email, only among the agent's grants", async () => {
    const ids = async (ctx: ServiceContext, q: string) =>
      (await t.services.customerView.searchTenants(ctx, { q })).map((h) => h.id);
    expect(await ids(support, 'garcia@')).toEqual([a.id]);
    expect(await ids(support, 'GARCIA HOUSE')).toEqual([a.id]);
    expect(await ids(support, 'cust-44')).toEqual([a.id]);
    expect((await t.services.customerView.searchTenants(support, { q: 'ana.garcia' }))[0]!.matchedBy).toBe('email');
    // The other tenant exists and matches, but is not granted: invisible by every key.
    expect(await ids(support, 'novak')).toEqual([]);
    expect(await ids(support, 'cust-99')).toEqual([]);
    expect(await ids(support, 'household')).toEqual([a.id]);
    expect((await ids(superadmin, 'household')).sort()).toEqual([a.id, b.id].sort());
    // Masked personal data is no search key for compliance (that would reveal it); the slug is.
    expect(await ids(compliance, 'novak')).toEqual([]);
    expect(await ids(compliance, 'cust-99')).toEqual([b.id]);
    await expect(t.services.customerView.searchTenants(support, { q: 'x' })).rejects.toThrow();
  });

  it("lists a support agent's own running grants by tenant name and expiry; other roles hold none", async () => {
    const grants = await t.services.customerView.myGrants(support);
    expect(grants).toEqual([
      expect.objectContaining({
        tenant: expect.objectContaining({ id: a.id, name: 'Garcia household' }),
        reason: expect.any(String),
      }),
    ]);
    expect(new Date(grants[0]!.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await t.services.customerView.myGrants(superadmin)).toEqual([]);
  });
});
