import type { ServiceContext } from '../../src/lib/context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import type { TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { createJobsTestContext } from './helpers.js';

/** `erasure.cancel`: an owner's cancelled erasure reopens exactly what their request closed. */
describe('cancelling an erasure (reopening a closed account)', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;
  let superadmin: ServiceContext;

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
  });
  afterAll(async () => {
    await t.close();
  });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: unknown) => {
        expect(err).toBeInstanceOf(AppError);
        return err as AppError;
      },
    );

  it("the owner's cancel reopens the household and the members it closed, as they were, and only those", async () => {
    const p = t.owner.prisma;
    const home = await f.tenant({ name: 'Reopened household' });
    const owner = await f.user(home.id, { name: 'Olga Owner' });
    const open = await f.user(home.id, { name: 'Otto Open' });
    const disabled = await f.user(home.id, { name: 'Dora Disabled' });
    const leaver = await f.user(home.id, { name: 'Lea Leaver' });
    const bystander = await f.tenant({ name: 'Bystander household' });
    const stranger = await f.user(bystander.id, { name: 'Stan Stranger' });
    await t.services.users.disable(superadmin, { userId: disabled.id, reason: 'fraud check' });
    await t.services.tenants.suspend(superadmin, { tenantId: home.id, reason: 'chargeback' });
    // Lea asked for her own erasure first: her request is hers, the owner's cancel leaves it.
    const leaverRequest = await t.services.erasure.requestErasure(f.userCtx(leaver));
    await t.services.erasure.requestErasure(f.userCtx(owner), { reason: 'moving away' });
    await t.services.erasure.requestErasure(f.userCtx(stranger));
    expect((await p.tenant.findUniqueOrThrow({ where: { id: home.id } })).status).toBe('CLOSED');
    expect(await p.user.count({ where: { tenantId: home.id, status: 'CLOSED' } })).toBe(4);
    expect((await p.user.findUniqueOrThrow({ where: { id: leaver.id } })).erasureDueAt).toEqual(leaverRequest.erasureDueAt);

    // A member of the closed household cannot be reopened on their own.
    const alone = await refusal(t.services.erasure.cancel(superadmin, { userId: open.id, reason: 'asked by phone' }));
    expect(alone.code).toBe('ERASURE.HOUSEHOLD_CLOSED');

    const result = await t.services.erasure.cancel(superadmin, { userId: owner.id, reason: 'changed their mind' });
    expect(result).toMatchObject({ userId: owner.id, status: 'ACTIVE', tenantReopened: true, membersReopened: 2 });
    const tenant = await p.tenant.findUniqueOrThrow({ where: { id: home.id } });
    expect(tenant).toMatchObject({ status: 'SUSPENDED', closedAt: null, erasureDueAt: null, statusBeforeClose: null });
    const status = async (id: string) => p.user.findUniqueOrThrow({ where: { id } });
    expect(await status(owner.id)).toMatchObject({ status: 'ACTIVE', closedAt: null, erasureDueAt: null });
    expect(await status(open.id)).toMatchObject({ status: 'ACTIVE', closedAt: null, erasureDueAt: null });
    expect(await status(disabled.id)).toMatchObject({ status: 'DISABLED', closedAt: null, erasureDueAt: null });
    expect(await status(leaver.id)).toMatchObject({ status: 'CLOSED', erasureDueAt: leaverRequest.erasureDueAt });
    expect((await status(stranger.id)).status).toBe('CLOSED');

    // One audit event, in the household's chain, with the reason.
    const events = await p.auditEvent.findMany({ where: { action: 'user.erasure_cancel', recordId: owner.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'SUCCESS', tenantId: home.id, reason: 'changed their mind' });
  });

  it('a reopened owner signs in again and is never erased by the schedule', async () => {
    const p = t.owner.prisma;
    const home = await f.tenant({ name: 'Second thoughts' });
    const owner = await f.user(home.id, { name: 'Sam Second' });
    await t.services.erasure.requestErasure(f.userCtx(owner));
    await expect(t.services.apiAuth.issueTokens({}, { email: owner.email, password: STRONG_PASSWORD })).rejects.toThrow();
    await t.services.erasure.cancel(superadmin, { userId: owner.id, reason: 'changed their mind' });
    const pair = await t.services.apiAuth.issueTokens({}, { email: owner.email, password: STRONG_PASSWORD });
    expect(pair.accessToken).toBeTruthy();
    const later = new Date(Date.now() + 365 * 86_400_000);
    expect((await t.services.erasure.dueUsers(jobContext('erasure-sweep'), later)).map((d) => d.userId)).not.toContain(owner.id);
    expect(
      await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: owner.id, tenantId: home.id }, later),
    ).toEqual({
      outcome: 'not-due',
    });
    expect((await p.user.findUniqueOrThrow({ where: { id: owner.id } })).erasedAt).toBeNull();
  });

  it('refuses without a reason, after the grace period, for a user that is not closed, and for roles without the right', async () => {
    const p = t.owner.prisma;
    const home = await f.tenant({ name: 'Refusals' });
    const owner = await f.user(home.id, { name: 'Rita Refused' });
    await expect(t.services.erasure.cancel(superadmin, { userId: owner.id, reason: '' })).rejects.toThrow();
    expect((await refusal(t.services.erasure.cancel(superadmin, { userId: owner.id, reason: 'not closed' }))).code).toBe(
      'ERASURE.NOT_PENDING',
    );
    await t.services.erasure.requestErasure(f.userCtx(owner));
    const due = (await p.user.findUniqueOrThrow({ where: { id: owner.id } })).erasureDueAt!;
    const late = await refusal(
      t.services.erasure.cancel(superadmin, { userId: owner.id, reason: 'too late' }, new Date(due.getTime() + 1)),
    );
    expect(late.code).toBe('ERASURE.GRACE_PERIOD_OVER');
    const compliance = await f.staffCtx(await f.staff('COMPLIANCE'));
    expect((await refusal(t.services.erasure.cancel(compliance, { userId: owner.id, reason: 'not mine' }))).kind).toBe(
      'FORBIDDEN',
    );
    expect(
      (await refusal(t.services.erasure.cancel(f.userCtx(owner), { userId: owner.id, reason: 'let me back in' }))).kind,
    ).toBe('FORBIDDEN');
    expect((await p.user.findUniqueOrThrow({ where: { id: owner.id } })).status).toBe('CLOSED');
    expect(await p.auditEvent.count({ where: { action: 'user.erasure_cancel', recordId: owner.id, outcome: 'DENIED' } })).toBe(4);
  });
});
