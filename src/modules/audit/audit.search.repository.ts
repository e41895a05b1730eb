import type { AuditCheckpoint, AuditEvent, AuditOutcome, Prisma } from '@prisma/client';
import { dbOf, type ReadSession } from '../../db/session.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { scope } from '../shared/guard.js';

/**
 * The session's AuditEvent scope rendered on the hourly summary "AuditEventCount" (migration
 * 092), which only has tenantId: null when the ability cannot be expressed on it (then callers
 * count events instead), 'none' when the session may read no event at all.
 */
function summaryScope(s: ReadSession, p: PositionalParams): string | null | 'none' {
  if (!s.ctx.ability.can('read', 'AuditEvent')) return 'none';
  try {
    return prismaWhereToSql(scope(s.ctx, 'read', 'AuditEvent'), 'c', { tenantId: 'uuid' }, p);
  } catch {
    return null;
  }
}

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

  /**
   * Events the session may read per UTC day, for `days` days from `from` (a UTC midnight): one
   * statement over the hourly summary, whose size grows with hours and tenants, not with events.
   */
  async countVisibleByDay(s: ReadSession, from: Date, days: number): Promise<Map<string, number>> {
    const p = new PositionalParams();
    const visible = summaryScope(s, p);
    if (visible === 'none') return new Map();
    const to = new Date(from.getTime() + days * 86_400_000);
    if (visible === null) {
      const out = new Map<string, number>();
      for (let d = 0; d < days; d++) {
        const start = new Date(from.getTime() + d * 86_400_000);
        const end = new Date(start.getTime() + 86_400_000);
        out.set(start.toISOString().slice(0, 10), await auditSearchRepository.countVisibleBetween(s, start, end));
      }
      return out;
    }
    const rows = await dbOf(s).$queryRawUnsafe<Array<{ day: string; n: string }>>(
      `SELECT to_char(date_trunc('day', c."hour"), 'YYYY-MM-DD') AS day, sum(c."count")::text AS n FROM "AuditEventCount" c
        WHERE c."hour" >= (${p.add(from, 'timestamptz')} AT TIME ZONE 'UTC') AND c."hour" < (${p.add(to, 'timestamptz')} AT TIME ZONE 'UTC')
          AND ${visible}
        GROUP BY 1`,
      ...p.values,
    );
    return new Map(rows.map((r) => [r.day, Number(r.n)]));
  },

  /**
   * Events the session may read in the hours starting at or after `since` (truncated to the
   * hour), counted by outcome, from the hourly summary.
   */
  async countVisibleByOutcomeSinceHour(s: ReadSession, since: Date): Promise<Array<{ outcome: AuditOutcome; count: number }>> {
    const p = new PositionalParams();
    const visible = summaryScope(s, p);
    if (visible === 'none') return [];
    if (visible === null) return auditSearchRepository.countVisibleByOutcomeSince(s, since);
    const rows = await dbOf(s).$queryRawUnsafe<Array<{ outcome: AuditOutcome; n: string }>>(
      `SELECT c."outcome"::text AS outcome, sum(c."count")::text AS n FROM "AuditEventCount" c
        WHERE c."hour" >= date_trunc('hour', ${p.add(since, 'timestamptz')} AT TIME ZONE 'UTC') AND ${visible}
        GROUP BY 1`,
      ...p.values,
    );
    return rows.map((r) => ({ outcome: r.outcome, count: Number(r.n) }));
  },

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
