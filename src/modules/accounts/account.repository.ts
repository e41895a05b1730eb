import type { Account, Prisma, PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import { Decimal } from '../../lib/money.js';

type Db = Tx | PrismaClient;

/** The only code of this module that touches the Account table; callers pass the scope. */
export const accountRepository = {
  list: (db: Db, where: Prisma.AccountWhereInput, take: number) =>
    db.account.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),

  findFirst: (db: Db, where: Prisma.AccountWhereInput) => db.account.findFirst({ where }),

  create: (db: Db, data: Prisma.AccountUncheckedCreateInput) => db.account.create({ data }),

  /**
   * Balances computed from the ledger (credits minus debits, adjustments included): a balance
   * is never stored. Accounts without transactions get zero.
   */
  async balances(db: Db, accounts: Array<Pick<Account, 'id' | 'tenantId'>>): Promise<Map<string, Decimal>> {
    const result = new Map<string, Decimal>(accounts.map((a) => [a.id, new Decimal(0)]));
    if (accounts.length === 0) return result;
    const sums = await db.transaction.groupBy({
      by: ['accountId', 'direction'],
      where: { tenantId: { in: [...new Set(accounts.map((a) => a.tenantId))] }, accountId: { in: accounts.map((a) => a.id) } },
      _sum: { amount: true },
    });
    for (const row of sums) {
      const amount = new Decimal(row._sum.amount?.toString() ?? '0');
      const current = result.get(row.accountId) ?? new Decimal(0);
      result.set(row.accountId, row.direction === 'CREDIT' ? current.plus(amount) : current.minus(amount));
    }
    return result;
  },

  /** Ignores the actor's ability: only to decide whether a refused id belongs to another tenant. */
  unsafeFindTenantId: async (db: Db, id: string) =>
    (await db.account.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
