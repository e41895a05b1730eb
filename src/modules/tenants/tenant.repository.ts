import type { Prisma } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';

export const DEFAULT_CATEGORIES: Array<{ name: string; kind: 'INCOME' | 'EXPENSE' | 'TRANSFER' }> = [
  { name: 'Salary', kind: 'INCOME' },
  { name: 'Other income', kind: 'INCOME' },
  { name: 'Groceries', kind: 'EXPENSE' },
  { name: 'Rent', kind: 'EXPENSE' },
  { name: 'Utilities', kind: 'EXPENSE' },
  { name: 'Transport', kind: 'EXPENSE' },
  { name: 'Eating out', kind: 'EXPENSE' },
  { name: 'Health', kind: 'EXPENSE' },
  { name: 'Entertainment', kind: 'EXPENSE' },
  { name: 'Shopping', kind: 'EXPENSE' },
  { name: 'Transfers', kind: 'TRANSFER' },
];

export const tenantRepository = {
  create: (tx: Tx, data: Prisma.TenantCreateInput) => tx.tenant.create({ data }),
  createDefaultCategories: (tx: Tx, tenantId: string) =>
    tx.category.createMany({ data: DEFAULT_CATEGORIES.map((c) => ({ ...c, tenantId, isSystem: true })) }),
  findFirst: (tx: Tx, where: Prisma.TenantWhereInput) => tx.tenant.findFirst({ where }),
  /** Locks the row so concurrent status changes serialise. */
  lockById: async (tx: Tx, id: string) => {
    await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${id}::uuid FOR UPDATE`;
  },
  update: (tx: Tx, id: string, data: Prisma.TenantUpdateInput) => tx.tenant.update({ where: { id }, data }),
};
