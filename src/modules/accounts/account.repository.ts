import type { Account, Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { Decimal } from '../../lib/money.js';
import { scope } from '../shared/guard.js';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

/**
 * The only code that touches the Account table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const accountRepository = {
  ...tenantOwnedRepository<Account, Prisma.AccountUncheckedCreateInput, Prisma.AccountUncheckedUpdateManyInput>(
    'account',
    'Account',
  ),

  /** Accounts the session may read matching `where`, newest first. */
  listVisible: (s: ReadSession, where: Prisma.AccountWhereInput, take: number) =>
    dbOf(s).account.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Account'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /**
   * Balances computed from the ledger (credits minus debits, adjustments included), over the
   * transactions the session may read: a balance is never stored. Accounts without
   * transactions get zero.
   */
  async balances(s: ReadSession, accounts: Array<Pick<Account, 'id' | 'tenantId'>>): Promise<Map<string, Decimal>> {
    const result = new Map<string, Decimal>(accounts.map((a) => [a.id, new Decimal(0)]));
    if (accounts.length === 0) return result;
    const sums = await dbOf(s).transaction.groupBy({
      by: ['accountId', 'direction'],
      where: {
        AND: [
          scope(s.ctx, 'read', 'Transaction'),
          { tenantId: { in: [...new Set(accounts.map((a) => a.tenantId))] }, accountId: { in: accounts.map((a) => a.id) } },
        ],
      },
      _sum: { amount: true },
    });
    for (const row of sums) {
      const amount = new Decimal(row._sum.amount?.toString() ?? '0');
      const current = result.get(row.accountId) ?? new Decimal(0);
      result.set(row.accountId, row.direction === 'CREDIT' ? current.plus(amount) : current.minus(amount));
    }
    return result;
  },

  /** Whether the account has ledger entries (ignores the ability: a delete must not orphan any). */
  unsafeHasTransactions: async (s: ReadSession, id: string) =>
    (await dbOf(s).transaction.findFirst({ where: { accountId: id }, select: { id: true } })) !== null,
};
