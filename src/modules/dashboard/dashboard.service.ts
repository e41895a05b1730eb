import type { ServiceContext } from '../../lib/context.js';
import type { CoreDeps } from '../shared/deps.js';
import { scope } from '../shared/guard.js';

/** One bar of a chart: a label (a status, or an ISO date for time series) and a count. */
export interface Bucket {
  key: string;
  count: number;
}

export interface LastVerification {
  /** `intact` or `broken` when a verification has been recorded, else `unknown`. */
  status: 'intact' | 'broken' | 'unknown';
  at: string | null;
  events: number | null;
  chains: number | null;
  /** The first broken link, when broken. */
  firstBreak: { chainKey: string; seq: string; reason: string } | null;
  /** The latest signed checkpoint of the chains, evidence the trail was sealed up to there. */
  checkpoint: { chainKey: string; seq: string; at: string } | null;
}

export interface DashboardData {
  role: string;
  generatedAt: string;
  sections: Array<'support' | 'compliance' | 'engineering' | 'staff'>;
  tenantsByStatus?: Bucket[];
  signupsByWeek?: Bucket[];
  grantedTenants?: number;
  auditEventsByDay?: Bucket[];
  auditOutcomes24h?: Bucket[];
  lastVerification?: LastVerification;
  exportJobsByStatus?: Bucket[];
  outboxByStatus?: Bucket[];
  oldestPendingOutboxSeconds?: number | null;
  staffByRole?: Bucket[];
}

/** The latest recorded audit-chain verification (the audit console records each one). */
export type VerificationSource = (ctx: ServiceContext) => Promise<{
  status: 'intact' | 'broken';
  verifiedAt: string;
  events: number;
  chains: number;
  breaks: Array<{ chainKey: string; seq: string; reason: string }>;
} | null>;

export interface DashboardSources {
  lastVerification?: VerificationSource;
}

const DAY = 86_400_000;
const TENANT_STATUSES = ['ACTIVE', 'SUSPENDED', 'CLOSED'] as const;
const EXPORT_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
const OUTBOX_STATUSES = ['PENDING', 'DISPATCHED', 'FAILED'] as const;
const OUTCOMES = ['SUCCESS', 'DENIED', 'FAILURE'] as const;
const ROLES = ['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER'] as const;

const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
/** Monday 00:00 UTC of the week containing `d`. */
const startOfUtcWeek = (d: Date) => {
  const day = startOfUtcDay(d);
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
};

function fill<K extends string>(keys: readonly K[], rows: Array<{ key: string; count: number }>): Bucket[] {
  const byKey = new Map(rows.map((r) => [r.key, r.count]));
  return keys.map((key) => ({ key, count: byKey.get(key) ?? 0 }));
}

/**
 * The numbers behind each role's dashboard. Every query carries the actor's ability as its
 * `where`, so a support agent's charts count only the tenants granted to them. Time series are
 * one indexed COUNT per bucket over a bounded window, never a scan of the whole table.
 */
