import { WriteSession } from '../src/db/session.js';
import { buildSystemContext } from '../src/modules/access/context.factory.js';
/**
 * The audited write path next to the same write without the audit insert, in the same run, with
 * 32 concurrent writers across 10 tenants (issue 4: the audited path keeps >= 60 % of the
 * throughput); then verification at scale (issue 16): full and incremental verification of
 * 1,000,000 and 10,000,000-event trails (goal: 10M in under 60 s). Runnable alone:
 * `node --import tsx bench/audit.ts` (add --quick for a smoke run: 100k and 1M events).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { ALL_TENANTS, systemActor } from '../src/modules/access/actor.js';
import { ALL_TENANT_SET, applyTenantSet, tenantScopedPool } from '../src/db/tenant-set.js';
import { defineAbilityFor } from '../src/modules/access/ability.js';
import { diffRecords } from '../src/modules/audit/audit.redact.js';
import { actorFields } from '../src/modules/audit/audit.service.js';
import { verifyChains } from '../src/modules/audit/audit.verify.js';
import { checkpointAllChains } from '../src/modules/audit/audit.checkpoint.js';
import { createAuditKeys, generateSigningKey } from '../src/modules/audit/audit.signing.js';
import { generateAuditTrail } from './lib/audit-trail.js';
import { buildUserContext } from '../src/modules/access/context.factory.js';
import { createRuntime } from '../src/runtime.js';
import { createServices } from '../src/services.js';
import type { ServiceContext } from '../src/lib/context.js';
import { startBenchPostgres } from './lib/postgres.js';
import os from 'node:os';
import pgLib from 'pg';
import { isQuick, seconds, setQuick } from './lib/settings.js';
import { percentiles } from './lib/stats.js';
import type { BenchResult } from './lib/types.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct', ALL_TENANTS);

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

/** The audited write path against the same write without its event (issue 4). */
export async function runWriteBench(): Promise<BenchResult[]> {
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
    secrets: { sessionSecret: key, jwtSecret: key, accountTokenKey: key, auditSigningKey: generateSigningKey().privateKey },
    logger: createLogger('silent'),
    appUrl: pg.appUrl,
    ownerUrl: pg.ownerUrl(),
  });
  const services = createServices(runtime);
  // The same services with the audit insert taken out: the baseline of "the same write".
  const real = services.audit;
  const unaudited = createServices(runtime, { ...real, record: () => Promise.resolve({ id: 0n, seq: 0n, hash: '' }) });
  const { prisma } = runtime;
  const actor = systemActor('bench:audit', ALL_TENANTS);
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
      // Fixtures as the application role, so under a tenant set like every transaction of the app.
      const { account, category } = await prisma.$transaction(async (tx) => {
        await applyTenantSet(tx, ALL_TENANT_SET);
        return {
          account: await tx.account.create({ data: { tenantId: tenant.id, name: 'Current', type: 'BANK', currency: 'EUR' } }),
          category: await tx.category.findFirstOrThrow({ where: { tenantId: tenant.id, kind: 'EXPENSE' } }),
        };
      });
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
        // What every transaction of the app starts with (row-level security, ADR 0011).
        await applyTenantSet(tx, ALL_TENANT_SET);
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
    const verification = await verifyChains(tenantScopedPool(runtime.pool, ALL_TENANT_SET), {
      keys: services.auditKeys,
      checkpointEvery: 100,
    });
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

/** `npm run bench -- audit`: the write path, then verification at scale. */
export async function runAuditBench(): Promise<BenchResult[]> {
  return [...(await runWriteBench()), ...(await runVerificationScaleBench())];
}

const SCALE_GOAL_SECONDS = 60;
/** `--sizes 10000000` (standalone runs): the trail sizes to verify instead of the default ones. */
let scaleSizes: number[] | undefined;

/**
 * Verification at scale: a trail of N events over 1,000 tenant chains (and the global one),
 * generated with correct hashes, Merkle trees and Ed25519 heads every 100 events
 * (bench/lib/audit-trail.ts), then verified in full, and incrementally after 1 % more events.
 * The heads are brought up to date by the checkpoint job before each run, as in production.
 */
