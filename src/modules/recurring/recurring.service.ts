import type { ServiceContext } from '../../lib/context.js';
import { forbidden } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { scope } from '../shared/guard.js';
import { dueOccurrences, isoDate, toDateOnly } from './recurring.schedule.js';

export type RecurringService = ReturnType<typeof createRecurringService>;

export interface MaterialiseResult {
  rules: number;
  created: number;
  skippedTenant?: 'not_active' | 'missing';
}

/**
 * Materialises recurring rules into transactions. Idempotent: a transaction of a rule for a date
 * is unique (recurringRuleId, recurrenceDate) and inserted with ON CONFLICT DO NOTHING, so a
 * retried or concurrent run never creates a second one; the rule row is locked while its
 * occurrences are written and its nextRunOn moves forward in the same transaction.
 */
export function createRecurringService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  function requireSystem(ctx: ServiceContext) {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'recurring materialisation is a system job');
  }

  /** Tenants with at least one active rule due on or before `today` (system jobs only). */
  async function dueTenantIds(ctx: ServiceContext, today = new Date()): Promise<string[]> {
    requireSystem(ctx);
    const rows = await prisma.recurringRule.findMany({
      where: { AND: [scope(ctx, 'read', 'RecurringRule'), { active: true, nextRunOn: { lte: toDateOnly(today) } }] },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((r) => r.tenantId);
  }

  /**
   * Creates the due transactions of one tenant's rules up to `today`, audited per rule as the
   * system job. Suspended or closed tenants are skipped (their rules catch up on reactivation).
   */
  async function materialiseTenant(ctx: ServiceContext, tenantId: string, today = new Date()): Promise<MaterialiseResult> {
    requireSystem(ctx);
    const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
    if (!tenant) return { rules: 0, created: 0, skippedTenant: 'missing' };
    if (tenant.status !== 'ACTIVE') return { rules: 0, created: 0, skippedTenant: 'not_active' };
    const day = toDateOnly(today);
    const due = await prisma.recurringRule.findMany({
      where: { AND: [scope(ctx, 'read', 'RecurringRule'), { tenantId, active: true, nextRunOn: { lte: day } }] },
      select: { id: true },
      orderBy: { nextRunOn: 'asc' },
    });
    let created = 0;
    let rules = 0;
    for (const { id } of due) {
      created += await prisma.$transaction(async (tx) => {
        // Another worker holding the rule is doing this very work: skip it rather than wait.
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT "id" FROM "RecurringRule" WHERE "id" = ${id}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE SKIP LOCKED`;
        if (!locked.length) return 0;
        const rule = await tx.recurringRule.findUnique({ where: { id } });
        if (!rule || !rule.active || rule.nextRunOn > day) return 0;
        const { dates, next, ended } = dueOccurrences(rule, day);
        const { count } = await tx.transaction.createMany({
          data: dates.map((date) => ({
            tenantId: rule.tenantId,
            accountId: rule.accountId,
            categoryId: rule.categoryId,
            amount: rule.amount,
            currency: rule.currency,
            direction: rule.direction,
            description: rule.description,
            occurredAt: date,
            kind: 'REGULAR' as const,
            recurringRuleId: rule.id,
            recurrenceDate: date,
          })),
          skipDuplicates: true, // INSERT ... ON CONFLICT DO NOTHING on (recurringRuleId, recurrenceDate)
        });
        await tx.recurringRule.update({ where: { id: rule.id }, data: { nextRunOn: next, ...(ended ? { active: false } : {}) } });
        await audit.record(tx, {
          ...actorFields(ctx),
          tenantId: rule.tenantId,
          action: 'recurring.materialise',
          resource: 'RecurringRule',
          recordId: rule.id,
          diff: {
            nextRunOn: { from: isoDate(rule.nextRunOn), to: isoDate(next) },
            transactionsCreated: { from: null, to: count },
            ...(ended ? { active: { from: true, to: false } } : {}),
          },
        });
        rules++;
        return count;
      });
    }
    return { rules, created };
  }

  return { dueTenantIds, materialiseTenant };
}
