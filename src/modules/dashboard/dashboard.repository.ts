import type { ExportStatus, TenantStatus } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope } from '../shared/guard.js';

/**
 * The dashboard's counts over tenants and exports, each within the session's ability (a support
 * agent's charts count only the tenants granted to them). The other figures come from the
 * repositories of their modules (audit, outbox, staff).
 */
export const dashboardRepository = {
  /** Tenants the session may read, counted by status. */
  countTenantsByStatus: async (s: ReadSession): Promise<Array<{ status: TenantStatus; count: number }>> =>
    (await dbOf(s).tenant.groupBy({ by: ['status'], where: scope(s.ctx, 'read', 'Tenant'), _count: { _all: true } })).map(
      (r) => ({ status: r.status, count: r._count._all }),
    ),

  /** How many tenants the session may read were created in [from, to). */
  countTenantsCreatedBetween: (s: ReadSession, from: Date, to: Date): Promise<number> =>
    dbOf(s).tenant.count({ where: { AND: [scope(s.ctx, 'read', 'Tenant'), { createdAt: { gte: from, lt: to } }] } }),

  /** Export jobs the session may read, counted by status. */
  countExportJobsByStatus: async (s: ReadSession): Promise<Array<{ status: ExportStatus; count: number }>> =>
    (await dbOf(s).exportJob.groupBy({ by: ['status'], where: scope(s.ctx, 'read', 'ExportJob'), _count: { _all: true } })).map(
      (r) => ({ status: r.status, count: r._count._all }),
    ),
};
