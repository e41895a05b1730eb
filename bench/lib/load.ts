import { Worker } from 'node:worker_threads';
import { percentiles, type Percentiles } from './stats.js';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Concurrent connections (default 10). */
  connections?: number;
  /** Measured duration (default 10 s). */
  durationSeconds?: number;
  /** Discarded warm-up before the measured run (default 3 s). */
  warmupSeconds?: number;
  /** Fixed overall request rate (req/s); unset = as fast as the server answers. */
  rate?: number;
  pipelining?: number;
  /** Replace `[<id>]` in headers and body by a unique id per request (e.g. Idempotency-Key). */
  idReplacement?: boolean;
  timeoutSeconds?: number;
  /** A sequence of requests each connection cycles through (paths relative to url). */
  requests?: Array<{ method?: string; path: string; headers?: Record<string, string>; body?: string }>;
  /**
   * Spread the load over tenants: request n (over all connections) carries tenant n mod length's
   * authorization header, and `[<account>]` in its body becomes that tenant's account id.
   */
  tenants?: Array<{ authorization: string; accountId: string }>;
}

export interface LoadResult extends Percentiles {
  /** Responses received in the measured window. */
  requests: number;
  /** Responses per second in the measured window. */
  rps: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

type WorkerReply =
  | {
      ok: true;
      times: Float64Array;
      elapsed: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      statusCodes: Record<string, number>;
    }
  | { ok: false; error: string };

/**
 * Load with autocannon, warm-up first, in a worker thread (the server under test may run in this
 * process). Latency percentiles (p50/p95/p99, ms) are computed from every response's time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const workerData = {
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body,
    connections: options.connections ?? 10,
    durationSeconds: options.durationSeconds ?? 10,
    warmupSeconds: options.warmupSeconds ?? 3,
    rate: options.rate,
    pipelining: options.pipelining ?? 1,
    idReplacement: options.idReplacement ?? false,
    timeoutSeconds: options.timeoutSeconds ?? 10,
    requests: options.requests,
    tenants: options.tenants,
  };
  const reply = await new Promise<WorkerReply>((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData, execArgv: [] });
    worker.once('message', (message: WorkerReply) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
  if (!reply.ok) throw new Error(`load run failed: ${reply.error}`);
  const latency = percentiles(reply.times);
  return {
    ...latency,
    requests: reply.times.length,
    rps: reply.times.length / reply.elapsed,
    errors: reply.errors,
    timeouts: reply.timeouts,
    non2xx: reply.non2xx,
    statusCodes: reply.statusCodes,
    durationSeconds: reply.elapsed,
  };
}

/** A one-line description of a load result, for progress output. */
export function describeLoad(label: string, r: LoadResult): string {
  const f = (n: number) => n.toFixed(n >= 100 ? 0 : 2);
  return `${label}: ${f(r.rps)} req/s, p50 ${f(r.p50)} ms, p95 ${f(r.p95)} ms, p99 ${f(r.p99)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
}
