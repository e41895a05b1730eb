import type { Budget, Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

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
  listVisible: (s: ReadSession, where: Prisma.BudgetWhereInput, take: number) =>
    dbOf(s).budget.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Budget'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).budget.findFirst({ where: { AND: [scope(s.ctx, action, 'Budget'), { id }] } }),

  create: (s: WriteSession, data: Prisma.BudgetUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'Budget', data);
    return txOf(s).budget.create({ data });
  },

  async updateVisible(s: WriteSession, id: string, data: Prisma.BudgetUncheckedUpdateManyInput): Promise<Budget | null> {
    const tx = txOf(s);
    const { count } = await tx.budget.updateMany({ where: { AND: [scope(s.ctx, 'update', 'Budget'), { id }] }, data });
    return count === 1 ? tx.budget.findUnique({ where: { id } }) : null;
  },

  async deleteVisible(s: WriteSession, id: string): Promise<boolean> {
    const { count } = await txOf(s).budget.deleteMany({ where: { AND: [scope(s.ctx, 'delete', 'Budget'), { id }] } });
    return count === 1;
  },

  /** Ignores the ability: only to tell whether a refused id belongs to another tenant (audit chain). */
  unsafeFindTenantId: async (s: ReadSession, id: string) =>
    (await dbOf(s).budget.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,

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
