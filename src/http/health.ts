import { Router } from 'express';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import type { Runtime } from '../runtime.js';

type Check = { status: 'ok' | 'fail'; latency_ms: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
    return { status: 'ok', latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    const message = err instanceof Error && err.message === 'timed out' ? 'timed out' : 'unreachable';
    return { status: 'fail', latency_ms: Math.round(performance.now() - started), error: message };
  }
}

/** Seconds a client should wait before asking /health/ready again after a 503. */
export const READY_RETRY_AFTER_SECONDS = 5;

export interface ReadinessProbe {
  name: string;
  check: () => Promise<unknown>;
}

/** Liveness (the process answers) and readiness (its dependencies answer, with detail). */
export function healthRouter(runtime: Runtime, extraProbes: ReadinessProbe[] = []): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (req, res) => {
    const probes: ReadinessProbe[] = [{ name: 'database', check: () => runtime.pool.query('SELECT 1') }, ...extraProbes];
    const results = await Promise.all(probes.map(async (p) => [p.name, await timed(p.check)] as const));
    const checks = Object.fromEntries(results);
    const ready = results.every(([, r]) => r.status === 'ok');
    if (ready) {
      res.json({ status: 'ready', checks });
      return;
    }
    // Not ready yet (starting, or a dependency is down): a load balancer or client may retry.
    res.setHeader('Retry-After', String(READY_RETRY_AFTER_SECONDS));
    res.status(503).json({
      status: 'not_ready',
      checks,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'The service is not ready.',
        details: results
          .filter(([, r]) => r.status === 'fail')
          .map(([name, r]) => ({ field: name, code: 'unavailable', message: r.error ?? 'unavailable' })),
        correlation_id: req.id as string,
      },
    });
  });
  router.all(['/health', '/health/ready'], methodNotAllowed(['GET', 'HEAD']));
  return router;
}
