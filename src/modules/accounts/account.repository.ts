import type { Account, Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { Decimal } from '../../lib/money.js';
import type { Action } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

/**
 * The only code that touches the Account table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const accountRepository = {
  /** Accounts the session may read matching `where`, newest first. */
  listVisible: (s: ReadSession, where: Prisma.AccountWhereInput, take: number) =>
    dbOf(s).account.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Account'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** One account the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).account.findFirst({ where: { AND: [scope(s.ctx, action, 'Account'), { id }] } }),

  /** Opens an account; refused unless the ability may create accounts in its tenant. */
  create: (s: WriteSession, data: Prisma.AccountUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'Account', data);
    return txOf(s).account.create({ data });
  },

  /** Changes an account the session may update; null when it may not (or it does not exist). */
  async updateVisible(s: WriteSession, id: string, data: Prisma.AccountUncheckedUpdateManyInput): Promise<Account | null> {
    const tx = txOf(s);
    const { count } = await tx.account.updateMany({ where: { AND: [scope(s.ctx, 'update', 'Account'), { id }] }, data });
    return count === 1 ? tx.account.findUnique({ where: { id } }) : null;
  },

  /** Deletes an account the session may delete; false when it may not (or it does not exist). */
  async deleteVisible(s: WriteSession, id: string): Promise<boolean> {
    const { count } = await txOf(s).account.deleteMany({ where: { AND: [scope(s.ctx, 'delete', 'Account'), { id }] } });
    return count === 1;
  },

  /** Locks an account the session may `action` for the rest of the transaction, and returns it. */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<Account | null> {
    const tx = txOf(s);
    const row = await tx.account.findFirst({ where: { AND: [scope(s.ctx, action, 'Account'), { id }] }, select: { id: true } });
    if (!row) return null;
    await tx.$queryRaw`SELECT 1 FROM "Account" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.account.findUnique({ where: { id } });
  },

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

  /**
   * Ignores the session's ability: only to tell whether a refused id belongs to another tenant,
   * so the refusal is audited in that tenant's chain. Returns nothing but the tenant id.
   */
  unsafeFindTenantId: async (s: ReadSession, id: string) =>
    (await dbOf(s).account.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
