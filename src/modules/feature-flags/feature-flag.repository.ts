import type { FeatureFlag, Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** The only code that touches FeatureFlag. Every method applies the session's ability. */
export const featureFlagRepository = {
  /** Flags the session may read, by key. */
  listVisible: (s: ReadSession): Promise<FeatureFlag[]> =>
    dbOf(s).featureFlag.findMany({ where: scope(s.ctx, 'read', 'FeatureFlag'), orderBy: { key: 'asc' } }),

  /** One flag (by id or key) the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, by: { id: string } | { key: string }, action: Action = 'read') =>
    dbOf(s).featureFlag.findFirst({ where: { AND: [scope(s.ctx, action, 'FeatureFlag'), by] } }),

  /** How many of these tenants exist among those the session may read (a flag may list only those). */
  countVisibleTenants: (s: ReadSession, tenantIds: readonly string[]): Promise<number> =>
    dbOf(s).tenant.count({ where: { AND: [scope(s.ctx, 'read', 'Tenant'), { id: { in: [...tenantIds] } }] } }),

  create: (s: WriteSession, data: Prisma.FeatureFlagCreateInput) => {
    requireCreatable(s.ctx, 'FeatureFlag', data);
    return txOf(s).featureFlag.create({ data });
  },

  /** Locks a flag the session may `action` for the rest of the transaction and returns it; null when it may not. */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<FeatureFlag | null> {
    const tx = txOf(s);
    const visible = await tx.featureFlag.findFirst({
      where: { AND: [scope(s.ctx, action, 'FeatureFlag'), { id }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "FeatureFlag" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.featureFlag.findUnique({ where: { id } });
  },

  /** Changes a flag the session may update; null when it may not. */
  async updateVisible(s: WriteSession, id: string, data: Prisma.FeatureFlagUpdateManyMutationInput): Promise<FeatureFlag | null> {
    const tx = txOf(s);
    const { count } = await tx.featureFlag.updateMany({ where: { AND: [scope(s.ctx, 'update', 'FeatureFlag'), { id }] }, data });
    return count === 1 ? tx.featureFlag.findUnique({ where: { id } }) : null;
  },

  /** The flags among `ids` the session may delete, locked for the rest of the transaction (in id order). */
  async lockDeletable(s: WriteSession, ids: readonly string[]): Promise<FeatureFlag[]> {
    const tx = txOf(s);
    const rows = await tx.featureFlag.findMany({
      where: { AND: [scope(s.ctx, 'delete', 'FeatureFlag'), { id: { in: [...ids] } }] },
      select: { id: true },
    });
    if (!rows.length) return [];
    await tx.$queryRaw`SELECT 1 FROM "FeatureFlag" WHERE "id" = ANY(${rows.map((r) => r.id)}::uuid[]) ORDER BY "id" FOR UPDATE`;
    return tx.featureFlag.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { key: 'asc' } });
  },

  /** Deletes the flags among `ids` the session may delete; returns how many. */
  deleteVisible: async (s: WriteSession, ids: readonly string[]): Promise<number> =>
    (await txOf(s).featureFlag.deleteMany({ where: { AND: [scope(s.ctx, 'delete', 'FeatureFlag'), { id: { in: [...ids] } }] } }))
      .count,
};