export async function runVerificationScaleBench(): Promise<BenchResult[]> {
  const sizes = scaleSizes ?? (isQuick() ? [100_000, 1_000_000] : [1_000_000, 10_000_000]);
  // Loading ten million rows is the slow part: WAL is minimal for the load (COPY FREEZE); the
  // verification itself only reads. Memory settings as a small production server.
  const db = await startBenchPostgres({
    flags: ['-c', 'wal_level=minimal', '-c', 'max_wal_senders=0', '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=8GB'],
  });
  const keys = createAuditKeys({ signingKey: generateSigningKey().privateKey });
  const raw = new pgLib.Pool({ connectionString: db.appUrl, max: 4 });
  // The audit tools read every chain: all-tenants work, as src/services.ts gives them (ADR 0011).
  const pool = tenantScopedPool(raw, ALL_TENANT_SET);
  const rows: BenchResult[] = [];
  try {
    for (const size of sizes) {
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1_000}k`;
      let started = performance.now();
      const state = await generateAuditTrail(db.ownerUrl(), {
        tenants: 1_000,
        events: size,
        checkpointEvery: 100,
        signer: keys.signer,
        truncate: true,
      });
      await checkpointAllChains(pool, { signer: keys.signer, ring: keys.ring });
      log(`${label}: trail of ${size} events generated and loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

      started = performance.now();
      const full = await verifyChains(pool, { keys, checkpointEvery: 100, saveCursors: true });
      const fullSeconds = (performance.now() - started) / 1000;
      log(
        `${label}: full verification ${full.status}, ${full.events} events in ${fullSeconds.toFixed(1)} s (${(full.events / fullSeconds).toFixed(0)} events/s)`,
      );

      const more = size / 100;
      await generateAuditTrail(db.ownerUrl(), { tenants: 1_000, events: more, checkpointEvery: 100, signer: keys.signer, state });
      await checkpointAllChains(pool, { signer: keys.signer, ring: keys.ring });
      started = performance.now();
      const inc = await verifyChains(pool, { keys, checkpointEvery: 100, incremental: true, saveCursors: true });
      const incSeconds = (performance.now() - started) / 1000;
      log(
        `${label}: incremental verification ${inc.status}, ${inc.events} new events in ${incSeconds.toFixed(2)} s (${(inc.events / incSeconds).toFixed(0)} events/s)`,
      );
      const isGoal = size === 10_000_000;
      rows.push(
        {
          name: `audit:verify full, ${label} events (${full.chains} chains, ${full.checkpoints} signed heads)`,
          figure: full.events / fullSeconds,
          unit: 'events/s',
          goal: isGoal ? `intact, 10M in < ${SCALE_GOAL_SECONDS} s` : 'intact',
          pass: full.status === 'intact' && full.events === size && (!isGoal || fullSeconds < SCALE_GOAL_SECONDS),
          notes: `${fullSeconds.toFixed(1)} s; streaming pass (binary COPY, ${os.availableParallelism()} worker threads); every hash, link, Merkle root and Ed25519 signature checked`,
        },
        {
          name: `audit:verify --incremental after +${more} events on ${label}`,
          figure: inc.events / incSeconds,
          unit: 'events/s',
          goal: 'intact; reads only what follows the last verified heads',
          pass: inc.status === 'intact' && inc.events === more,
          notes: `${incSeconds.toFixed(2)} s for ${inc.events} events (full run of the same trail: ${fullSeconds.toFixed(1)} s)`,
        },
      );
    }
  } finally {
    await raw.end();
    await db.destroy();
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  setQuick(process.argv.includes('--quick'));
  const sizesAt = process.argv.indexOf('--sizes');
  if (sizesAt > 0)
    scaleSizes = (process.argv[sizesAt + 1] ?? '')
      .split(',')
      .map(Number)
      .filter((n) => n >= 100);
  (process.argv.includes('--scale-only') ? runVerificationScaleBench() : runAuditBench())
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
