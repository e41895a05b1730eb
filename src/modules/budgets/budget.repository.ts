import { Prisma, type PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';

type Db = Tx | PrismaClient;

export interface SpendQuery {
  id: string;
  tenantId: string;
  categoryId: string;
  currency: string;
  start: Date;
  end: Date;
}

/** The only code of this module that touches the Budget table; callers pass the scope. */
export const budgetRepository = {
  list: (db: Db, where: Prisma.BudgetWhereInput, take: number) =>
    db.budget.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
  findFirst: (db: Db, where: Prisma.BudgetWhereInput) => db.budget.findFirst({ where }),
  create: (db: Db, data: Prisma.BudgetUncheckedCreateInput) => db.budget.create({ data }),
  unsafeFindTenantId: async (db: Db, id: string) =>
    (await db.budget.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,

  /**
   * Net spending (debits minus credits) of each budget's category in its currency over its
   * period, for many budgets in one statement.
   */
  async spent(db: Db, budgets: SpendQuery[]): Promise<Map<string, string>> {
    if (budgets.length === 0) return new Map();
    const rows = await db.$queryRaw<Array<{ id: string; spent: string }>>(Prisma.sql`
      SELECT b.id::text AS id,
             COALESCE(SUM(CASE WHEN t."direction" = 'DEBIT' THEN t."amount" ELSE -t."amount" END), 0)::text AS spent
      FROM unnest(${budgets.map((b) => b.id)}::uuid[], ${budgets.map((b) => b.tenantId)}::uuid[],
                  ${budgets.map((b) => b.categoryId)}::uuid[], ${budgets.map((b) => b.currency)}::text[],
                  ${budgets.map((b) => b.start.toISOString())}::timestamptz[], ${budgets.map((b) => b.end.toISOString())}::timestamptz[])
           AS b(id, tenant_id, category_id, currency, start_at, end_at)
      LEFT JOIN "Transaction" t
        ON t."tenantId" = b.tenant_id AND t."categoryId" = b.category_id AND t."currency" = b.currency
       AND t."occurredAt" >= b.start_at AND t."occurredAt" < b.end_at
      GROUP BY b.id`);
    return new Map(rows.map((r) => [r.id, r.spent]));
  },
};