export function createDashboardService(deps: CoreDeps) {
  const { prisma } = deps;

  async function tenantsByStatus(ctx: ServiceContext): Promise<Bucket[]> {
    const rows = await prisma.tenant.groupBy({ by: ['status'], where: scope(ctx, 'read', 'Tenant'), _count: { _all: true } });
    return fill(
      TENANT_STATUSES,
      rows.map((r) => ({ key: r.status, count: r._count._all })),
    );
  }

  /** New tenants (households signing up) per week, the last `weeks` weeks including this one. */
  async function signupsByWeek(ctx: ServiceContext, weeks = 12, now = new Date()): Promise<Bucket[]> {
    const where = scope(ctx, 'read', 'Tenant');
    const thisWeek = startOfUtcWeek(now);
    const starts = Array.from({ length: weeks }, (_, i) => new Date(thisWeek.getTime() - (weeks - 1 - i) * 7 * DAY));
    return Promise.all(
      starts.map(async (from) => ({
        key: from.toISOString().slice(0, 10),
        count: await prisma.tenant.count({
          where: { AND: [where, { createdAt: { gte: from, lt: new Date(from.getTime() + 7 * DAY) } }] },
        }),
      })),
    );
  }

  async function auditEventsByDay(ctx: ServiceContext, days = 14, now = new Date()): Promise<Bucket[]> {
    const where = scope(ctx, 'read', 'AuditEvent');
    const today = startOfUtcDay(now);
    const starts = Array.from({ length: days }, (_, i) => new Date(today.getTime() - (days - 1 - i) * DAY));
    return Promise.all(
      starts.map(async (from) => ({
        key: from.toISOString().slice(0, 10),
        count: await prisma.auditEvent.count({
          where: { AND: [where, { occurredAt: { gte: from, lt: new Date(from.getTime() + DAY) } }] },
        }),
      })),
    );
  }

  async function auditOutcomes24h(ctx: ServiceContext, now = new Date()): Promise<Bucket[]> {
    const rows = await prisma.auditEvent.groupBy({
      by: ['outcome'],
      where: { AND: [scope(ctx, 'read', 'AuditEvent'), { occurredAt: { gte: new Date(now.getTime() - DAY) } }] },
      _count: { _all: true },
    });
    return fill(
      OUTCOMES,
      rows.map((r) => ({ key: r.outcome, count: r._count._all })),
    );
  }

  async function lastVerification(ctx: ServiceContext, source?: VerificationSource): Promise<LastVerification> {
    const [verification, checkpoint] = await Promise.all([
      source ? source(ctx) : Promise.resolve(null),
      prisma.auditCheckpoint.findFirst({ where: scope(ctx, 'read', 'AuditCheckpoint'), orderBy: { id: 'desc' } }),
    ]);
    return {
      status: verification?.status ?? 'unknown',
      at: verification?.verifiedAt ?? null,
      events: verification?.events ?? null,
      chains: verification?.chains ?? null,
      firstBreak: verification?.breaks[0]
        ? { chainKey: verification.breaks[0].chainKey, seq: verification.breaks[0].seq, reason: verification.breaks[0].reason }
        : null,
      checkpoint: checkpoint
        ? { chainKey: checkpoint.chainKey, seq: checkpoint.seq.toString(), at: checkpoint.createdAt.toISOString() }
        : null,
    };
  }

  async function exportJobsByStatus(ctx: ServiceContext): Promise<Bucket[]> {
    const rows = await prisma.exportJob.groupBy({
      by: ['status'],
      where: scope(ctx, 'read', 'ExportJob'),
      _count: { _all: true },
    });
    return fill(
      EXPORT_STATUSES,
      rows.map((r) => ({ key: r.status, count: r._count._all })),
    );
  }

  async function outboxHealth(ctx: ServiceContext, now = new Date()) {
    const where = scope(ctx, 'read', 'OutboxEvent');
    const [rows, oldest] = await Promise.all([
      prisma.outboxEvent.groupBy({ by: ['status'], where, _count: { _all: true } }),
      prisma.outboxEvent.findFirst({
        where: { AND: [where, { status: 'PENDING' }] },
        orderBy: { availableAt: 'asc' },
        select: { availableAt: true },
      }),
    ]);
    return {
      outboxByStatus: fill(
        OUTBOX_STATUSES,
        rows.map((r) => ({ key: r.status, count: r._count._all })),
      ),
      oldestPendingOutboxSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.availableAt.getTime()) / 1000)) : null,
    };
  }

  async function staffByRole(ctx: ServiceContext): Promise<Bucket[]> {
    const rows = await prisma.staffUser.groupBy({
      by: ['role'],
      where: { AND: [scope(ctx, 'read', 'StaffUser'), { status: 'ACTIVE' }] },
      _count: { _all: true },
    });
    return fill(
      ROLES,
      rows.map((r) => ({ key: r.role, count: r._count._all })),
    );
  }

  /**
   * The dashboard of the actor's role (SPEC §4.1); a superadmin sees every section. `sources`
   * brings figures other services own (the last audit verification).
   */
  async function forActor(ctx: ServiceContext, sources: DashboardSources = {}): Promise<DashboardData> {
    const role: string = ctx.actor.role;
    const data: DashboardData = { role, generatedAt: new Date().toISOString(), sections: [] };
    const support = role === 'SUPPORT' || role === 'SUPERADMIN';
    const compliance = role === 'COMPLIANCE' || role === 'SUPERADMIN';
    const engineering = role === 'ENGINEER' || role === 'SUPERADMIN';
    const work: Array<Promise<unknown>> = [];
    if (support) {
      data.sections.push('support');
      work.push(tenantsByStatus(ctx).then((v) => (data.tenantsByStatus = v)));
      work.push(signupsByWeek(ctx).then((v) => (data.signupsByWeek = v)));
      if (ctx.actor.type === 'STAFF' && role === 'SUPPORT') data.grantedTenants = ctx.actor.grantedTenantIds.length;
    }
    if (compliance) {
      data.sections.push('compliance');
      work.push(auditEventsByDay(ctx).then((v) => (data.auditEventsByDay = v)));
      work.push(auditOutcomes24h(ctx).then((v) => (data.auditOutcomes24h = v)));
      work.push(lastVerification(ctx, sources.lastVerification).then((v) => (data.lastVerification = v)));
    }
    if (engineering) {
      data.sections.push('engineering');
      work.push(exportJobsByStatus(ctx).then((v) => (data.exportJobsByStatus = v)));
      work.push(outboxHealth(ctx).then((v) => Object.assign(data, v)));
    }
    if (role === 'SUPERADMIN') {
      data.sections.push('staff');
      work.push(staffByRole(ctx).then((v) => (data.staffByRole = v)));
    }
    await Promise.all(work);
    return data;
  }

  return {
    forActor,
    tenantsByStatus,
    signupsByWeek,
    auditEventsByDay,
    auditOutcomes24h,
    lastVerification,
    exportJobsByStatus,
    outboxHealth,
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
