/**
 * Admin list pages on 2,000,000 transactions over 1,000 tenants (issue 3): our scoped resource
 * (capped count, index-ordered pages, the ability in the query) next to the stock
 * @adminjs/prisma Resource on the same data, in the same run. Measured at the resource level,
 * as AdminJS's list action calls it: `find` (one page) then `count`, with a fresh action context
 * per list (so the scoped side reads the staff member's grants every time, as in production).
 *
 *   node --import tsx bench/admin.ts          (alone)   or   npm run bench -- admin
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Resource as StockPrismaResource } from '@adminjs/prisma';
import { Filter, type ActionContext, type BaseResource } from 'adminjs';
import pg from 'pg';
import { buildAdminResources } from '../admin/resources/index.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { datamodel, modelMeta } from '../src/modules/admin-records/model-metadata.js';
import { cliContext } from '../src/cli/system-context.js';
import { createPrisma, type PrismaClient } from '../src/db/prisma.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createServices } from '../src/services.js';
import { startBenchPostgres } from './lib/postgres.js';
import { isQuick } from './lib/settings.js';
import { percentiles, round, type Percentiles } from './lib/stats.js';
import type { BenchResult } from './lib/types.js';
import { generateSigningKey } from '../src/modules/audit/audit.signing.js';

const TENANTS = 1_000;
const TRANSACTIONS = 2_000_000;
const PER_PAGE = 10;
const GOAL_MS = 50;
const GOAL_SPEEDUP = 10;

interface Measured {
  label: string;
  ours: Percentiles;
  stock?: Percentiles;
}

/** One list page as AdminJS's list action loads it: find(page) + count(), sequentially. */
async function listPage(resource: BaseResource, page: number, context: () => ActionContext): Promise<void> {
  const ctx = context();
  const filter = new Filter({}, resource);
  await resource.find(
    filter,
    { limit: PER_PAGE, offset: (page - 1) * PER_PAGE, sort: { sortBy: 'occurredAt', direction: 'desc' } },
    ctx,
  );
  await resource.count(filter, ctx);
}

async function measure(iterations: number, warmup: number, fn: () => Promise<void>): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

const fmt = (p: Percentiles) => `p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms (n=${p.count})`;

/**
 * The measurements themselves, over a database already holding the demo data (exported so a
 * loaded database can be re-measured without seeding again).
 */
