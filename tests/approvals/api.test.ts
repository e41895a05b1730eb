import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from '../api/helpers/harness.js';

/** Four-eyes through the public API: below the threshold an adjustment applies, above it is held (202). */
describe('API: adjustments above the approval threshold wait for a second person', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  beforeAll(async () => {
    h = await startApi();
    u = await signUp(h, 'fourEyes');
    const superadmin = await h.f.staffCtx(await h.f.staff('SUPERADMIN'));
    const policy = (await h.t.services.approvals.listPolicies(superadmin)).find((p) => p.action === 'transaction.adjust')!;
    await h.t.services.approvals.updatePolicy(superadmin, policy.id, { enabled: true, reason: 'four-eyes on' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (path: string, body: object, key = newKey()) =>
    checked(await h.http().post(path).set(u.auth).set('Idempotency-Key', key).send(body));

  it('applies at once below the threshold (201) and holds above it (202) until a support agent approves', async () => {
    const account = (await post('/api/v1/accounts', { name: 'Main', type: 'BANK', currency: 'EUR' })).body;
    const original = (await post('/api/v1/transactions', { account_id: account.id, amount: '10.00', direction: 'DEBIT' })).body;
    const small = await post(`/api/v1/transactions/${original.id}/adjustments`, {
      amount: '999.99',
      direction: 'CREDIT',
      reason: 'Small refund',
    });
    expect(small.status).toBe(201);
    expect(small.body.kind).toBe('ADJUSTMENT');

    const key = newKey();
    const large = await post(
      `/api/v1/transactions/${original.id}/adjustments`,
      { amount: '2500.00', direction: 'CREDIT', reason: 'Large refund' },
      key,
    );
    expect(large.status).toBe(202);
    expect(large.body.approval_request).toMatchObject({ status: 'PENDING', action: 'transaction.adjust', tenant_id: u.tenantId });
    // A retry of the same request stands for the same approval request, not a second one.
    const again = await post(
      `/api/v1/transactions/${original.id}/adjustments`,
      { amount: '2500.00', direction: 'CREDIT', reason: 'Large refund' },
      key,
    );
    expect(again.status).toBe(202);
    expect(again.body.approval_request.id).toBe(large.body.approval_request.id);
    const list = async () =>
      checked(await h.http().get(`/api/v1/transactions?account_id=${account.id}`).set(u.auth)).body.data as Array<{
        amount: string;
      }>;
    expect((await list()).map((t) => t.amount)).not.toContain('2500.00');

    const agent = await h.f.staffCtx(await h.f.staff('SUPPORT', { grantTenantIds: [u.tenantId] }));
    const done = await h.t.services.approvals.approve(agent, { requestId: large.body.approval_request.id });
    expect(done.status).toBe('EXECUTED');
    expect((await list()).filter((t) => t.amount === '2500.00')).toHaveLength(1);
  });
});
