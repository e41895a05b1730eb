import type { ApprovalRequest, StaffRole } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { AppError } from '../../src/lib/errors.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { HeldForApproval } from '../../src/modules/approvals/approval.held.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';

/**
 * Four-eyes approval (ADR 0013), through the domain services every door calls: each guarded
 * action is held, executes once on approval, is refused for its maker (a superadmin included)
 * and for a second decision of one person, fails on drift, expires, and can be withdrawn.
 */
describe('four-eyes approval of sensitive changes', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let tenantId: string;
  const ctx: Record<string, ServiceContext> = {};

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

  /** The request a guarded call was held as (fails when the call made the change at once). */
  const held = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the change to be held for approval');
      },
      (err: unknown) => {
        if (!(err instanceof HeldForApproval)) throw err;
        return err.request;
      },
    );

  const setPolicy = async (action: string, change: Record<string, unknown>) => {
    const policy = (await t.services.approvals.listPolicies(ctx.super1!)).find((p) => p.action === action)!;
    return t.services.approvals.updatePolicy(ctx.super1!, policy.id, change);
  };
  /**
   * Fixtures the system makes (the factories act as the system actor): while a policy is on the
   * system is refused what it guards (ADR 0013), so the fixture is made with that policy off.
   */
  const fixture = async <T>(actions: string | string[], make: () => Promise<T>): Promise<T> => {
    const off = Array.isArray(actions) ? actions : [actions];
    for (const action of off) await setPolicy(action, { enabled: false, reason: 'fixture made by the system' });
    try {
      return await make();
    } finally {
      for (const action of off) await setPolicy(action, { enabled: true, reason: 'four-eyes on again' });
    }
  };
  const requestRow = (id: string): Promise<ApprovalRequest> =>
    t.owner.prisma.approvalRequest.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    tenantId = (await f.tenant({ name: 'Four-eyes household' })).id;
    const make = async (name: string, role: StaffRole, grants: string[] = []) => {
      ctx[name] = await f.staffCtx(await f.staff(role, { grantTenantIds: grants }));
    };
    await make('super1', 'SUPERADMIN');
    await make('super2', 'SUPERADMIN');
    await make('super3', 'SUPERADMIN');
    await make('supportA', 'SUPPORT', [tenantId]);
    await make('supportB', 'SUPPORT', [tenantId]);
    await make('supportC', 'SUPPORT', [tenantId]);
    await make('supportOutside', 'SUPPORT');
    await make('eng1', 'ENGINEER');
    await make('eng2', 'ENGINEER');
    await make('eng3', 'ENGINEER');
    await make('compliance', 'COMPLIANCE');
    for (const action of [
      'transaction.adjust',
      'access.grant',
      'staff.create',
      'staff.role_change',
      'user.erasure_cancel',
      'export.tenant',
      'feature_flag.kill_switch',
    ])
      await setPolicy(action, { enabled: true, reason: 'four-eyes on for the test' });
  });
  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

  interface Case {
    /** Makes the guarded call (by the maker) for a fresh target. */
    attempt: () => Promise<unknown>;
    /** How many times the change has been made on that target (0 until approved, then 1). */
    effect: () => Promise<number>;
    /** Changes the state the request was made against (another writer). */
    drift: () => Promise<void>;
  }
  interface Scenario {
    action: string;
    maker: string;
    checkers: [string, string];
    setup: () => Promise<Case>;
  }

  const scenarios: Scenario[] = [
    {
      action: 'transaction.adjust',
      maker: 'supportA',
      checkers: ['supportB', 'supportC'],
      setup: async () => {
        const account = await f.account(tenantId);
        const original = await f.transaction(account, { amount: '20.00' });
        const p = t.owner.prisma;
        return {
          attempt: () =>
            t.services.transactions.postAdjustment(ctx.supportA!, {
              transactionId: original.id,
              amount: '5000.00',
              direction: 'CREDIT',
              reason: 'Refund of a duplicated transfer',
            }),
          effect: () => p.transaction.count({ where: { adjustsTransactionId: original.id, amount: '5000.00' } }),
          drift: async () => {
            // Below the threshold: applied at once, and the picture the checker sees has changed.
            const small = await t.services.transactions.postAdjustment(ctx.supportA!, {
              transactionId: original.id,
              amount: '1.00',
              direction: 'DEBIT',
              reason: 'Small correction',
            });
            expect(small.kind).toBe('ADJUSTMENT');
          },
        };
      },
    },
    {
      action: 'access.grant',
      maker: 'super1',
      checkers: ['super2', 'super3'],
      setup: async () => {
        const agent = await fixture('staff.create', () => f.staff('SUPPORT'));
        const p = t.owner.prisma;
        return {
          attempt: () =>
            t.services.staff.grantAccess(ctx.super1!, {
              staffUserId: agent.id,
              tenantId,
              reason: 'Ticket 4711',
              expiresAt: new Date(Date.now() + 86_400_000),
            }),
          effect: () => p.tenantAccessGrant.count({ where: { staffUserId: agent.id, tenantId } }),
          drift: async () => {
            await t.services.staff.disable(f.system(), { staffUserId: agent.id, reason: 'left the company' });
          },
        };
      },
    },
    {
      action: 'staff.create',
      maker: 'super1',
      checkers: ['super2', 'super3'],
      setup: async () => {
        const email = `${uniq('new')}@staff.test`;
        const p = t.owner.prisma;
        return {
          attempt: () => t.services.staff.create(ctx.super1!, { email, role: 'ENGINEER', password: STRONG_PASSWORD }),
          effect: () => p.staffUser.count({ where: { email, role: 'ENGINEER' } }),
          drift: async () => {
            await fixture('staff.create', () => f.staff('COMPLIANCE', { email }));
          },
        };
      },
    },
    {
      action: 'staff.role_change',
      maker: 'super1',
      checkers: ['super2', 'super3'],
      setup: async () => {
        const member = await fixture('staff.create', () => f.staff('ENGINEER'));
        const p = t.owner.prisma;
        return {
          attempt: () => t.services.staff.update(ctx.super1!, member.id, { role: 'SUPERADMIN' }),
          effect: () => p.staffUser.count({ where: { id: member.id, role: 'SUPERADMIN' } }),
          drift: async () => {
            await t.services.staff.disable(f.system(), { staffUserId: member.id, reason: 'suspicious login' });
          },
        };
      },
    },
    {
      action: 'user.erasure_cancel',
      maker: 'supportA',
      checkers: ['supportB', 'supportC'],
      setup: async () => {
        const home = await f.tenant({ name: 'Closing household' });
        await fixture('access.grant', async () => {
          for (const agent of ['supportA', 'supportB', 'supportC'])
            await t.services.staff.grantAccess(f.system(), {
              staffUserId: ctx[agent]!.actor.id,
              tenantId: home.id,
              reason: 'erasure case',
              expiresAt: new Date(Date.now() + 86_400_000),
            });
        });
        for (const agent of ['supportA', 'supportB', 'supportC'])
          ctx[agent] = await t.services.staffAuth.contextFor({ ...ctx[agent]!.actor, locale: 'en' } as never);
        const member = await f.user(home.id);
        const member2 = await f.user(home.id);
        void member2;
        // A member (not the owner) closes their own account; the household stays open.
        const owner = await t.owner.prisma.user.findFirstOrThrow({
          where: { tenantId: home.id },
          orderBy: { createdAt: 'asc' },
        });
        const target = owner.id === member.id ? member2 : member;
        await t.owner.prisma.user.update({ where: { id: target.id }, data: { role: 'MEMBER' } });
        await t.services.erasure.requestErasure(f.userCtx({ ...target, role: 'MEMBER' }));
        const p = t.owner.prisma;
        return {
          attempt: () => t.services.erasure.cancel(ctx.supportA!, { userId: target.id, reason: 'Changed their mind by phone' }),
          effect: () => p.user.count({ where: { id: target.id, status: 'ACTIVE' } }),
          drift: async () => {
            await p.user.update({ where: { id: target.id }, data: { erasureDueAt: new Date(Date.now() + 2 * 86_400_000) } });
          },
        };
      },
    },
    {
      action: 'export.tenant',
      maker: 'eng1',
      checkers: ['eng2', 'eng3'],
      setup: async () => {
        const home = await f.tenant({ name: 'Exported household' });
        const p = t.owner.prisma;
        return {
          attempt: () =>
            t.services.exports.start(ctx.eng1!, {
              resource: 'TenantBundle',
              format: 'JSON',
              tenantId: home.id,
              reason: 'DSAR 17',
            }),
          effect: () => p.exportJob.count({ where: { tenantId: home.id, resource: 'TenantBundle' } }),
          drift: async () => {
            await t.services.tenants.suspend(f.system(), { tenantId: home.id, reason: 'chargeback' });
          },
        };
      },
    },
    {
      action: 'feature_flag.kill_switch',
      maker: 'eng1',
      checkers: ['eng2', 'eng3'],
      setup: async () => {
        const flag = await t.services.featureFlags.create(ctx.eng1!, { key: uniq('flag').toLowerCase(), enabled: false });
        const p = t.owner.prisma;
        return {
          attempt: () => t.services.featureFlags.update(ctx.eng1!, { id: flag.id, enabled: true, reason: 'launch' }),
          effect: () => p.featureFlag.count({ where: { id: flag.id, enabled: true } }),
          drift: async () => {
            await t.services.featureFlags.update(ctx.eng1!, { id: flag.id, rolloutPercentage: 50, reason: 'ramp' });
          },
        };
      },
    },
  ];

  describe.each(scenarios)('$action', (sc) => {
    it('is held: nothing changes until approval, and the request is audited', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      expect(request).toMatchObject({ action: sc.action, status: 'PENDING', makerId: ctx[sc.maker]!.actor.id });
      expect(await c.effect()).toBe(0);
      const events = await t.owner.prisma.auditEvent.findMany({ where: { recordId: request.id } });
      expect(events.map((e) => e.action)).toEqual(['approval.request']);
    });

    it('executes exactly once on approval, through the same service, with every step audited', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      const done = await t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id });
      expect(done.status).toBe('EXECUTED');
      expect(await c.effect()).toBe(1);
      await refusal(t.services.approvals.approve(ctx[sc.checkers[1]]!, { requestId: request.id }));
      expect(await c.effect()).toBe(1);
      const steps = await t.owner.prisma.auditEvent.findMany({
        where: { recordId: request.id, outcome: 'SUCCESS' },
        orderBy: { occurredAt: 'asc' },
      });
      expect(steps.map((e) => e.action)).toEqual(['approval.request', 'approval.approve', 'approval.execute']);
      // The change's own audit event is written too, by the service that made it.
      expect(done.resultId).toBeTruthy();
    });

    it('is refused for its maker', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      const err = await refusal(t.services.approvals.approve(ctx[sc.maker]!, { requestId: request.id }));
      expect(err.code).toBe('APPROVAL.OWN_REQUEST');
      expect(await c.effect()).toBe(0);
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { recordId: request.id, action: 'approval.approve', outcome: 'DENIED' },
        }),
      ).toBe(1);
    });

    it('refuses a second approval by the same person', async () => {
      await setPolicy(sc.action, { approvalsRequired: 2 });
      try {
        const c = await sc.setup();
        const request = await held(c.attempt());
        const first = await t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id });
        expect(first).toMatchObject({ status: 'PENDING', approvalsGiven: 1 });
        const again = await refusal(t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id }));
        expect(again.code).toBe('APPROVAL.ALREADY_DECIDED');
        expect(await c.effect()).toBe(0);
        const second = await t.services.approvals.approve(ctx[sc.checkers[1]]!, { requestId: request.id });
        expect(second.status).toBe('EXECUTED');
        expect(await c.effect()).toBe(1);
      } finally {
        await setPolicy(sc.action, { approvalsRequired: 1 });
      }
    });

    it('fails on drift instead of overwriting', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      await c.drift();
      const err = await refusal(t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id }));
      expect(err.code).toBe('APPROVAL.DRIFT');
      expect(await c.effect()).toBe(0);
      expect(await requestRow(request.id)).toMatchObject({ status: 'FAILED', failureCode: 'APPROVAL.DRIFT' });
      expect(
        await t.owner.prisma.auditEvent.count({ where: { recordId: request.id, action: 'approval.fail', outcome: 'FAILURE' } }),
      ).toBe(1);
    });

    it('expires', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      const later = new Date(Date.now() + 1000 * 3_600_000);
      const swept = await t.services.approvals.sweep(jobContext('approval-sweep', 'test'), later);
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect((await requestRow(request.id)).status).toBe('EXPIRED');
      const err = await refusal(t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id }));
      expect(err.code).toBe('APPROVAL.NOT_PENDING');
      expect(await c.effect()).toBe(0);
      expect(await t.owner.prisma.auditEvent.count({ where: { recordId: request.id, action: 'approval.expire' } })).toBe(1);
    });

    it('can be withdrawn by its maker only', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      const other = await refusal(t.services.approvals.withdraw(ctx[sc.checkers[0]]!, { requestId: request.id }));
      expect(other.code).toBe('APPROVAL.NOT_MAKER');
      const withdrawn = await t.services.approvals.withdraw(ctx[sc.maker]!, { requestId: request.id, reason: 'typo' });
      expect(withdrawn.status).toBe('WITHDRAWN');
      const err = await refusal(t.services.approvals.approve(ctx[sc.checkers[0]]!, { requestId: request.id }));
      expect(err.code).toBe('APPROVAL.NOT_PENDING');
      expect(await c.effect()).toBe(0);
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { recordId: request.id, action: 'approval.withdraw', outcome: 'SUCCESS' },
        }),
      ).toBe(1);
    });

    it('concurrent approvals execute exactly once', async () => {
      const c = await sc.setup();
      const request = await held(c.attempt());
      const results = await Promise.allSettled(
        sc.checkers.map((checker) => t.services.approvals.approve(ctx[checker]!, { requestId: request.id })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0]!.reason as AppError).code).toBe('APPROVAL.NOT_PENDING');
      expect(await c.effect()).toBe(1);
      expect(await t.owner.prisma.auditEvent.count({ where: { recordId: request.id, action: 'approval.execute' } })).toBe(1);
    });
  });

  it('a superadmin cannot approve their own adjustment, though they may approve anyone else’s', async () => {
    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const request = await held(
      t.services.transactions.postAdjustment(ctx.super1!, {
        transactionId: original.id,
        amount: '9999.00',
        direction: 'CREDIT',
        reason: 'Large correction',
      }),
    );
    expect((await refusal(t.services.approvals.approve(ctx.super1!, { requestId: request.id }))).code).toBe(
      'APPROVAL.OWN_REQUEST',
    );
    expect((await refusal(t.services.approvals.reject(ctx.super1!, { requestId: request.id, reason: 'never mind' }))).code).toBe(
      'APPROVAL.OWN_REQUEST',
    );
    expect((await t.services.approvals.approve(ctx.super2!, { requestId: request.id })).status).toBe('EXECUTED');
  });

  it('below the threshold an adjustment applies at once; above it waits', async () => {
    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const small = await t.services.transactions.postAdjustment(ctx.supportA!, {
      transactionId: original.id,
      amount: '1000.00',
      direction: 'CREDIT',
      reason: 'At the threshold',
    });
    expect(small.kind).toBe('ADJUSTMENT');
    await held(
      t.services.transactions.postAdjustment(ctx.supportA!, {
        transactionId: original.id,
        amount: '1000.01',
        direction: 'CREDIT',
        reason: 'Above the threshold',
      }),
    );
  });

  it('a support agent approves only inside their grants; other roles cannot approve at all', async () => {
    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const request = await held(
      t.services.transactions.postAdjustment(ctx.supportA!, {
        transactionId: original.id,
        amount: '2000.00',
        direction: 'DEBIT',
        reason: 'Reversal',
      }),
    );
    expect((await refusal(t.services.approvals.approve(ctx.supportOutside!, { requestId: request.id }))).kind).toBe('NOT_FOUND');
    expect((await refusal(t.services.approvals.approve(ctx.compliance!, { requestId: request.id }))).kind).toBe('NOT_FOUND');
    expect((await refusal(t.services.approvals.approve(ctx.eng1!, { requestId: request.id }))).kind).toBe('NOT_FOUND');
    const rejected = await t.services.approvals.reject(ctx.supportB!, {
      requestId: request.id,
      reason: 'Not supported by the ticket',
    });
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Not supported by the ticket' });
  });

  it('a request nobody else could approve is refused', async () => {
    const lonely = await f.tenant({ name: 'One agent household' });
    const agent = await f.staffCtx(
      await fixture(['staff.create', 'access.grant'], () => f.staff('SUPPORT', { grantTenantIds: [lonely.id] })),
    );
    await setPolicy('transaction.adjust', { approverRoles: ['SUPPORT'] });
    try {
      const account = await f.account(lonely.id);
      const original = await f.transaction(account);
      const err = await refusal(
        t.services.transactions.postAdjustment(agent, {
          transactionId: original.id,
          amount: '5000.00',
          direction: 'CREDIT',
          reason: 'Nobody to check me',
        }),
      );
      expect(err.code).toBe('APPROVAL.NO_APPROVER');
      expect(await t.owner.prisma.transaction.count({ where: { adjustsTransactionId: original.id } })).toBe(0);
    } finally {
      await setPolicy('transaction.adjust', { approverRoles: ['SUPPORT', 'SUPERADMIN'] });
    }
  });

  it('policy changes are audited and versioned; only superadmins change them', async () => {
    const policy = await setPolicy('access.grant', { ttlHours: 24, reason: 'shorter life' });
    const versions = await t.services.approvals.policyVersions(ctx.super1!, policy.id);
    expect(versions[0]).toMatchObject({ version: policy.version, reason: 'shorter life' });
    expect(versions.length).toBe(policy.version);
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { recordId: policy.id, action: 'approval_policy.update', outcome: 'SUCCESS' },
      }),
    ).toBe(policy.version - 1);
    expect((await refusal(t.services.approvals.updatePolicy(ctx.eng1!, policy.id, { enabled: false }))).kind).toBe('FORBIDDEN');
  });

  it('pending requests remind their approvers once, through the outbox', async () => {
    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const request = await held(
      t.services.transactions.postAdjustment(ctx.supportA!, {
        transactionId: original.id,
        amount: '3000.00',
        direction: 'CREDIT',
        reason: 'Reminder case',
      }),
    );
    const halfway = new Date(request.expiresAt.getTime() - 60_000);
    await t.services.approvals.sweep(jobContext('approval-sweep', 'test'), halfway);
    await t.services.approvals.sweep(jobContext('approval-sweep', 'test'), halfway);
    const reminders = await t.owner.prisma.outboxEvent.findMany({ where: { type: 'approval.reminder' } });
    const mine = reminders.filter((r) => (r.payload as { requestId: string }).requestId === request.id);
    expect(mine).toHaveLength(1);
    const approvers = (mine[0]!.payload as { approverIds: string[] }).approverIds;
    expect(approvers).toContain(ctx.supportB!.actor.id);
    expect(approvers).not.toContain(ctx.supportA!.actor.id);
    // Waiting for B, not for its maker.
    expect(await t.services.approvals.countPendingForMe(ctx.supportB!)).toBeGreaterThanOrEqual(1);
    const mineForA = await t.services.approvals.list(ctx.supportA!, { view: 'pendingForMe' });
    expect(mineForA.map((r) => r.id)).not.toContain(request.id);
    expect((await t.services.approvals.list(ctx.supportA!, { view: 'madeByMe' })).map((r) => r.id)).toContain(request.id);
  });

  it('the system actor (a CLI command without --as, a job, the seed) is refused a change a policy guards', async () => {
    const account = await f.account(tenantId);
    const original = await f.transaction(account);
    const large = { transactionId: original.id, amount: '5000.00', direction: 'CREDIT' as const, reason: 'Nobody named' };
    const denied = () =>
      t.owner.prisma.auditEvent.count({
        where: { action: 'approval.request', outcome: 'DENIED', actorType: 'SYSTEM', recordId: original.id },
      });
    for (const system of [f.system(), jobContext('recurring', 'test')]) {
      const err = await refusal(t.services.transactions.postAdjustment(system, large));
      expect(err.code).toBe('APPROVAL.PERSON_REQUIRED');
    }
    expect(await denied()).toBe(2);
    expect(await t.owner.prisma.transaction.count({ where: { adjustsTransactionId: original.id } })).toBe(0);
    expect(await t.owner.prisma.approvalRequest.count({ where: { targetId: original.id } })).toBe(0);
    // What the policy does not guard stays system work: a small adjustment applies at once.
    const small = await t.services.transactions.postAdjustment(f.system(), { ...large, amount: '10.00' });
    expect(small.kind).toBe('ADJUSTMENT');
    // The demo seed creates staff: with staff.create on it is refused, not a way to make one.
    expect((await refusal(t.services.seed.demo({ tenants: 0, transactions: 0 }))).code).toBe('APPROVAL.PERSON_REQUIRED');
    expect(await t.owner.prisma.staffUser.count({ where: { email: { endsWith: 'demo.backoffice.local' } } })).toBe(0);
  });

  it('creating a support agent with tenant grants is no way around the access.grant policy', async () => {
    const email = `${uniq('granted')}@staff.test`;
    const p = t.owner.prisma;
    await setPolicy('staff.create', { enabled: false, reason: 'only the grant policy on' });
    try {
      for (const who of [ctx.super1!, f.system()]) {
        const err = await refusal(
          t.services.staff.create(who, { email, role: 'SUPPORT', password: STRONG_PASSWORD, grantTenantIds: [tenantId] }),
        );
        expect(err.code).toBe('APPROVAL.GRANT_SEPARATELY');
      }
      expect(await p.staffUser.count({ where: { email } })).toBe(0);
      // Without grants it is made at once; each grant then waits for approval like any other.
      const agent = await t.services.staff.create(ctx.super1!, { email, role: 'SUPPORT', password: STRONG_PASSWORD });
      await held(
        t.services.staff.grantAccess(ctx.super1!, {
          staffUserId: agent.id,
          tenantId,
          reason: 'Ticket 12',
          expiresAt: new Date(Date.now() + 86_400_000),
        }),
      );
      expect(await p.tenantAccessGrant.count({ where: { staffUserId: agent.id } })).toBe(0);
    } finally {
      await setPolicy('staff.create', { enabled: true, reason: 'four-eyes on again' });
    }
  });
});
