import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.js';
import { isEnabled, rolloutBucket, type FlagRule } from '../../src/modules/feature-flags/feature-flag.evaluate.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

const flag = (over: Partial<FlagRule> = {}): FlagRule => ({
  key: 'new-dashboard',
  enabled: true,
  rolloutPercentage: 0,
  tenantIds: [],
  startsAt: null,
  endsAt: null,
  ...over,
});
const tenants = Array.from({ length: 4000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);

describe('isEnabled: the one evaluation of a feature flag', () => {
  it('is off when missing or disabled, whatever else it says', () => {
    expect(isEnabled(null, { tenantId: tenants[0] })).toBe(false);
    expect(isEnabled(flag({ enabled: false, rolloutPercentage: 100, tenantIds: [tenants[0]!] }), { tenantId: tenants[0] })).toBe(
      false,
    );
  });

  it('honours the start and end dates (start inclusive, end exclusive)', () => {
    const startsAt = new Date('2030-01-01T00:00:00Z');
    const endsAt = new Date('2030-02-01T00:00:00Z');
    const f = flag({ rolloutPercentage: 100, startsAt, endsAt });
    expect(isEnabled(f, { now: new Date('2029-12-31T23:59:59Z') })).toBe(false);
    expect(isEnabled(f, { now: startsAt })).toBe(true);
    expect(isEnabled(f, { now: new Date('2030-01-31T23:59:59Z') })).toBe(true);
    expect(isEnabled(f, { now: endsAt })).toBe(false);
  });

  it('turns listed tenants on regardless of the percentage', () => {
    const f = flag({ rolloutPercentage: 0, tenantIds: [tenants[1]!] });
    expect(isEnabled(f, { tenantId: tenants[1] })).toBe(true);
    expect(isEnabled(f, { tenantId: tenants[2] })).toBe(false);
    expect(isEnabled(f, {})).toBe(false);
  });

  it('rolls out deterministically per tenant, close to the percentage, monotonically, independently per flag', () => {
    const at30 = tenants.filter((id) => isEnabled(flag({ rolloutPercentage: 30 }), { tenantId: id }));
    expect(at30.length / tenants.length).toBeGreaterThan(0.27);
    expect(at30.length / tenants.length).toBeLessThan(0.33);
    // Same answer every time (no randomness, no clock).
    expect(tenants.filter((id) => isEnabled(flag({ rolloutPercentage: 30 }), { tenantId: id }))).toEqual(at30);
    // Raising the percentage only adds tenants.
    const at60 = new Set(tenants.filter((id) => isEnabled(flag({ rolloutPercentage: 60 }), { tenantId: id })));
    expect(at30.every((id) => at60.has(id))).toBe(true);
    // Another flag buckets tenants differently.
    const other = tenants.filter((id) => isEnabled(flag({ key: 'other-flag', rolloutPercentage: 30 }), { tenantId: id }));
    expect(other).not.toEqual(at30);
    expect(rolloutBucket('new-dashboard', tenants[0]!)).toBe(rolloutBucket('new-dashboard', tenants[0]!));
    // 0 % nobody, 100 % everybody (even without a tenant).
    expect(tenants.some((id) => isEnabled(flag({ rolloutPercentage: 0 }), { tenantId: id }))).toBe(false);
    expect(tenants.every((id) => isEnabled(flag({ rolloutPercentage: 100 }), { tenantId: id }))).toBe(true);
    expect(isEnabled(flag({ rolloutPercentage: 100 }), {})).toBe(true);
  });
});

describe('featureFlags service: managed by engineers and superadmins, audited', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an engineer create, change and delete a flag, each change audited with its diff', async () => {
    const engineer = await f.staff('ENGINEER');
    const ctx = await f.staffCtx(engineer);
    const tenant = await f.tenant();
    const created = await t.services.featureFlags.create(ctx, {
      key: 'budgets.v2',
      owner: 'team-budgets',
      rolloutPercentage: 10,
      reason: 'pilot',
    });
    expect(created).toMatchObject({ key: 'budgets.v2', enabled: false, rolloutPercentage: 10 });
    const updated = await t.services.featureFlags.update(ctx, {
      id: created.id,
      enabled: true,
      tenantIds: [tenant.id],
      reason: 'pilot tenant',
    });
    expect(updated.tenantIds).toEqual([tenant.id]);
    expect(await t.services.featureFlags.evaluate('budgets.v2', { tenantId: tenant.id })).toBe(true);
    expect(await t.services.featureFlags.evaluate('no-such-flag', { tenantId: tenant.id })).toBe(false);

    const events = await t.owner.prisma.auditEvent.findMany({
      where: { resource: 'FeatureFlag', recordId: created.id },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.action)).toEqual(['feature_flag.create', 'feature_flag.update']);
    expect(events[1]!.diff).toMatchObject({ enabled: { from: false, to: true } });
    expect(events[1]!.reason).toBe('pilot tenant');

    await t.services.featureFlags.remove(ctx, { id: created.id, reason: 'rolled out' });
    expect(await t.owner.prisma.featureFlag.count({ where: { id: created.id } })).toBe(0);
    expect(await t.owner.prisma.auditEvent.count({ where: { action: 'feature_flag.delete', recordId: created.id } })).toBe(1);
  });

  it('validates input: unique keys, known tenants, ordered dates, 0..100 %', async () => {
    const ctx = await f.staffCtx(await f.staff('SUPERADMIN'));
    await t.services.featureFlags.create(ctx, { key: 'dup-key' });
    await expect(t.services.featureFlags.create(ctx, { key: 'dup-key' })).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(t.services.featureFlags.create(ctx, { key: 'x-unknown', tenantIds: [randomUUID()] })).rejects.toMatchObject({
      kind: 'VALIDATION_ERROR',
    });
    await expect(t.services.featureFlags.create(ctx, { key: 'x-pct', rolloutPercentage: 101 })).rejects.toThrow();
    await expect(
      t.services.featureFlags.create(ctx, { key: 'x-dates', startsAt: new Date('2030-02-01'), endsAt: new Date('2030-01-01') }),
    ).rejects.toThrow();
  });

  it('refuses support and compliance (403, audited DENIED); compliance may read', async () => {
    const engineer = await f.staffCtx(await f.staff('ENGINEER'));
    const flagRow = await t.services.featureFlags.create(engineer, { key: 'reports.beta' });
    for (const role of ['SUPPORT', 'COMPLIANCE'] as const) {
      const staff = await f.staff(role);
      const ctx = await f.staffCtx(staff);
      const err = await t.services.featureFlags.update(ctx, { id: flagRow.id, enabled: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).kind).toBe('FORBIDDEN');
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { action: 'feature_flag.update', outcome: 'DENIED', actorId: staff.id },
        }),
      ).toBe(1);
    }
    const compliance = await f.staffCtx(await f.staff('COMPLIANCE'));
    expect((await t.services.featureFlags.list(compliance)).map((x) => x.key)).toContain('reports.beta');
    const support = await f.staffCtx(await f.staff('SUPPORT'));
    expect(await t.services.featureFlags.list(support)).toEqual([]);
    expect((await t.owner.prisma.featureFlag.findUniqueOrThrow({ where: { id: flagRow.id } })).enabled).toBe(false);
  });
});
