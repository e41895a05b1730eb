import type { AuditCheckpoint, AuditEvent, AuditOutcome, Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope } from '../shared/guard.js';

/**
 * Reads of the audit trail on behalf of a service context: the compliance console's search and
 * the dashboard's figures. Each applies the session's ability in its query (audit.repository.ts
 * holds the append path and the verifier's snapshot reads). Nothing here writes.
 */
export const auditSearchRepository = {
  /** Newest-first keyset page of the events the session may read that match `where`. */
  findVisiblePage: (s: ReadSession, where: Prisma.AuditEventWhereInput, take: number): Promise<AuditEvent[]> =>
    dbOf(s).auditEvent.findMany({
      where: { AND: [scope(s.ctx, 'read', 'AuditEvent'), where] },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /** The newest event the session may read that matches `where`. */
  findLatestVisible: (s: ReadSession, where: Prisma.AuditEventWhereInput): Promise<AuditEvent | null> =>
    dbOf(s).auditEvent.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'AuditEvent'), where] },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    }),

  /** How many events the session may read occurred in [from, to). */
  countVisibleBetween: (s: ReadSession, from: Date, to: Date): Promise<number> =>
    dbOf(s).auditEvent.count({
      where: { AND: [scope(s.ctx, 'read', 'AuditEvent'), { occurredAt: { gte: from, lt: to } }] },
    }),

  /** Events the session may read since `since`, counted by outcome. */
  countVisibleByOutcomeSince: async (s: ReadSession, since: Date): Promise<Array<{ outcome: AuditOutcome; count: number }>> =>
    (
      await dbOf(s).auditEvent.groupBy({
        by: ['outcome'],
        where: { AND: [scope(s.ctx, 'read', 'AuditEvent'), { occurredAt: { gte: since } }] },
        _count: { _all: true },
      })
    ).map((r) => ({ outcome: r.outcome, count: r._count._all })),

  /** The latest signed checkpoint the session may read. */
  findLatestVisibleCheckpoint: (s: ReadSession): Promise<AuditCheckpoint | null> =>
    dbOf(s).auditCheckpoint.findFirst({ where: scope(s.ctx, 'read', 'AuditCheckpoint'), orderBy: { id: 'desc' } }),
};
