import type { ServiceContext } from '../../lib/context.js';
import { dashboardSectionsOf, tenantScopeOf, type DashboardSection } from '../access/ability.js';
import type { auditSearchRepository } from '../audit/audit.search.repository.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import type { staffRepository } from '../staff/staff.repository.js';
import type { dashboardRepository } from './dashboard.repository.js';

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
  sections: DashboardSection[];
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
  /** Four-eyes: the requests waiting for this staff member's decision (never their own). */
  approvalsWaiting?: ApprovalWaiting[];
  /** Four-eyes: the requests this staff member made, newest first, whatever became of them. */
  approvalsMine?: ApprovalMine[];
}

export interface ApprovalMine extends ApprovalWaiting {
  status: string;
  approvalsGiven: number;
  approvalsRequired: number;
}

export interface ApprovalWaiting {
  id: string;
  action: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
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
  /** The approval requests waiting for the actor (services.approvals, not imported: it guards others). */
  approvalsWaiting?: (ctx: ServiceContext) => Promise<ApprovalWaiting[]>;
  /** The approval requests the actor made (services.approvals, the "made by me" view). */
  approvalsMine?: (ctx: ServiceContext) => Promise<ApprovalMine[]>;
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
 * `where`, so a support agent's charts count only the tenants granted to them. Tenant time series
 * are one indexed COUNT per bucket over a bounded window; the audit figures read the hourly
 * summary the audit trigger keeps in the write's transaction ("AuditEventCount", migration 092),
 * so their cost does not grow with the trail.
 */
export interface DashboardServiceDeps extends Pick<CoreDeps, 'db'> {
  figures: typeof dashboardRepository;
  auditEvents: typeof auditSearchRepository;
  outbox: typeof outboxRepository;
  staff: typeof staffRepository;
}

export function createDashboardService(deps: DashboardServiceDeps) {
  const { db, figures, auditEvents, outbox, staff } = deps;

  async function tenantsByStatus(ctx: ServiceContext): Promise<Bucket[]> {
    const rows = await db.read(ctx, (s) => figures.countTenantsByStatus(s));
    return fill(
      TENANT_STATUSES,
      rows.map((r) => ({ key: r.status, count: r.count })),
    );
  }

  /** New tenants (households signing up) per week, the last `weeks` weeks including this one. */
  async function signupsByWeek(ctx: ServiceContext, weeks = 12, now = new Date()): Promise<Bucket[]> {
    const thisWeek = startOfUtcWeek(now);
    const starts = Array.from({ length: weeks }, (_, i) => new Date(thisWeek.getTime() - (weeks - 1 - i) * 7 * DAY));
    return db.read(ctx, (s) =>
      Promise.all(
        starts.map(async (from) => ({
          key: from.toISOString().slice(0, 10),
          count: await figures.countTenantsCreatedBetween(s, from, new Date(from.getTime() + 7 * DAY)),
        })),
      ),
    );
  }

  async function auditEventsByDay(ctx: ServiceContext, days = 14, now = new Date()): Promise<Bucket[]> {
    const today = startOfUtcDay(now);
    const starts = Array.from({ length: days }, (_, i) => new Date(today.getTime() - (days - 1 - i) * DAY));
    // One statement over the hourly summary (its cost does not grow with the audit trail).
    const counts = await db.read(ctx, (s) => auditEvents.countVisibleByDay(s, starts[0]!, days));
    return starts.map((from) => {
      const key = from.toISOString().slice(0, 10);
      return { key, count: counts.get(key) ?? 0 };
    });
  }

  async function auditOutcomes24h(ctx: ServiceContext, now = new Date()): Promise<Bucket[]> {
    // The last 24 hours in whole hours (the hour 24 h ago included), from the hourly summary.
    const rows = await db.read(ctx, (s) => auditEvents.countVisibleByOutcomeSinceHour(s, new Date(now.getTime() - DAY)));
    return fill(
      OUTCOMES,
      rows.map((r) => ({ key: r.outcome, count: r.count })),
    );
  }

  async function lastVerification(ctx: ServiceContext, source?: VerificationSource): Promise<LastVerification> {
    const [verification, checkpoint] = await Promise.all([
      source ? source(ctx) : Promise.resolve(null),
      db.read(ctx, (s) => auditEvents.findLatestVisibleCheckpoint(s)),
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
    const rows = await db.read(ctx, (s) => figures.countExportJobsByStatus(s));
    return fill(
      EXPORT_STATUSES,
      rows.map((r) => ({ key: r.status, count: r.count })),
    );
  }

  async function outboxHealth(ctx: ServiceContext, now = new Date()) {
    const [rows, oldest] = await db.read(ctx, (s) =>
      Promise.all([outbox.countVisibleByStatus(s), outbox.oldestVisiblePendingAt(s)]),
    );
    return {
      outboxByStatus: fill(
        OUTBOX_STATUSES,
        rows.map((r) => ({ key: r.status, count: r.count })),
      ),
      oldestPendingOutboxSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : null,
    };
  }

  async function staffByRole(ctx: ServiceContext): Promise<Bucket[]> {
    const rows = await db.read(ctx, (s) => staff.countActiveByRole(s));
    return fill(
      ROLES,
      rows.map((r) => ({ key: r.role, count: r.count })),
    );
  }

  /**
   * The dashboard of the actor's role (SPEC §4.1); a superadmin sees every section. `sources`
   * brings figures other services own (the last audit verification).
   */
  async function forActor(ctx: ServiceContext, sources: DashboardSources = {}): Promise<DashboardData> {
    const role: string = ctx.actor.role;
    const sections = dashboardSectionsOf(ctx.actor);
    const data: DashboardData = { role, generatedAt: new Date().toISOString(), sections };
    const work: Array<Promise<unknown>> = [];
    if (sections.includes('support')) {
      work.push(tenantsByStatus(ctx).then((v) => (data.tenantsByStatus = v)));
      work.push(signupsByWeek(ctx).then((v) => (data.signupsByWeek = v)));
      const tenants = tenantScopeOf(ctx.actor);
      if (tenants.kind === 'tenants') data.grantedTenants = tenants.tenantIds.length;
    }
    if (sections.includes('compliance')) {
      work.push(auditEventsByDay(ctx).then((v) => (data.auditEventsByDay = v)));
      work.push(auditOutcomes24h(ctx).then((v) => (data.auditOutcomes24h = v)));
      work.push(lastVerification(ctx, sources.lastVerification).then((v) => (data.lastVerification = v)));
    }
    if (sections.includes('engineering')) {
      work.push(exportJobsByStatus(ctx).then((v) => (data.exportJobsByStatus = v)));
      work.push(outboxHealth(ctx).then((v) => Object.assign(data, v)));
    }
    if (sections.includes('staff')) work.push(staffByRole(ctx).then((v) => (data.staffByRole = v)));
    // Every role's dashboard shows what waits for it.
    if (sections.length && sources.approvalsWaiting)
      work.push(sources.approvalsWaiting(ctx).then((v) => (data.approvalsWaiting = v)));
    // …and, next to it, what it asked others for.
    if (sections.length && sources.approvalsMine) work.push(sources.approvalsMine(ctx).then((v) => (data.approvalsMine = v)));
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
