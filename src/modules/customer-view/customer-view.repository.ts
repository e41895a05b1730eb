import type { Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope } from '../shared/guard.js';

/** The audit actions that change a tenant's status: its status history. */
export const TENANT_STATUS_ACTIONS = ['tenant.create', 'tenant.suspend', 'tenant.reactivate', 'tenant.close'] as const;

const insensitive = (text: string) => ({ contains: text, mode: 'insensitive' as const });

/**
 * Reads of support's customer view (a tenant with its users, accounts, transactions, grants and
 * status history) and of the tenant search. Every method applies the session's ability in its
 * own query; the one that reads audit events for a role that cannot browse the trail says so.
 */
export const customerViewRepository = {
  /** The tenant, when the session may read it. */
  findTenant: (s: ReadSession, id: string) =>
    dbOf(s).tenant.findFirst({ where: { AND: [scope(s.ctx, 'read', 'Tenant'), { id }] } }),

  /** The transaction, when the session may read it. */
  findTransaction: (s: ReadSession, id: string) =>
    dbOf(s).transaction.findFirst({ where: { AND: [scope(s.ctx, 'read', 'Transaction'), { id }] } }),

  /** The tenant's newest transactions the session may read (the (tenantId, occurredAt) index). */
  recentTransactionsOf: (s: ReadSession, tenantId: string, take: number) =>
    dbOf(s).transaction.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Transaction'), { tenantId }] },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** The account's newest transactions the session may read (the (accountId, occurredAt) index). */
  recentTransactionsOfAccount: (s: ReadSession, tenantId: string, accountId: string, take: number) =>
    dbOf(s).transaction.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Transaction'), { tenantId, accountId }] },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** The corrections posted on a transaction, oldest first (the adjustsTransactionId index). */
  adjustmentsOf: (s: ReadSession, tenantId: string, transactionId: string) =>
    dbOf(s).transaction.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Transaction'), { tenantId, adjustsTransactionId: transactionId }] },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      take: 100,
    }),

  /** Names of accounts and categories among `ids` the session may read. */
  accountNames: (s: ReadSession, ids: string[]) =>
    ids.length
      ? dbOf(s).account.findMany({
          where: { AND: [scope(s.ctx, 'read', 'Account'), { id: { in: ids } }] },
          select: { id: true, name: true, currency: true },
        })
      : Promise.resolve([]),

  categoryNames: (s: ReadSession, ids: string[]) =>
    ids.length
      ? dbOf(s).category.findMany({
          where: { AND: [scope(s.ctx, 'read', 'Category'), { id: { in: ids } }] },
          select: { id: true, name: true },
        })
      : Promise.resolve([]),

  /** The running access grants on the tenant that the session may read (support: its own). */
  activeGrantsOf: (s: ReadSession, tenantId: string, now: Date) =>
    dbOf(s).tenantAccessGrant.findMany({
      where: { AND: [scope(s.ctx, 'read', 'TenantAccessGrant'), { tenantId, revokedAt: null, expiresAt: { gt: now } }] },
      orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
      take: 50,
    }),

  /** The running grants of one staff member that the session may read, soonest expiry first. */
  activeGrantsOfStaff: (s: ReadSession, staffUserId: string, now: Date) =>
    dbOf(s).tenantAccessGrant.findMany({
      where: { AND: [scope(s.ctx, 'read', 'TenantAccessGrant'), { staffUserId, revokedAt: null, expiresAt: { gt: now } }] },
      orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
      take: 200,
    }),

  /** Tenants among `ids` the session may read (names for grants). */
  tenantsAmong: (s: ReadSession, ids: string[]) =>
    ids.length
      ? dbOf(s).tenant.findMany({
          where: { AND: [scope(s.ctx, 'read', 'Tenant'), { id: { in: ids } }] },
          select: { id: true, name: true, slug: true, status: true },
        })
      : Promise.resolve([]),

  /** Staff members among `ids` the session may read (support: only itself). */
  staffAmong: (s: ReadSession, ids: string[]) =>
    ids.length
      ? dbOf(s).staffUser.findMany({
          where: { AND: [scope(s.ctx, 'read', 'StaffUser'), { id: { in: ids } }] },
          select: { id: true, name: true, email: true },
        })
      : Promise.resolve([]),

  /**
   * The status changes of a tenant, newest first, read from the audit trail. Unsafe for the
   * AuditEvent ability: a support agent may not browse the trail, but may see how a tenant they
   * are granted came to its status. The tenant's own ability is applied in the same query (a
   * tenant outside it has no history), and only status actions of that tenant are read.
   */
  unsafeTenantStatusHistory: async (s: ReadSession, tenantId: string, take: number) => {
    const tenant = await dbOf(s).tenant.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'Tenant'), { id: tenantId }] },
      select: { id: true },
    });
    if (!tenant) return [];
    return dbOf(s).auditEvent.findMany({
      where: { tenantId, resource: 'Tenant', recordId: tenantId, action: { in: [...TENANT_STATUS_ACTIONS] }, outcome: 'SUCCESS' },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      select: { id: true, occurredAt: true, action: true, actorType: true, actorId: true, actorRole: true, reason: true },
      take,
    });
  },

  /**
   * Tenants the session may read whose slug, name or one of whose users' email contains `text`
   * (each field only when the caller may search it: masked personal data is no search key).
   */
  searchTenants: (s: ReadSession, text: string, fields: { name: boolean; email: boolean }, take: number) => {
    const or: Prisma.TenantWhereInput[] = [{ slug: insensitive(text) }];
    if (fields.name) or.push({ name: insensitive(text) });
    if (fields.email)
      or.push({
        users: { some: { AND: [scope(s.ctx, 'read', 'User'), { email: insensitive(text) }] } },
      });
    return dbOf(s).tenant.findMany({
      where: { AND: [scope(s.ctx, 'read', 'Tenant') as Prisma.TenantWhereInput, { OR: or }] },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, slug: true, status: true },
      take,
    });
  },
};
