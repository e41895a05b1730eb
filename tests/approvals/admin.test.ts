import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../admin/resources.helpers.js';

/** Four-eyes through the admin (AdminJS's own API): the same guard as the API, in the domain. */
describe('admin: adjustments above the threshold are sent for approval and approved by another person', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
    const policies = await w.h.t.services.approvals.listPolicies(w.h.f.system());
    const adjust = policies.find((p) => p.action === 'transaction.adjust')!;
    const res = await w.api.superadmin.recordPost('ApprovalPolicy', adjust.id, 'edit', { enabled: 'true' });
    expect(res.status).toBe(200);
  });
  afterAll(async () => w.close());
  const prisma = () => w.h.t.owner.prisma;

  it('below the threshold applies at once; above it waits, then executes once on approval', async () => {
    const original = w.a.transactionIds[1]!;
    const small = await w.api.supportA.recordPost('Transaction', original, 'postAdjustment', {
      amount: '10.00',
      direction: 'CREDIT',
      reason: 'Fee reversed',
    });
    expect(small.status).toBe(200);
    expect(small.body.notice.message).toBe('adjustmentPosted');

    const large = await w.api.supportA.recordPost('Transaction', original, 'postAdjustment', {
      amount: '4000.00',
      direction: 'CREDIT',
      reason: 'Duplicated transfer refunded',
    });
    expect(large.status).toBe(200);
    expect(large.body.notice).toMatchObject({ message: 'sentForApproval', type: 'success' });
    expect(large.body.redirectUrl).toMatch(/\/admin\/resources\/ApprovalRequest\/records\/[0-9a-f-]{36}\/show$/);
    const requestId = (large.body.redirectUrl as string).split('/').at(-2)!;
    expect(await prisma().transaction.count({ where: { adjustsTransactionId: original, amount: '4000' } })).toBe(0);

    // Waiting on the superadmin's dashboard, not on the maker's.
    const dashboard = async (who: 'superadmin' | 'supportA') =>
      (await request(w.h.app).get('/admin/api/dashboard').set('Cookie', w.cookies[who])).body as {
        approvalsWaiting?: Array<{ id: string }>;
        approvalsMine?: Array<{ id: string; status: string }>;
      };
    expect((await dashboard('superadmin')).approvalsWaiting?.map((r) => r.id)).toContain(requestId);
    expect((await dashboard('supportA')).approvalsWaiting?.map((r) => r.id)).not.toContain(requestId);
    // "Made by me": on the maker's dashboard, not on anybody else's.
    expect((await dashboard('supportA')).approvalsMine).toContainEqual(
      expect.objectContaining({ id: requestId, status: 'PENDING' }),
    );
    expect((await dashboard('superadmin')).approvalsMine?.map((r) => r.id)).not.toContain(requestId);

    // The maker sees it, with the diff, and cannot approve it; the superadmin can.
    const shown = await w.api.supportA.record('ApprovalRequest', requestId, 'show');
    expect(shown.status).toBe(200);
    expect(shown.body.record.params['preview.amount.to']).toBe('4000.00');
    const own = await w.api.supportA.recordPost('ApprovalRequest', requestId, 'approve', {});
    expect(own.status).toBe(403);
    const approved = await w.api.superadmin.recordPost('ApprovalRequest', requestId, 'approve', { reason: 'Ticket checked' });
    expect(approved.status).toBe(200);
    expect(approved.body.record.params.status).toBe('EXECUTED');
    expect(await prisma().transaction.count({ where: { adjustsTransactionId: original, amount: '4000' } })).toBe(1);
    const again = await w.api.superadmin.recordPost('ApprovalRequest', requestId, 'approve', {});
    expect(again.status).toBe(409);
  });

  it('the approvals list is scoped: a support agent without the tenant sees nothing of it', async () => {
    const mine = await w.api.supportA.list('ApprovalRequest');
    expect(mine.status).toBe(200);
    expect(mine.body.records.length).toBeGreaterThanOrEqual(1);
    const none = await w.api.supportNone.list('ApprovalRequest');
    expect(none.status).toBe(200);
    expect(none.body.records).toHaveLength(0);
  });
});
