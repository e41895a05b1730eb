import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics, served at GET /metrics (src/http/metrics.ts). One registry
 * per process, owned here rather than prom-client's global one, so nothing else registers into it
 * by accident. Other modules record through the exported counters and the registration hooks
 * below; they never import prom-client themselves.
 *
 * Label values are always bounded sets (route patterns, action names, enums) — never ids, emails
 * or raw URLs — so the number of series cannot grow with traffic.
 */
export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry });
// prom-client also exports these three gauges with a `_total` suffix, which Prometheus reserves for
// counters (`promtool check metrics` rejects them); the same values remain as nodejs_active_handles,
// nodejs_active_requests and nodejs_active_resources.
for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
  metricsRegistry.removeSingleMetric(name);
}

/** Request latency by method, Express route pattern and status code (see src/http/metrics.ts). */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency in seconds, by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Audit events recorded, by action and outcome (fed by createAuditTrail's onRecorded hook). */
export const auditEventsWritten = new Counter({
  name: 'backoffice_audit_events_written_total',
  help: 'Audit events written (inside the transaction of the change), by action and outcome.',
  labelNames: ['action', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Where a login was attempted. */
export type LoginSurface = 'admin' | 'api';

/**
 * Refused logins by surface. Every refused login is audited (staff.login / api.auth.login with an
 * outcome other than SUCCESS), so the audit hook below counts them: one source, nothing to forget.
 */
export const loginFailures = new Counter({
  name: 'backoffice_login_failures_total',
  help: 'Refused logins (unknown account, wrong password, locked, disabled), by surface (admin, api).',
  labelNames: ['surface'] as const,
  registers: [metricsRegistry],
});

/** Counts one refused login that is not audited (audited ones are counted by recordAuditEvent). */
export function recordLoginFailure(surface: LoginSurface): void {
  loginFailures.inc({ surface });
}

/** Audit actions that are login attempts, and the surface they belong to. */
const LOGIN_ACTIONS: Record<string, LoginSurface> = { 'staff.login': 'admin', 'api.auth.login': 'api' };

/** The audit trail's onRecorded hook (wired in src/services.ts). Never throws. */
export function recordAuditEvent(action: string, outcome: string): void {
  auditEventsWritten.inc({ action, outcome });
  const surface = LOGIN_ACTIONS[action];
  if (surface && outcome !== 'SUCCESS') loginFailures.inc({ surface });
}

/** Background jobs that failed (each failed attempt, retried or not), by queue. */
export const jobFailures = new Counter({
  name: 'backoffice_job_failures_total',
  help: 'Failed background job attempts, by queue.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
});

/** Counts one failed job attempt. Never throws. */
export function recordJobFailure(queue: string): void {
  jobFailures.inc({ queue });
}

/** One row of queue depth as reported by the job engine. */
export interface QueueDepth {
  queue: string;
  /** e.g. created, retry, active, failed — whatever bounded states the engine reports. */
  state: string;
  count: number;
}

export type QueueDepthSource = () => Promise<QueueDepth[]>;

const queueDepthSources = new Set<QueueDepthSource>();
/** A scrape must answer even when the database does not; a slow source is dropped for that scrape. */
const SOURCE_TIMEOUT_MS = 1_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Scrapes whose queue-depth sources failed or timed out (the depth is then absent, not zero). */
export const metricsCollectErrors = new Counter({
  name: 'backoffice_metrics_collect_errors_total',
  help: 'Metric sources that failed or timed out during a scrape, by source.',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/** Jobs waiting or running per queue and state, read from the job engine at scrape time. */
export const jobQueueDepth = new Gauge({
  name: 'backoffice_job_queue_depth',
  help: 'Background jobs per queue and state, read from the job queue at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...queueDepthSources].map(async (source) => {
        try {
          for (const row of await withTimeout(source(), SOURCE_TIMEOUT_MS)) {
            this.set({ queue: row.queue, state: row.state }, row.count);
          }
        } catch {
          metricsCollectErrors.inc({ source: 'job_queue_depth' });
        }
      }),
    );
  },
});

/**
 * Registers a function the /metrics scrape calls to read queue depth (the job engine registers
 * one when it starts). Returns the function that unregisters it (call it on shutdown).
 */
export function registerQueueDepthSource(source: QueueDepthSource): () => void {
  queueDepthSources.add(source);
  return () => {
    queueDepthSources.delete(source);
  };
}

const replicaLagSources = new Set<() => number>();

/** How far the streaming replica is behind the primary, as the app measures it (absent: none). */
export const replicaLagSeconds = new Gauge({
  name: 'backoffice_replica_lag_seconds',
  help: 'Seconds the streaming replica (DATABASE_REPLICA_URL) is behind the primary; +Inf when not known.',
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of replicaLagSources) this.set(source());
  },
});

/** Registers the replica's lag for the scrape (the runtime does, when it has a replica). */
export function registerReplicaLagSource(source: () => number): () => void {
  replicaLagSources.add(source);
  return () => {
    replicaLagSources.delete(source);
  };
}

/** The exposition text and its content type, for the /metrics route and for tests. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
