import type { Account, Tenant } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import { dueOccurrences, isoDate, nextOccurrence } from '../../src/modules/recurring/recurring.schedule.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from './helpers.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('recurring schedule (pure date arithmetic)', () => {
  it('keeps the day of month of the start, clamped to short months, without drifting', () => {
    const rule = { frequency: 'MONTHLY' as const, interval: 1, startsOn: d('2024-01-31') };
    const dates = [d('2024-01-31')];
    for (let i = 0; i < 4; i++) dates.push(nextOccurrence(rule, dates[dates.length - 1]!));
    expect(dates.map(isoDate)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
  });

  it('handles every frequency and interval', () => {
    const start = d('2024-02-29');
    expect(isoDate(nextOccurrence({ frequency: 'DAILY', interval: 3, startsOn: start }, start))).toBe('2024-03-03');
    expect(isoDate(nextOccurrence({ frequency: 'WEEKLY', interval: 2, startsOn: start }, start))).toBe('2024-03-14');
    expect(isoDate(nextOccurrence({ frequency: 'MONTHLY', interval: 3, startsOn: start }, start))).toBe('2024-05-29');
    expect(isoDate(nextOccurrence({ frequency: 'YEARLY', interval: 1, startsOn: start }, start))).toBe('2025-02-28');
    expect(isoDate(nextOccurrence({ frequency: 'YEARLY', interval: 4, startsOn: start }, start))).toBe('2028-02-29');
  });

  it('lists what is due up to today and stops at the end date', () => {
    const rule = {
      frequency: 'WEEKLY' as const,
      interval: 1,
      startsOn: d('2024-01-01'),
      nextRunOn: d('2024-01-01'),
      endsOn: d('2024-01-20'),
    };
    const due = dueOccurrences(rule, d('2024-03-01'));
    expect(due.dates.map(isoDate)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
    expect(due.ended).toBe(true);
    expect(dueOccurrences({ ...rule, endsOn: null }, d('2024-01-10'))).toMatchObject({ ended: false, next: d('2024-01-15') });
  });
});

describe('recurring rules materialise transactions through a job, idempotently', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let tenant: Tenant;
  let account: Account;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    tenant = await f.tenant();
    account = await f.account(tenant.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const rule = (over: { frequency?: 'DAILY' | 'MONTHLY'; startsOn: Date; tenantId?: string; accountId?: string }) =>
    t.owner.prisma.recurringRule.create({
      data: {
        tenantId: over.tenantId ?? tenant.id,
        accountId: over.accountId ?? account.id,
        amount: '12.50',
        currency: 'EUR',
        direction: 'DEBIT',
        description: 'Gym membership',
        frequency: over.frequency ?? 'MONTHLY',
        startsOn: over.startsOn,
        nextRunOn: over.startsOn,
      },
    });

  it('creates each due occurrence once, however often and concurrently it runs, audited as the system job', async () => {
    const r = await rule({ frequency: 'DAILY', startsOn: d('2024-03-01') });
    const today = d('2024-03-10');
    const ctx = jobContext('recurring-tenant');
    const results = await Promise.all([1, 2, 3].map(() => t.services.recurring.materialiseTenant(ctx, tenant.id, today)));
    expect(results.reduce((n, x) => n + x.created, 0)).toBe(10);
    expect(await t.services.recurring.materialiseTenant(ctx, tenant.id, today)).toMatchObject({ created: 0 });
    const rows = await t.owner.prisma.transaction.findMany({
      where: { recurringRuleId: r.id },
      orderBy: { recurrenceDate: 'asc' },
    });
    expect(rows.map((x) => isoDate(x.recurrenceDate!))).toEqual(
      Array.from({ length: 10 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`),
    );
    expect(rows.every((x) => x.amount.toString() === '12.5' && x.direction === 'DEBIT' && x.tenantId === tenant.id)).toBe(true);
    expect(isoDate((await t.owner.prisma.recurringRule.findUniqueOrThrow({ where: { id: r.id } })).nextRunOn)).toBe('2024-03-11');
    const events = await t.owner.prisma.auditEvent.findMany({ where: { action: 'recurring.materialise', recordId: r.id } });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(
      events.every((e) => e.actorType === 'SYSTEM' && e.actorId === 'job:recurring-tenant' && e.tenantId === tenant.id),
    ).toBe(true);

    // Even a rule whose nextRunOn was pushed back (e.g. a restored backup) creates nothing twice.
    await t.owner.prisma.recurringRule.update({ where: { id: r.id }, data: { nextRunOn: d('2024-03-01') } });
    expect(await t.services.recurring.materialiseTenant(ctx, tenant.id, today)).toMatchObject({ created: 0 });
    expect(await t.owner.prisma.transaction.count({ where: { recurringRuleId: r.id } })).toBe(10);
  });

  it('skips suspended tenants, and refuses anyone but the system', async () => {
    const paused = await f.tenant();
    const acc = await f.account(paused.id);
    await rule({ startsOn: d('2024-01-15'), tenantId: paused.id, accountId: acc.id });
    await t.services.tenants.suspend(await f.staffCtx(await f.staff('SUPERADMIN')), {
      tenantId: paused.id,
      reason: 'fraud review',
    });
    expect(await t.services.recurring.materialiseTenant(jobContext('recurring-tenant'), paused.id, d('2024-06-01'))).toEqual({
      rules: 0,
      created: 0,
      skippedTenant: 'not_active',
    });
    const staff = await f.staffCtx(await f.staff('SUPERADMIN'));
    await expect(t.services.recurring.materialiseTenant(staff, tenant.id)).rejects.toMatchObject({ kind: 'FORBIDDEN' });
  });

  it('the scheduled sweep enqueues one job per tenant and the worker materialises them', async () => {
    const other = await f.tenant();
    const acc = await f.account(other.id);
    const monthAgo = new Date(Date.now() - 40 * 86_400_000);
    const r = await rule({
      startsOn: new Date(Date.UTC(monthAgo.getUTCFullYear(), monthAgo.getUTCMonth(), monthAgo.getUTCDate())),
      tenantId: other.id,
      accountId: acc.id,
    });
    expect(await t.services.recurring.dueTenantIds(jobContext('recurring-sweep'))).toContain(other.id);
    const workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
      queues: ['recurring-sweep', 'recurring-tenant'],
    });
    try {
      await workers.boss.send('recurring-sweep', {});
      await waitFor(async () => (await t.owner.prisma.transaction.count({ where: { recurringRuleId: r.id } })) >= 2, 20_000, 200);
    } finally {
      await workers.stop();
    }
    expect(await t.owner.prisma.transaction.count({ where: { recurringRuleId: r.id } })).toBe(2);
  });
});
