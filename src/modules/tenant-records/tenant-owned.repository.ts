import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Tx } from '../../db/prisma.js';
import type { Action, Subject } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** The Prisma delegates of simple tenant-owned records (same shape of queries for each). */
type DelegateName = 'account' | 'category' | 'budget' | 'asset' | 'liability' | 'loan' | 'recurringRule';

const TABLES: Record<DelegateName, string> = {
  account: 'Account',
  category: 'Category',
  budget: 'Budget',
  asset: 'Asset',
  liability: 'Liability',
  loan: 'Loan',
  recurringRule: 'RecurringRule',
};

interface Delegate<Row> {
  findFirst(args: { where: object; select?: object }): Promise<Row | null>;
  findMany(args: { where: object; take?: number }): Promise<Row[]>;
  findUnique(args: { where: { id: string }; select?: object }): Promise<Row | null>;
  create(args: { data: object }): Promise<Row>;
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
  deleteMany(args: { where: object }): Promise<{ count: number }>;
}

const delegateOf = <Row>(db: Tx, name: DelegateName): Delegate<Row> =>
  (db as unknown as Record<DelegateName, Delegate<Row>>)[name];

/**
 * The queries every simple tenant-owned record needs, each applying the session's ability in the
 * query: find, create (checked against the new row's tenant), update and delete within scope,
 * and the one unscoped lookup (the tenant of a refused id, for the audit chain).
 */
export function tenantOwnedRepository<Row extends { id: string; tenantId: string }, Create extends object, Update extends object>(
  delegate: DelegateName,
  subject: Exclude<Subject, 'all'>,
) {
  const of = (s: ReadSession) => delegateOf<Row>(dbOf(s), delegate);
  return {
    /** One record the session may `action` (read by default), or null. */
    findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
      of(s).findFirst({ where: { AND: [scope(s.ctx, action, subject), { id }] } }),

    /** The records among `ids` the session may `action`. */
    findManyVisible: (s: ReadSession, ids: string[], action: Action = 'read') =>
      of(s).findMany({ where: { AND: [scope(s.ctx, action, subject), { id: { in: ids } }] }, take: ids.length }),

    /**
     * Locks a record the session may `action` for the rest of the transaction (concurrent changes
     * serialise, so the audited "before" is the real one) and returns it; null when it may not.
     */
    async lockVisible(s: WriteSession, id: string, action: Action): Promise<Row | null> {
      const tx = txOf(s);
      const d = delegateOf<Row>(tx, delegate);
      if (!(await d.findFirst({ where: { AND: [scope(s.ctx, action, subject), { id }] }, select: { id: true } }))) return null;
      await tx.$queryRawUnsafe(`SELECT 1 FROM "${TABLES[delegate]}" WHERE "id" = $1::uuid FOR UPDATE`, id);
      return d.findUnique({ where: { id } });
    },

    /** Creates a record; refused unless the ability may create one in its tenant. */
    create: (s: WriteSession, data: Create & { tenantId: string }) => {
      requireCreatable(s.ctx, subject, data);
      return delegateOf<Row>(txOf(s), delegate).create({ data });
    },

    /** Changes a record the session may update; null when it may not (or it does not exist). */
    async updateVisible(s: WriteSession, id: string, data: Update): Promise<Row | null> {
      const d = delegateOf<Row>(txOf(s), delegate);
      const { count } = await d.updateMany({ where: { AND: [scope(s.ctx, 'update', subject), { id }] }, data });
      return count === 1 ? d.findUnique({ where: { id } }) : null;
    },

    /** Deletes a record the session may delete; false when it may not (or it does not exist). */
    async deleteVisible(s: WriteSession, id: string): Promise<boolean> {
      const { count } = await delegateOf<Row>(txOf(s), delegate).deleteMany({
        where: { AND: [scope(s.ctx, 'delete', subject), { id }] },
      });
      return count === 1;
    },

    /** Deletes the records among `ids` the session may delete; returns how many. */
    async deleteManyVisible(s: WriteSession, ids: string[]): Promise<number> {
      const { count } = await delegateOf<Row>(txOf(s), delegate).deleteMany({
        where: { AND: [scope(s.ctx, 'delete', subject), { id: { in: ids } }] },
      });
      return count;
    },

    /** Ignores the ability: only to tell whether a refused id belongs to another tenant (audit chain). */
    unsafeFindTenantId: async (s: ReadSession, id: string) =>
      ((await of(s).findUnique({ where: { id }, select: { tenantId: true } })) as { tenantId: string } | null)?.tenantId ?? null,
  };
}
