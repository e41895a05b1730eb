import type { Category, Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

/**
 * The only code that touches the Category table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const categoryRepository = {
  listVisible: (s: ReadSession, where: Prisma.CategoryWhereInput, take: number) =>
    dbOf(s).category.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Category'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** One category the session may `action` (read by default), optionally of one tenant, or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read', tenantId?: string) =>
    dbOf(s).category.findFirst({ where: { AND: [scope(s.ctx, action, 'Category'), { id, ...(tenantId && { tenantId }) }] } }),

  /** The category of that name in a tenant, when the session may read it. */
  findVisibleByName: (s: ReadSession, tenantId: string, name: string, exceptId?: string) =>
    dbOf(s).category.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'Category'), { tenantId, name, ...(exceptId && { NOT: { id: exceptId } }) }] },
    }),

  create: (s: WriteSession, data: Prisma.CategoryUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'Category', data);
    return txOf(s).category.create({ data });
  },

  async updateVisible(s: WriteSession, id: string, data: Prisma.CategoryUncheckedUpdateManyInput): Promise<Category | null> {
    const tx = txOf(s);
    const { count } = await tx.category.updateMany({ where: { AND: [scope(s.ctx, 'update', 'Category'), { id }] }, data });
    return count === 1 ? tx.category.findUnique({ where: { id } }) : null;
  },

  async deleteVisible(s: WriteSession, id: string): Promise<boolean> {
    const { count } = await txOf(s).category.deleteMany({ where: { AND: [scope(s.ctx, 'delete', 'Category'), { id }] } });
    return count === 1;
  },

  /** Ignores the ability: only to tell whether a refused id belongs to another tenant (audit chain). */
  unsafeFindTenantId: async (s: ReadSession, id: string) =>
    (await dbOf(s).category.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
