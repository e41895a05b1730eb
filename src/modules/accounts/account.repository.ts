import type { Account, Prisma } from '@prisma/client';
import { readRows } from '../../db/prepared.js';
import { dbOf, type ReadSession } from '../../db/session.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { Decimal } from '../../lib/money.js';
import { scope } from '../shared/guard.js';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

/** What a write needs to know of the account it posts to. */
export interface PostableAccount {
  id: string;
  tenantId: string;
  currency: string;
  archivedAt: Date | null;
}

/** Columns an ability's conditions may name on Account, with their SQL type. */
const SCOPE_FIELDS = { id: 'uuid', tenantId: 'uuid' } as const;

/**
 * The only code that touches the Account table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const accountRepository = {
  ...tenantOwnedRepository<Account, Prisma.AccountUncheckedCreateInput, Prisma.AccountUncheckedUpdateManyInput>(
    'account',
    'Account',
  ),

  /**
   * The account a transaction is posted to, when the session may read it: the four columns the
   * write needs, in SQL with the ability rendered by the CASL → SQL translator, as a prepared
   * statement through the raw pool when the session has one (the hot write path).
   */
  async findPostable(s: ReadSession, id: string): Promise<PostableAccount | null> {
    const p = new PositionalParams();
    const visible = prismaWhereToSql(scope(s.ctx, 'read', 'Account'), 'a', SCOPE_FIELDS, p);
    const text = `SELECT a."id"::text AS "id", a."tenantId"::text AS "tenantId", a."currency"::text AS "currency", a."archivedAt"
      FROM "Account" a WHERE a."id" = ${p.add(id, 'uuid')} AND ${visible}`;
    return (await readRows<PostableAccount>(s, text, p.values))[0] ?? null;
  },

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
