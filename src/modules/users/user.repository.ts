import type { Prisma, User } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { requireCreatable, scope } from '../shared/guard.js';

/**
 * The only code that touches the User table. Every method takes the session and applies its
 * ability in the query.
 */
export const userRepository = {
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).user.findFirst({ where: { AND: [scope(s.ctx, action, 'User'), { id }] } }),

  /** How many users of a tenant the session can see (the first user of a tenant is its owner). */
  countVisibleInTenant: (s: ReadSession, tenantId: string) =>
    dbOf(s).user.count({ where: { AND: [scope(s.ctx, 'read', 'User'), { tenantId }] } }),

  create: (s: WriteSession, data: Prisma.UserUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'User', data);
    return txOf(s).user.create({ data });
  },

  /**
   * Locks a user the session may `action` for the rest of the transaction (concurrent changes
   * serialise) and returns it; null when it may not.
   */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<User | null> {
    const tx = txOf(s);
    const visible = await tx.user.findFirst({ where: { AND: [scope(s.ctx, action, 'User'), { id }] }, select: { id: true } });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.user.findUnique({ where: { id } });
  },

  /** Changes a user the session may `action`; null when it may not. */
  async updateVisible(
    s: WriteSession,
    id: string,
    data: Prisma.UserUpdateManyMutationInput,
    action: Action,
  ): Promise<User | null> {
    const tx = txOf(s);
    const { count } = await tx.user.updateMany({ where: { AND: [scope(s.ctx, action, 'User'), { id }] }, data });
    return count === 1 ? tx.user.findUnique({ where: { id } }) : null;
  },
};
