import type { Prisma, RecurringRule } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { prismaWhereToSql, PositionalParams, type FieldTypes } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

/** The RecurringRule columns a CASL condition of ours may name, for SQL written by hand. */
const RULE_FIELDS: FieldTypes = { id: 'uuid', tenantId: 'uuid' };

/** A transaction a rule creates for one of its dates. */
export interface Occurrence {
  tenantId: string;
  accountId: string;
  categoryId: string | null;
  amount: Prisma.Decimal;
  currency: string;
  direction: RecurringRule['direction'];
  description: string | null;
  occurredAt: Date;
  recurringRuleId: string;
  recurrenceDate: Date;
}

/**
 * The only code that touches RecurringRule (and writes the transactions a rule materialises).
 * Every method takes the session and applies its ability in the query; the shared tenant-owned
 * queries (find, lock, create, update, delete) come from tenant-owned.repository.ts.
 */
export const recurringRepository = {
  ...tenantOwnedRepository<RecurringRule, Prisma.RecurringRuleUncheckedCreateInput, Prisma.RecurringRuleUncheckedUpdateManyInput>(
    'recurringRule',
    'RecurringRule',
  ),

  /**
   * Whether transactions were materialised from the rule. Ignores the ability on Transaction:
   * a delete must not orphan any (they keep pointing at their rule).
   */
  unsafeHasTransactions: async (s: ReadSession, id: string): Promise<boolean> =>
    (await dbOf(s).transaction.findFirst({ where: { recurringRuleId: id }, select: { id: true } })) !== null,

  /** Tenants with at least one active rule the session may read due on or before `day`. */
  dueTenantIds: async (s: ReadSession, day: Date): Promise<string[]> =>
    (
      await dbOf(s).recurringRule.findMany({
        where: { AND: [scope(s.ctx, 'read', 'RecurringRule'), { active: true, nextRunOn: { lte: day } }] },
        distinct: ['tenantId'],
        select: { tenantId: true },
      })
    ).map((r) => r.tenantId),

  /** Ids of one tenant's active rules the session may read due on or before `day`, oldest due first. */
  dueRuleIds: async (s: ReadSession, tenantId: string, day: Date): Promise<string[]> =>
    (
      await dbOf(s).recurringRule.findMany({
        where: { AND: [scope(s.ctx, 'read', 'RecurringRule'), { tenantId, active: true, nextRunOn: { lte: day } }] },
        select: { id: true },
        orderBy: { nextRunOn: 'asc' },
      })
    ).map((r) => r.id),

  /**
   * Locks a rule of the tenant the session may update, or returns null at once when another
   * transaction holds it (SKIP LOCKED: that worker is doing this very work). The ability is
   * rendered into the WHERE.
   */
  async lockForRunOrSkip(s: WriteSession, id: string, tenantId: string): Promise<RecurringRule | null> {
    const params = new PositionalParams();
    const idRef = params.add(id, 'uuid');
    const tenantRef = params.add(tenantId, 'uuid');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'RecurringRule'), 'r', RULE_FIELDS, params);
    const tx = txOf(s);
    const locked = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT r."id"::text AS "id" FROM "RecurringRule" r
        WHERE r."id" = ${idRef} AND r."tenantId" = ${tenantRef} AND (${allowed}) FOR UPDATE SKIP LOCKED`,
      ...params.values,
    );
    return locked.length ? tx.recurringRule.findUnique({ where: { id } }) : null;
  },

  /**
   * Inserts a rule's occurrences as REGULAR transactions, once each: (recurringRuleId,
   * recurrenceDate) is unique and the insert is ON CONFLICT DO NOTHING. Returns how many were new.
   */
  async insertOccurrences(s: WriteSession, occurrences: readonly Occurrence[]): Promise<number> {
    for (const o of occurrences) requireCreatable(s.ctx, 'Transaction', o);
    const { count } = await txOf(s).transaction.createMany({
      data: occurrences.map((o) => ({ ...o, kind: 'REGULAR' as const })),
      skipDuplicates: true, // INSERT ... ON CONFLICT DO NOTHING on (recurringRuleId, recurrenceDate)
    });
    return count;
  },
};
