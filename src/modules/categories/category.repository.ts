import type { Prisma, PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';

type Db = Tx | PrismaClient;

/** The only code of this module that touches the Category table; callers pass the scope. */
export const categoryRepository = {
  list: (db: Db, where: Prisma.CategoryWhereInput, take: number) =>
    db.category.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
  findFirst: (db: Db, where: Prisma.CategoryWhereInput) => db.category.findFirst({ where }),
  create: (db: Db, data: Prisma.CategoryUncheckedCreateInput) => db.category.create({ data }),
  unsafeFindTenantId: async (db: Db, id: string) =>
    (await db.category.findUnique({ where: { id }, select: { tenantId: true } }))?.tenantId ?? null,
};
