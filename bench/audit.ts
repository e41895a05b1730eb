import { WriteSession } from '../src/db/session.js';
import { buildSystemContext } from '../src/modules/access/context.factory.js';
/**
 * The audited write path next to the same write without the audit insert, in the same run, with
 * 32 concurrent writers across 10 tenants (issue 4: the audited path keeps >= 60 % of the
 * throughput). Runnable alone: `node --import tsx bench/audit.ts` (add --quick for a smoke run).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { systemActor } from '../src/modules/access/actor.js';
import { defineAbilityFor } from '../src/modules/access/ability.js';
import { diffRecords } from '../src/modules/audit/audit.redact.js';
import { actorFields } from '../src/modules/audit/audit.service.js';
import { verifyChains } from '../src/modules/audit/audit.verify.js';
import { buildUserContext } from '../src/modules/access/context.factory.js';
import { createRuntime } from '../src/runtime.js';
import { createServices } from '../src/services.js';
import type { ServiceContext } from '../src/lib/context.js';
import { startBenchPostgres } from './lib/postgres.js';
import { isQuick, seconds, setQuick } from './lib/settings.js';
import { percentiles } from './lib/stats.js';
import type { BenchResult } from './lib/types.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct');

const WRITERS = 32;
const TENANTS = 10;
const GOAL = 0.6;

interface Phase {
  tps: number;
  commits: number;
  p50: number;
  p95: number;
}

const log = (line: string) => process.stdout.write(`  ${line}\n`);

export async function runAuditBench(): Promise<BenchResult[]> {
  const pg = await startBenchPostgres();
  const key = randomBytes(32).toString('base64url');
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: pg.appUrl,
    DATABASE_POOL_SIZE: String(WRITERS + 8),
    AUDIT_CHECKPOINT_EVERY: '100',
  });
  const runtime = createRuntime({
    config,
    secrets: { sessionSecret: key, jwtSecret: key, auditCheckpointKey: key },
    logger: createLogger('silent'),
    appUrl: pg.appUrl,
    ownerUrl: pg.ownerUrl(),
  });
  const services = createServices(runtime);
  // The same services with the audit insert taken out: the baseline of "the same write".
  const real = services.audit;
  const unaudited = createServices(runtime, { ...real, record: () => Promise.resolve({ id: 0n, seq: 0n, hash: '' }) });
  const { prisma } = runtime;
  const actor = systemActor('bench:audit');
  const system: ServiceContext = {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: 'bench-audit',
    locale: 'en',
    ip: '127.0.0.1',
    userAgent: 'bench',
  };

  try {
    const tenants: Array<{ ctx: ServiceContext; accountId: string; categoryId: string; tenantId: string }> = [];
    for (let i = 0; i < TENANTS; i += 1) {
      const tenant = await services.tenants.create(system, { slug: `bench-audit-${i}`, name: `Bench ${i}` });
      const user = await services.users.create(system, {
        tenantId: tenant.id,
        email: `owner${i}@bench.test`,
        password: 'correct-Horse-battery-42',
      });
      const account = await prisma.account.create({
        data: { tenantId: tenant.id, name: 'Current', type: 'BANK', currency: 'EUR' },
      });
      const category = await prisma.category.findFirstOrThrow({ where: { tenantId: tenant.id, kind: 'EXPENSE' } });
      const ctx = buildUserContext(user, { correlationId: `bench-${i}`, ip: '127.0.0.1', userAgent: 'bench' });
      tenants.push({ ctx, accountId: account.id, categoryId: category.id, tenantId: tenant.id });
    }

    type Write = (t: (typeof tenants)[number], audited: boolean, n: number) => Promise<unknown>;
    /** The product's write path: what POST /api/v1/transactions runs (scope checks, insert, audit). */
    const serviceWrite: Write = (t, audited, n) =>
      (audited ? services : unaudited).transactions.create(t.ctx, {
        accountId: t.accountId,
        categoryId: t.categoryId,
        amount: '12.34',
        direction: 'DEBIT',
        description: `bench ${n}`,
      });
    /** The leanest possible write: one insert in a transaction, with or without its audit event. */
    const bareWrite: Write = (t, audited, n) =>
      prisma.$transaction(async (tx) => {
        const created = await tx.transaction.create({
          data: {
            tenantId: t.tenantId,
            accountId: t.accountId,
            amount: '12.34',
            currency: 'EUR',
            direction: 'DEBIT',
            occurredAt: new Date(),
            description: `bench ${n}`,
          },
        });
        if (audited)
          await real.record(new WriteSession(TEST_CTX, tx), {
            ...actorFields(t.ctx),
            tenantId: t.tenantId,
            action: 'transaction.create',
            resource: 'Transaction',
            recordId: created.id,
            diff: diffRecords(null, created),
          });
      });

    async function phase(
      write: Write,
      audited: boolean,
      durationSeconds: number,
      pick: (w: number, i: number) => (typeof tenants)[number],
    ): Promise<Phase> {
      const deadline = performance.now() + durationSeconds * 1000;
      const times: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; performance.now() < deadline; i += 1) {
            const t0 = performance.now();
            await write(pick(w, i), audited, i);
            times.push(performance.now() - t0);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const p = percentiles(times);
      return { tps: times.length / elapsed, commits: times.length, p50: p.p50, p95: p.p95 };
    }

    /** Alternating rounds of both variants, so drift on a noisy machine hits both alike. */
    async function compare(write: Write, windowSeconds: number, pick: (w: number, i: number) => (typeof tenants)[number]) {
      const base: Phase[] = [];
      const audit: Phase[] = [];
      for (let round = 0; round < 2; round += 1) {
        base.push(await phase(write, false, windowSeconds / 2, pick));
        audit.push(await phase(write, true, windowSeconds / 2, pick));
      }
      const sum = (xs: Phase[]) => ({
        tps: xs.reduce((s, x) => s + x.commits, 0) / windowSeconds,
        p50: Math.max(...xs.map((x) => x.p50)),
        p95: Math.max(...xs.map((x) => x.p95)),
      });
      return { b: sum(base), a: sum(audit) };
    }

    const spread = (w: number, i: number) => tenants[(w + i) % TENANTS]!;
    const oneTenant = () => tenants[0]!;
    const window = seconds(10);
    await phase(serviceWrite, false, isQuick() ? 1 : 3, spread); // warm-up (JIT, pools, caches)
    await phase(serviceWrite, true, isQuick() ? 1 : 3, spread);

    const main = await compare(serviceWrite, window, spread);
    const ratio = main.a.tps / main.b.tps;
    log(
      `transactions.create without audit: ${main.b.tps.toFixed(0)} writes/s (p50 ${main.b.p50.toFixed(1)} ms, p95 ${main.b.p95.toFixed(1)} ms)`,
    );
    log(
      `transactions.create audited:       ${main.a.tps.toFixed(0)} writes/s (p50 ${main.a.p50.toFixed(1)} ms, p95 ${main.a.p95.toFixed(1)} ms)`,
    );
    log(`ratio:                             ${(ratio * 100).toFixed(1)} % (goal >= ${GOAL * 100} %)`);

    const bare = await compare(bareWrite, seconds(6), spread);
    log(
      `bare insert: ${bare.a.tps.toFixed(0)} audited vs ${bare.b.tps.toFixed(0)} writes/s (${((bare.a.tps / bare.b.tps) * 100).toFixed(1)} %)`,
    );
    const hot = await compare(serviceWrite, seconds(6), oneTenant);
    log(
      `one hot tenant: ${hot.a.tps.toFixed(0)} audited vs ${hot.b.tps.toFixed(0)} writes/s (${((hot.a.tps / hot.b.tps) * 100).toFixed(1)} %)`,
    );

    const verifyStarted = performance.now();
    const verification = await verifyChains(runtime.pool, { checkpointKey: key, checkpointEvery: 100 });
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    const eventsPerSecond = verification.events / verifySeconds;
    log(
      `verification: ${verification.status}, ${verification.events} events in ${verifySeconds.toFixed(2)} s (${eventsPerSecond.toFixed(0)} events/s)`,
    );

    return [
      {
        name: `transactions.create (the API's write path), ${WRITERS} writers / ${TENANTS} tenants`,
        figure: main.a.tps,
        unit: 'writes/s',
        baseline: main.b.tps,
        ratio,
        goal: `audited >= ${GOAL * 100}% of the same write without the audit insert`,
        pass: ratio >= GOAL,
        notes: `p50/p95 ${main.a.p50.toFixed(1)}/${main.a.p95.toFixed(1)} ms audited vs ${main.b.p50.toFixed(1)}/${main.b.p95.toFixed(1)} ms without; baseline = the same services with audit.record() a no-op; two alternating rounds of ${window / 2} s each; PostgreSQL defaults (fsync on)`,
      },
      {
        name: `bare insert + audit event vs bare insert, ${WRITERS} writers / ${TENANTS} tenants`,
        figure: bare.a.tps,
        unit: 'writes/s',
        baseline: bare.b.tps,
        ratio: bare.a.tps / bare.b.tps,
        goal: 'informative (worst case: nothing but the insert)',
        pass: true,
      },
      {
        name: `transactions.create, ${WRITERS} writers on one tenant's chain`,
        figure: hot.a.tps,
        unit: 'writes/s',
        baseline: hot.b.tps,
        ratio: hot.a.tps / hot.b.tps,
        goal: 'informative (worst case of the per-chain lock)',
        pass: true,
      },
      {
        name: 'audit:verify throughput',
        figure: eventsPerSecond,
        unit: 'events/s',
        goal: 'intact',
        pass: verification.status === 'intact',
        notes: `${verification.events} events, ${verification.chains} chains, ${verification.checkpoints} checkpoints`,
      },
    ];
  } finally {
    await runtime.close();
    await pg.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  setQuick(process.argv.includes('--quick'));
  runAuditBench()
    .then((rows) => {
      for (const r of rows)
        process.stdout.write(
          `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${r.figure.toFixed(0)} ${r.unit}${r.baseline ? ` vs ${r.baseline.toFixed(0)} (ratio ${r.ratio!.toFixed(2)})` : ''}\n`,
        );
      process.exit(rows.every((r) => r.pass) ? 0 : 1);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
