import type { Category, Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope } from '../shared/guard.js';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

/**
 * The only code that touches the Category table. Every method takes the session and applies its
 * ability in the query; the one that does not says so in its name.
 */
export const categoryRepository = {
  ...tenantOwnedRepository<Category, Prisma.CategoryUncheckedCreateInput, Prisma.CategoryUncheckedUpdateManyInput>(
    'category',
    'Category',
  ),

  listVisible: (s: ReadSession, where: Prisma.CategoryWhereInput, take: number) =>
    dbOf(s).category.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Category'), where] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** One category of one tenant the session may read, or null. */
  findVisibleInTenant: (s: ReadSession, id: string, tenantId: string) =>
    dbOf(s).category.findFirst({ where: { AND: [scope(s.ctx, 'read', 'Category'), { id, tenantId }] } }),

  /** The category of that name in a tenant, when the session may read it. */
  findVisibleByName: (s: ReadSession, tenantId: string, name: string, exceptId?: string) =>
    dbOf(s).category.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'Category'), { tenantId, name, ...(exceptId && { NOT: { id: exceptId } }) }] },
    }),
};
