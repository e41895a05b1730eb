import type { User } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { STRONG_PASSWORD } from '../helpers/factories.js';
import { buildWorld, eventsOf, type World } from './resources.helpers.js';

const rid = (name: string) => `req-${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Issue 11, defect 3: a closed account (erasure pending) reopens only through the explicit,
 * reasoned, audited "reopen" action within the grace period — never through a plain edit.
 */
describe('admin: reopening a closed account cancels its erasure', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => w.close());

  const prisma = () => w.h.t.owner.prisma;
  const outcomes = async (id: string) => (await eventsOf(prisma(), id)).map((e) => [e.action, e.outcome]);

  /** A member of `tenantId` whose account support closed (erasure scheduled). */
  async function closedMember(tenantId: string): Promise<User> {
    const member = await w.h.f.user(tenantId, { name: 'Closing Member' });
    const superadmin = await w.h.f.staffCtx({ id: w.staff.superadmin.id, role: 'SUPERADMIN', locale: 'en' });
    await w.h.t.services.erasure.requestErasureBySupport(superadmin, { userId: member.id, reason: 'asked by phone' });
    return prisma().user.findUniqueOrThrow({ where: { id: member.id } });
  }

  it('a plain edit cannot set a CLOSED user back to ACTIVE', async () => {
    const user = await closedMember(w.a.tenantId);
    expect(user.status).toBe('CLOSED');
    // The edit form's fields are the profile's (users.updateProfile): a status is not one of them.
    const res = await w.api.supportA.recordPost('User', user.id, 'edit', { status: 'ACTIVE' });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.[0]?.code ?? JSON.stringify(res.body)).toBe('not_editable');
    expect(await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      status: 'CLOSED',
      erasureDueAt: user.erasureDueAt,
    });
  });

  it('support reopens it through the action within the grace period: reason required, audited once; the user logs in, nothing is erased', async () => {
    const user = await closedMember(w.a.tenantId);
    const noReason = await w.api.supportA.recordPost('User', user.id, 'reopen', {});
    expect(noReason.status).toBe(400);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).status).toBe('CLOSED');

    const r = rid('reopen');
    const res = await w.api.supportA.recordPost(
      'User',
      user.id,
      'reopen',
      { reason: 'Changed their mind, verified by phone' },
      r,
    );
    expect(res.status).toBe(200);
    expect(res.body.record.params.status).toBe('ACTIVE');
    const events = await eventsOf(prisma(), r);
    expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['user.erasure_cancel', 'SUCCESS', 'Changed their mind, verified by phone'],
    ]);
    expect(events[0]).toMatchObject({ actorId: w.staff.supportA.id, tenantId: w.a.tenantId, recordId: user.id });
    expect(await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      status: 'ACTIVE',
      closedAt: null,
      erasureDueAt: null,
    });

    // The user can sign in again, and the scheduled erasure leaves them alone.
    const pair = await w.h.t.services.apiAuth.issueTokens({}, { email: user.email, password: STRONG_PASSWORD });
    expect(pair.accessToken).toBeTruthy();
    const job = jobContext('erasure-sweep');
    expect(
      (await w.h.t.services.erasure.dueUsers(job, new Date(Date.now() + 400 * 86_400_000))).map((d) => d.userId),
    ).not.toContain(user.id);
    expect(await w.h.t.services.erasure.eraseUser(job, { userId: user.id, tenantId: w.a.tenantId })).toEqual({
      outcome: 'not-due',
    });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).erasedAt).toBeNull();

    // Nothing left to cancel: a conflict, audited, and no second change.
    const again = rid('reopen-again');
    expect((await w.api.supportA.recordPost('User', user.id, 'reopen', { reason: 'Twice' }, again)).status).toBe(409);
    expect(await outcomes(again)).toEqual([['user.erasure_cancel', 'DENIED']]);
  });

  it('refuses once the grace period is over (409, audited DENIED)', async () => {
    const user = await closedMember(w.a.tenantId);
    await prisma().user.update({ where: { id: user.id }, data: { erasureDueAt: new Date(Date.now() - 1000) } });
    const r = rid('reopen-late');
    const res = await w.api.supportA.recordPost('User', user.id, 'reopen', { reason: 'Too late?' }, r);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/grace period is over/) });
    expect(await outcomes(r)).toEqual([['user.erasure_cancel', 'DENIED']]);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).status).toBe('CLOSED');
  });

  it("refuses another tenant's user (404, audited DENIED) and roles without the right (403)", async () => {
    const user = await closedMember(w.b.tenantId);
    const r = rid('reopen-b');
    expect((await w.api.supportA.recordPost('User', user.id, 'reopen', { reason: 'Not mine' }, r)).status).toBe(404);
    expect((await outcomes(r)).map(([, outcome]) => outcome)).toEqual(['DENIED']);
    // The service itself, called directly, refuses the same way, in tenant B's chain.
    const ctx = await w.h.f.staffCtx({ id: w.staff.supportA.id, role: 'SUPPORT', locale: 'en' });
    await expect(w.h.t.services.erasure.cancel(ctx, { userId: user.id, reason: 'Not mine' })).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    expect(
      await prisma().auditEvent.count({
        where: { action: 'user.erasure_cancel', outcome: 'DENIED', actorId: w.staff.supportA.id, tenantId: w.b.tenantId },
      }),
    ).toBe(1);
    expect((await w.api.compliance.recordPost('User', user.id, 'reopen', { reason: 'Trying' })).status).toBe(403);
    // Engineers do not even see users.
    expect([403, 404]).toContain((await w.api.engineer.recordPost('User', user.id, 'reopen', { reason: 'Trying' })).status);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).status).toBe('CLOSED');
  });
});
