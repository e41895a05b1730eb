import type { Server } from 'node:http';
import { start } from './bootstrap.js';
import { buildServer } from './http/server.js';
import { seedDemo, grantDemoSupport } from './modules/seed/demo-seed.js';
import { DEMO_STAFF, DEMO_USER_PASSWORD } from './modules/seed/demo-data.js';

/**
 * `npm start`: database (embedded unless DATABASE_URL), migrations, demo data on first run,
 * then the HTTP server. SIGINT/SIGTERM stop accepting, finish in-flight work, close pools and
 * stop the embedded database.
 */
async function main(): Promise<void> {
  const started = await start();
  const { config, runtime, services, logger, database } = started;

  const firstRun = (await runtime.prisma.staffUser.count()) === 0;
  if (firstRun && database.embedded && config.NODE_ENV !== 'production') {
    logger.info('first run: loading demo data');
    const result = await seedDemo({ pool: runtime.pool, prisma: runtime.prisma, services }, { tenants: 6, transactions: 6_000 });
    await grantDemoSupport(runtime.prisma, services);
    logger.info({ ...result, staffCreated: result.staffCreated.length }, 'demo data loaded');
  }

  const app = await buildServer(runtime, services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;

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
    lines.push(`  Demo API users: user1.<tenant>@demo.backoffice.local / ${DEMO_USER_PASSWORD}`);
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
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await started.shutdown();
    clearTimeout(forced);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
