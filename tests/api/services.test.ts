import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAbilityFor } from '../../src/modules/access/ability.js';
import type { ServiceContext } from '../../src/lib/context.js';
import { isAppError } from '../../src/lib/errors.js';
import { ReadSession } from '../../src/db/session.js';
import { transactionRepository } from '../../src/modules/transactions/transaction.repository.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

/** The ledger services as the admin uses them (staff contexts), not only through the API. */
describe('ledger services for staff (shared with the admin)', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let granted: { tenantId: string; accountId: string; txId: string };
  let hidden: { tenantId: string; accountId: string; txId: string };

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    const make = async () => {
      const tenant = await f.tenant();
      const account = await f.account(tenant.id);
      const tx = await f.transaction(account, { amount: '25.00' });
      return { tenantId: tenant.id, accountId: account.id, txId: tx.id };
    };
    granted = await make();
    hidden = await make();
  });
  afterAll(async () => {
    await t?.close();
  });

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      if (isAppError(err)) return `${err.kind}:${err.code}`;
      throw err;
    }
  };

  it('support staff post adjustments in granted tenants, with the reason in the audit event', async () => {
    const support = await f.staff('SUPPORT', { grantTenantIds: [granted.tenantId] });
    const ctx = await f.staffCtx(support);
    const adj = await t.services.transactions.postAdjustment(ctx, {
      transactionId: granted.txId,
      amount: '5.00',
      direction: 'CREDIT',
      reason: 'Customer disputed the charge; merchant refunded',
    });
    expect(adj).toMatchObject({
      kind: 'ADJUSTMENT',
      adjustsTransactionId: granted.txId,
      accountId: granted.accountId,
      tenantId: granted.tenantId,
    });
    const event = await t.owner.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'transaction.adjust', recordId: adj.id },
    });
    expect(event).toMatchObject({
      actorType: 'STAFF',
      actorId: support.id,
      actorRole: 'SUPPORT',
      reason: 'Customer disputed the charge; merchant refunded',
      tenantId: granted.tenantId,
    });
    expect((await t.services.accounts.get(ctx, granted.accountId)).balance.toFixed(2)).toBe('-20.00');
  });

  it('support staff without a grant get NOT_FOUND, and the attempt is audited as DENIED', async () => {
    const support = await f.staff('SUPPORT', { grantTenantIds: [granted.tenantId] });
    const ctx = await f.staffCtx(support);
    expect(
      await code(
        t.services.transactions.postAdjustment(ctx, {
          transactionId: hidden.txId,
          amount: '1.00',
          direction: 'CREDIT',
          reason: 'not allowed',
        }),
      ),
    ).toBe('NOT_FOUND:TRANSACTION.NOT_FOUND');
    const denied = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { actorId: support.id, outcome: 'DENIED' } });
    expect(denied).toMatchObject({
      action: 'transaction.adjust',
      recordId: hidden.txId,
      tenantId: hidden.tenantId,
      reason: 'not allowed',
    });
    expect(await code(t.services.accounts.get(ctx, hidden.accountId))).toBe('NOT_FOUND:ACCOUNT.NOT_FOUND');
    expect(await code(t.services.transactions.get(ctx, hidden.txId))).toBe('NOT_FOUND:TRANSACTION.NOT_FOUND');
    // Support may not create regular transactions at all.
    expect(
      await code(t.services.transactions.create(ctx, { accountId: granted.accountId, amount: '1.00', direction: 'DEBIT' })),
    ).toBe('FORBIDDEN:AUTH.FORBIDDEN');
  });

  it('lists are scoped in the query for every role (grants, superadmin, engineer)', async () => {
    const support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [granted.tenantId] }));
    const superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
    const engineer = await f.staffCtx(await f.staff('ENGINEER'));
    const tenantsOf = async (ctx: ServiceContext) =>
      new Set((await t.services.transactions.list(ctx, { limit: 100 })).data.map((r) => r.tenantId));
    expect([...(await tenantsOf(support))]).toEqual([granted.tenantId]);
    expect(await tenantsOf(superadmin)).toEqual(new Set([granted.tenantId, hidden.tenantId]));
    expect((await tenantsOf(engineer)).size).toBe(0);
    expect(
      (await t.services.transactions.list(superadmin, { tenantId: hidden.tenantId })).data.every(
        (r) => r.tenantId === hidden.tenantId,
      ),
    ).toBe(true);
    expect((await t.services.accounts.list(support, {})).data.map((a) => a.tenantId)).toEqual([granted.tenantId]);
  });

  it('the SQL list (prepared through the pool) and the same list without the pool agree, within the scope', async () => {
    const support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [granted.tenantId, hidden.tenantId] }));
    const viaPool = await transactionRepository.listVisible(
      new ReadSession(support, t.owner.prisma, t.owner.pool),
      {},
      undefined,
      10,
    );
    const viaPrisma = await transactionRepository.listVisible(new ReadSession(support, t.owner.prisma), {}, undefined, 10);
    const normalise = (rows: Array<{ id: string; amount: { toString(): string } }>) =>
      rows.map((r) => ({ ...r, amount: r.amount.toString() }));
    expect(normalise(viaPool)).toEqual(normalise(viaPrisma));
    expect(new Set(viaPool.map((r) => r.tenantId))).toEqual(new Set([granted.tenantId, hidden.tenantId]));
    const narrow = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [granted.tenantId] }));
    const scoped = await transactionRepository.listVisible(
      new ReadSession(narrow, t.owner.prisma, t.owner.pool),
      {},
      undefined,
      10,
    );
    expect(new Set(scoped.map((r) => r.tenantId))).toEqual(new Set([granted.tenantId]));
  });

  it('a tenant user context cannot create in another tenant even if it names it', async () => {
    const user = await f.user(granted.tenantId);
    const ctx = f.userCtx(user);
    const account = await t.services.accounts.create(ctx, {
      tenantId: hidden.tenantId,
      name: 'Mine',
      type: 'CASH',
      currency: 'EUR',
    });
    expect(account.tenantId).toBe(granted.tenantId);
    const system: ServiceContext = {
      ...f.system(),
      ability: defineAbilityFor({ type: 'SYSTEM', id: 'x', role: 'SYSTEM', tenants: 'all' }),
    };
    expect(await code(t.services.accounts.create(system, { name: 'No tenant', type: 'CASH', currency: 'EUR' }))).toBe(
      'VALIDATION_ERROR:VALIDATION.FAILED',
    );
  });
});
