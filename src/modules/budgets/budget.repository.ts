import type { Budget, Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { scope } from '../shared/guard.js';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

export interface SpendQuery {
  id: string;
  tenantId: string;
  categoryId: string;
  currency: string;
  start: Date;
  end: Date;
}

/** Columns an ability's conditions may name on Transaction, with their SQL type. */
const TRANSACTION_SCOPE_FIELDS = { id: 'uuid', tenantId: 'uuid', accountId: 'uuid', categoryId: 'uuid' } as const;

/**
 * The only code that touches the Budget table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const budgetRepository = {
  ...tenantOwnedRepository<Budget, Prisma.BudgetUncheckedCreateInput, Prisma.BudgetUncheckedUpdateManyInput>('budget', 'Budget'),

  listVisible: (s: ReadSession, where: Prisma.BudgetWhereInput, take: number) =>
    dbOf(s).budget.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Budget'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /**
   * Net spending (debits minus credits) of each budget's category in its currency over its
   * period, for many budgets in one statement, over the transactions the session may read.
   */
  async spent(s: ReadSession, budgets: SpendQuery[]): Promise<Map<string, string>> {
    if (budgets.length === 0) return new Map();
    const p = new PositionalParams();
    const visible = prismaWhereToSql(scope(s.ctx, 'read', 'Transaction'), 't', TRANSACTION_SCOPE_FIELDS, p);
    const text = `
      SELECT b.id::text AS id,
             COALESCE(SUM(CASE WHEN t."direction" = 'DEBIT' THEN t."amount" ELSE -t."amount" END), 0)::text AS spent
      FROM unnest(${p.addArray(
        budgets.map((b) => b.id),
        'uuid',
      )}, ${p.addArray(
        budgets.map((b) => b.tenantId),
        'uuid',
      )},
                  ${p.addArray(
                    budgets.map((b) => b.categoryId),
                    'uuid',
                  )}, ${p.addArray(
                    budgets.map((b) => b.currency),
                    'text',
                  )},
                  ${p.addArray(
                    budgets.map((b) => b.start.toISOString()),
                    'timestamptz',
                  )},
                  ${p.addArray(
                    budgets.map((b) => b.end.toISOString()),
                    'timestamptz',
                  )})
           AS b(id, tenant_id, category_id, currency, start_at, end_at)
      LEFT JOIN "Transaction" t
        ON t."tenantId" = b.tenant_id AND t."categoryId" = b.category_id AND t."currency" = b.currency
       AND t."occurredAt" >= b.start_at AND t."occurredAt" < b.end_at AND ${visible}
      GROUP BY b.id`;
    const rows = await dbOf(s).$queryRawUnsafe<Array<{ id: string; spent: string }>>(text, ...p.values);
    return new Map(rows.map((r) => [r.id, r.spent]));
  },
};
