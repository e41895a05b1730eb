import type { StaffUser } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldForApproval } from '../../src/modules/approvals/approval.held.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

/**
 * Four-eyes notices through the outbox and the mail consumer: when a request is made its
 * approvers are mailed at once, and reminded half-way through its life — each approver who may
 * still decide (role, active, a support agent's grant on the tenant), in their own staff
 * language, never the maker, never anyone outside the role or the grants; once per event.
 */
describe('approval notices: mail to the approvers, on request and as a reminder', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let tenantId: string;
  let maker: StaffUser;
  let spanish: StaffUser; // support, granted, staff language es
  let superadmin: StaffUser; // approver without a grant (not a support agent)
  let revoked: StaffUser; // support, granted when the request is made, revoked before delivery
  let outside: StaffUser; // support without a grant on the tenant
  let compliance: StaffUser; // not an approver role
  let requestId: string;

  const dispatch = () => t.services.outbox.createDispatcher({ mailer: t.services.mail.createMailer() }).dispatchOnce();
  const mailOf = (eventId: string) =>
    t.owner.prisma.mailMessage.findMany({ where: { dedupeKey: { startsWith: `${eventId}:` } }, orderBy: { to: 'asc' } });
  const eventOf = async (type: string) =>
    (await t.owner.prisma.outboxEvent.findMany({ where: { type } })).find(
      (e) => (e.payload as { requestId?: string }).requestId === requestId,
    )!;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    tenantId = (await f.tenant({ name: 'Notice household' })).id;
    maker = await f.staff('SUPPORT', { grantTenantIds: [tenantId] });
    spanish = await f.staff('SUPPORT', { grantTenantIds: [tenantId] });
    await t.owner.prisma.staffUser.update({ where: { id: spanish.id }, data: { locale: 'es' } });
    superadmin = await f.staff('SUPERADMIN');
    revoked = await f.staff('SUPPORT', { grantTenantIds: [tenantId] });
    outside = await f.staff('SUPPORT');
    compliance = await f.staff('COMPLIANCE');
    const policy = (await t.services.approvals.listPolicies(f.system())).find((p) => p.action === 'transaction.adjust')!;
    await t.services.approvals.updatePolicy(f.system(), policy.id, { enabled: true, reason: 'four-eyes on' });

    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const held = await t.services.transactions
      .postAdjustment(await f.staffCtx(maker), {
        transactionId: original.id,
        amount: '7500.00',
        direction: 'CREDIT',
        reason: 'Refund after a bank error',
      })
      .then(
        () => null,
        (err: unknown) => (err instanceof HeldForApproval ? err.request : null),
      );
    requestId = held!.id;
    // One agent's grant ends between the request and the delivery of its notice: they may not decide now.
    await t.owner.prisma.tenantAccessGrant.updateMany({
      where: { staffUserId: revoked.id, tenantId },
      data: { revokedAt: new Date() },
    });
  });
  afterAll(async () => t?.close());

  it('a new request mails its approvers at once (a real MailMessage each), in their own language', async () => {
    const event = await eventOf('approval.requested');
    expect(event.tenantId).toBe(tenantId);
    const ids = (event.payload as { approverIds: string[] }).approverIds;
    expect(ids).toEqual(expect.arrayContaining([spanish.id, superadmin.id, revoked.id]));
    expect(ids).not.toContain(maker.id);
    await dispatch();
    const mails = await mailOf(event.id);
    expect(mails.map((m) => m.to).sort()).toEqual([spanish.email, superadmin.email].sort());
    for (const nobody of [maker, revoked, outside, compliance]) expect(mails.map((m) => m.to)).not.toContain(nobody.email);
    const es = mails.find((m) => m.to === spanish.email)!;
    expect(es.subject).toBe('Nueva solicitud para su aprobación: transaction.adjust');
    expect(es.text).toContain(`/admin/resources/ApprovalRequest/records/${requestId}/show`);
    const en = mails.find((m) => m.to === superadmin.email)!;
    expect(en.subject).toBe('New request for your approval: transaction.adjust');
    // Delivered once: a second round sends nothing more.
    await t.owner.prisma.outboxEvent.update({ where: { id: event.id }, data: { status: 'PENDING', availableAt: new Date() } });
    await dispatch();
    expect(await mailOf(event.id)).toHaveLength(2);
  });

  it('half-way through its life the same approvers are reminded, once, in their own language', async () => {
    const request = await t.owner.prisma.approvalRequest.findUniqueOrThrow({ where: { id: requestId } });
    const halfway = new Date(request.expiresAt.getTime() - 60_000);
    await t.services.approvals.sweep(jobContext('approval-sweep', 'test'), halfway);
    const event = await eventOf('approval.reminder');
    await dispatch();
    const mails = await mailOf(event.id);
    expect(mails.map((m) => m.to).sort()).toEqual([spanish.email, superadmin.email].sort());
    expect(mails.find((m) => m.to === spanish.email)!.subject).toBe('Pendiente de su aprobación: transaction.adjust');
    expect(mails.find((m) => m.to === superadmin.email)!.subject).toBe('Waiting for your approval: transaction.adjust');
  });
});
