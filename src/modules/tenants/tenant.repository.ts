import type { Prisma, Tenant } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

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

/**
 * The only code that touches the Tenant table. Every method takes the session and applies its
 * ability in the query.
 */
export const tenantRepository = {
  create: (s: WriteSession, data: Prisma.TenantCreateInput) => {
    requireCreatable(s.ctx, 'Tenant', data);
    return txOf(s).tenant.create({ data });
  },

  /** The system categories every new tenant starts with. */
  createDefaultCategories: (s: WriteSession, tenantId: string) => {
    requireCreatable(s.ctx, 'Tenant', { id: tenantId }, 'read');
    return txOf(s).category.createMany({ data: DEFAULT_CATEGORIES.map((c) => ({ ...c, tenantId, isSystem: true })) });
  },

  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).tenant.findFirst({ where: { AND: [scope(s.ctx, action, 'Tenant'), { id }] } }),

  findVisibleBySlug: (s: ReadSession, slug: string) =>
    dbOf(s).tenant.findFirst({ where: { AND: [scope(s.ctx, 'read', 'Tenant'), { slug }] } }),

  /**
   * Locks a tenant the session may `action` for the rest of the transaction (concurrent status
   * changes serialise) and returns it; null when it may not.
   */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<Tenant | null> {
    const tx = txOf(s);
    const visible = await tx.tenant.findFirst({ where: { AND: [scope(s.ctx, action, 'Tenant'), { id }] }, select: { id: true } });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.tenant.findUnique({ where: { id } });
  },

  /** Changes a tenant the session may `action` (update by default); null when it may not. */
  async updateVisible(
    s: WriteSession,
    id: string,
    data: Prisma.TenantUpdateManyMutationInput,
    action: Action = 'update',
  ): Promise<Tenant | null> {
    const tx = txOf(s);
    const { count } = await tx.tenant.updateMany({ where: { AND: [scope(s.ctx, action, 'Tenant'), { id }] }, data });
    return count === 1 ? tx.tenant.findUnique({ where: { id } }) : null;
  },
};