export async function measureAdminLists(
  runtime: Runtime,
  services: ReturnType<typeof createServices>,
  options: { quick?: boolean } = {},
): Promise<BenchResult[]> {
  const quick = options.quick ?? false;
  // Fixtures and the stock resource read as the owner: the app role under row-level security sees
  // no tenant row outside a session's tenant set (ADR 0011), and the stock resource sets none.
  const owner = createPrisma(runtime.ownerUrl, 10);
  try {
    return await measureWith(owner);
  } finally {
    await owner.$disconnect();
  }

  async function measureWith(ownerPrisma: PrismaClient): Promise<BenchResult[]> {
    // Staff: the seeded superadmin, and a support user granted three tenants (with the most rows).
    const superadmin = await ownerPrisma.staffUser.findFirstOrThrow({ where: { role: 'SUPERADMIN' } });
    const busiest = await ownerPrisma.transaction.groupBy({
      by: ['tenantId'],
      _count: { _all: true },
      orderBy: { _count: { tenantId: 'desc' } },
      take: 3,
    });
    const support = await services.staff.create(cliContext('bench'), {
      email: `bench.support.${Date.now().toString(36)}@staff.test`,
      role: 'SUPPORT',
      password: 'bench-Support-passphrase-42',
      grantTenantIds: busiest.map((b) => b.tenantId),
    });
    const scopedRows = busiest.reduce((n, b) => n + b._count._all, 0);

    const ours = buildAdminResources(runtime, services).find((r) => (r.resource as BaseResource).id() === 'Transaction')!
      .resource as BaseResource;
    const stock = new StockPrismaResource({
      model: modelMeta('Transaction') as never,
      client: ownerPrisma,
      clientModule: { Prisma: { dmmf: { datamodel: datamodel() } } },
    }) as unknown as BaseResource;
    const as = (staff: { id: string; email: string; role: string; locale: string }) => () =>
      ({
        currentAdmin: { id: staff.id, email: staff.email, role: staff.role, locale: staff.locale, sessionVersion: 1 },
        resource: ours,
      }) as unknown as ActionContext;
    const noContext = () => ({}) as ActionContext;

    const iterations = quick ? 40 : 300;
    const stockIterations = quick ? 5 : 30;
    const results: Measured[] = [];
    for (const page of [1, 50]) {
      const label = `Transaction list page ${page} (superadmin)`;
      const mine = await measure(iterations, 30, () => listPage(ours, page, as(superadmin)));
      const theirs = await measure(stockIterations, 2, () => listPage(stock, page, noContext));
      results.push({ label, ours: mine, stock: theirs });
      process.stdout.write(`  ${label}: ours ${fmt(mine)}; stock ${fmt(theirs)}; ${(theirs.p95 / mine.p95).toFixed(1)}x\n`);
    }
    for (const page of [1, 50]) {
      const label = `Transaction list page ${page} (support, 3 tenants, ${scopedRows.toLocaleString('en')} rows)`;
      const mine = await measure(iterations, 30, () => listPage(ours, page, as(support)));
      results.push({ label, ours: mine });
      process.stdout.write(`  ${label}: ours ${fmt(mine)}\n`);
    }

    return results.map(({ label, ours: mine, stock: theirs }): BenchResult => {
      const speedup = theirs ? theirs.p95 / mine.p95 : undefined;
      const needsSpeedup = label.startsWith('Transaction list page 50 (superadmin)');
      const pass = mine.p95 < GOAL_MS && (!needsSpeedup || (speedup ?? 0) >= GOAL_SPEEDUP);
      return {
        name: `admin ${label}: find+count p95`,
        figure: round(mine.p95),
        unit: 'ms',
        ...(theirs ? { baseline: round(theirs.p95), ratio: round(speedup!) } : {}),
        goal: needsSpeedup ? `< ${GOAL_MS} ms and >= ${GOAL_SPEEDUP}x faster than stock @adminjs/prisma` : `< ${GOAL_MS} ms`,
        pass,
        notes: `ours ${fmt(mine)}${theirs ? `; stock ${fmt(theirs)}; ratio = stock p95 / ours` : ''}; ${TRANSACTIONS.toLocaleString('en')} rows, ${PER_PAGE} per page`,
      };
    });
  }
}

export async function runAdminBench(): Promise<BenchResult[]> {
  const quick = isQuick();
  const pgServer = await startBenchPostgres({ flags: ['-c', 'shared_buffers=256MB', '-c', 'work_mem=16MB'] });
  const secret = () => randomBytes(32).toString('base64url');
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RUN_WORKER: 'false',
    DATABASE_POOL_SIZE: '10',
    DATABASE_URL: pgServer.appUrl,
  });
  const runtime = createRuntime({
    config,
    secrets: {
      sessionSecret: secret(),
      jwtSecret: secret(),
      accountTokenKey: secret(),
      auditSigningKey: generateSigningKey().privateKey,
    },
    logger: createLogger('silent'),
    appUrl: pgServer.appUrl,
    ownerUrl: pgServer.ownerUrl(),
  });
  try {
    const services = createServices(runtime);
    const seedStarted = performance.now();
    process.stdout.write(
      `  seeding ${TRANSACTIONS.toLocaleString('en')} transactions over ${TENANTS.toLocaleString('en')} tenants…\n`,
    );
    await services.seed.demo({ tenants: TENANTS, transactions: TRANSACTIONS });
    // As after autovacuum in production: statistics and the visibility map are current.
    const owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
    await owner.connect();
    await owner.query('VACUUM ANALYZE');
    await owner.end();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    process.stdout.write(`  seeded in ${seedSeconds.toFixed(0)} s\n`);

    return await measureAdminLists(runtime, services, { quick });
  } finally {
    await runtime.close();
    await pgServer.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAdminBench()
    .then((rows) => {
      for (const r of rows)
        process.stdout.write(
          `${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure} ${r.unit}${r.baseline !== undefined ? ` (stock ${r.baseline} ${r.unit}, ${r.ratio}x)` : ''}  goal ${r.goal}\n`,
        );
      process.exit(rows.every((r) => r.pass) ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
