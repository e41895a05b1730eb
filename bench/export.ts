/**
 * Exports (issue 6): 1,000,000 transactions to CSV through the real export code (runExport: scope
 * from the requester's ability, COPY through pg-copy-streams, SHA-256, temp file + fsync + atomic
 * rename, manifest, audit) next to `psql \copy` of the same query, the physical limit, in the same
 * run. Goals: >= 50 % of psql's throughput; peak RSS of the exporting process grows by < 50 MB
 * between 100,000 and 1,000,000 rows (each export runs in a fresh child process; its maxRSS is
 * read from process.resourceUsage()).
 *
 * Runnable alone: `node --import tsx bench/export.ts` (--quick: 200,000 rows instead of 1,000,000).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { systemActor } from '../src/modules/access/actor.js';
import { defineAbilityFor } from '../src/modules/access/ability.js';
import { runExport } from '../src/modules/exports/export.runner.js';
import type { ServiceContext } from '../src/lib/context.js';
import { createRuntime } from '../src/runtime.js';
import { createServices } from '../src/services.js';
import { startBenchPostgres } from './lib/postgres.js';
import { isQuick, setQuick } from './lib/settings.js';
import type { BenchResult } from './lib/types.js';
import { generateSigningKey } from '../src/modules/audit/audit.signing.js';

const run = promisify(execFile);
const PSQL = '/usr/bin/psql';
const SECRETS = {
  sessionSecret: 's'.repeat(40),
  jwtSecret: 'j'.repeat(40),
  accountTokenKey: 't'.repeat(40),
  auditSigningKey: generateSigningKey().privateKey,
};
const THROUGHPUT_GOAL = 0.5;
const RSS_GOAL_MB = 50;
const log = (line: string) => process.stdout.write(`  ${line}\n`);

interface ChildResult {
  rows: number;
  ms: number;
  maxRssMb: number;
  bytes: number;
  timings: Record<string, number>;
}

function runtimeFor(appUrl: string, ownerUrl: string, exportDir: string) {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: appUrl,
    EXPORT_DIR: exportDir,
    DATABASE_POOL_SIZE: '4',
  });
  return createRuntime({ config, secrets: SECRETS, logger: createLogger('silent'), appUrl, ownerUrl });
}

/** Child mode: run one export and report its duration and the process's peak RSS. */
async function child(exportJobId: string, appUrl: string, ownerUrl: string, exportDir: string): Promise<void> {
  const runtime = runtimeFor(appUrl, ownerUrl, exportDir);
  const services = createServices(runtime);
  // A worker is a long-lived, warm process: load Prisma's query compiler and open connections first.
  await runtime.prisma.exportJob.findUnique({ where: { id: exportJobId }, select: { id: true } });
  (await runtime.pool.connect()).release();
  const started = process.hrtime.bigint();
  const result = await runExport({ ...services.exportRunner, exportDir }, exportJobId);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.outcome !== 'completed') throw new Error(`export ${result.outcome}`);
  const out: ChildResult = {
    rows: result.rows,
    ms,
    bytes: result.bytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    timings: result.timings,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await runtime.close();
}

function exportInChild(exportJobId: string, appUrl: string, ownerUrl: string, exportDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', exportJobId, appUrl, ownerUrl, exportDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`export child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

async function seed(ownerUrl: string, small: number, total: number): Promise<{ smallTenant: string }> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const tenants: string[] = [];
    for (const slug of ['bench-small', 'bench-large']) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "Tenant" ("slug", "name") VALUES ($1, $1) RETURNING "id"`,
        [slug],
      );
      tenants.push(rows[0]!.id);
    }
    for (const [i, tenantId] of tenants.entries()) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "Account" ("tenantId", "name", "type", "currency") VALUES ($1, 'Current account', 'BANK', 'EUR') RETURNING "id"`,
        [tenantId],
      );
      const n = i === 0 ? small : total - small;
      await client.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
         SELECT $1::uuid, $2::uuid, ((g % 99999) + 1)::numeric / 100, 'EUR',
                CASE WHEN g % 4 = 0 THEN 'CREDIT'::"Direction" ELSE 'DEBIT'::"Direction" END,
                timestamptz '2024-01-01' + (g || ' seconds')::interval,
                CASE WHEN g % 10 = 0 THEN 'Card payment, "Café" ' || g ELSE 'Card payment ' || g END
           FROM generate_series(1, $3::int) AS g`,
        [tenantId, rows[0]!.id, n],
      );
    }
    await client.query('VACUUM (ANALYZE) "Transaction"');
    return { smallTenant: tenants[0]! };
  } finally {
    await client.end();
  }
}

/** The exact SELECT the export runs for this requester and filters (no bound settings needed here). */
async function exportQuery(services: ReturnType<typeof createServices>, ctx: ServiceContext, tenantId?: string): Promise<string> {
  const { db, exports } = services.exportRunner;
  const plan = await db.read(ctx, async (s) =>
    exports.plan(s, { resource: 'Transaction', tenantId: tenantId ?? null, filters: tenantId ? { tenantId } : {} }),
  );
  if (plan.params.values.length) throw new Error('the baseline query must not need settings');
  return plan.sections[0]!.select;
}

async function psqlCopy(appUrl: string, query: string, file: string): Promise<number> {
  const started = process.hrtime.bigint();
  await run(
    PSQL,
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      appUrl,
      '-c',
      "SET TimeZone TO 'UTC'",
      '-c',
      `\\copy (${query}) TO '${file}' WITH (FORMAT csv, HEADER true)`,
    ],
    {
      maxBuffer: 1 << 20,
    },
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runExportBench(): Promise<BenchResult[]> {
  const total = isQuick() ? 200_000 : 1_000_000;
  const small = total / 10;
  const db = await startBenchPostgres();
  const exportDir = mkdtempSync(join(tmpdir(), 'backoffice-bench-export-'));
  const runtime = runtimeFor(db.appUrl, db.ownerUrl(), exportDir);
  const services = createServices(runtime);
  try {
    log(`seeding ${total.toLocaleString('en')} transactions (${small.toLocaleString('en')} in one tenant)…`);
    const { smallTenant } = await seed(db.ownerUrl(), small, total);
    const system = {
      actor: systemActor('bench', 'all'),
      ability: defineAbilityFor(systemActor('bench', 'all')),
      correlationId: 'bench',
      locale: 'en',
    } as ServiceContext;
    const engineer = await services.staff.create(system, {
      email: 'bench-engineer@bench.test',
      role: 'ENGINEER',
      password: 'bench-Password-123456',
    });
    const ctx = await services.staffAuth.contextFor(engineer);
    const start = (tenantId?: string) =>
      services.exports.start(ctx, { resource: 'Transaction', format: 'csv', tenantId, reason: 'benchmark' }, { inline: true });

    // Baseline: psql \copy of the very query the export runs (warm-up first: cache and hint bits).
    const query = await exportQuery(services, ctx);
    const psqlFile = join(exportDir, 'psql.csv');
    await psqlCopy(db.ownerUrl(), query, psqlFile);
    const psqlMs: number[] = [];
    const oursMs: number[] = [];
    let largest: ChildResult | undefined;
    for (let i = 0; i < 2; i++) {
      psqlMs.push(await psqlCopy(db.ownerUrl(), query, psqlFile));
      const full = await exportInChild((await start()).id, db.appUrl, db.ownerUrl(), exportDir);
      if (full.rows !== total) throw new Error(`exported ${full.rows} rows, expected ${total}`);
      oursMs.push(full.ms);
      log(
        `export run ${i + 1}: ${full.ms.toFixed(0)} ms (${Object.entries(full.timings)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} ms)`,
      );
      largest = full;
    }
    const smallRun = await exportInChild((await start(smallTenant)).id, db.appUrl, db.ownerUrl(), exportDir);
    if (smallRun.rows !== small) throw new Error(`exported ${smallRun.rows} rows, expected ${small}`);

    const psqlBest = Math.min(...psqlMs);
    const oursBest = Math.min(...oursMs);
    const psqlRate = total / (psqlBest / 1000);
    const oursRate = total / (oursBest / 1000);
    const ratio = oursRate / psqlRate;
    const growth = largest!.maxRssMb - smallRun.maxRssMb;
    const psqlBytes = statSync(psqlFile).size;
    log(`psql \\copy: ${psqlMs.map((m) => m.toFixed(0)).join(' / ')} ms (${psqlBytes.toLocaleString('en')} bytes)`);
    log(
      `export    : ${oursMs.map((m) => m.toFixed(0)).join(' / ')} ms (${largest!.bytes.toLocaleString('en')} bytes, with SHA-256, fsync, manifest, audit)`,
    );
    log(
      `throughput: ${Math.round(oursRate).toLocaleString('en')} rows/s vs ${Math.round(psqlRate).toLocaleString('en')} rows/s = ${(ratio * 100).toFixed(0)} % (goal >= ${THROUGHPUT_GOAL * 100} %)`,
    );
    log(
      `peak RSS  : ${smallRun.maxRssMb.toFixed(1)} MB at ${small.toLocaleString('en')} rows, ${largest!.maxRssMb.toFixed(1)} MB at ${total.toLocaleString('en')} rows: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (goal < ${RSS_GOAL_MB} MB)`,
    );

    return [
      {
        name: `CSV export of ${total.toLocaleString('en')} transactions (rows/s)`,
        figure: oursRate,
        unit: 'rows/s',
        baseline: psqlRate,
        ratio,
        goal: `>= ${THROUGHPUT_GOAL * 100}% of psql \\copy`,
        pass: ratio >= THROUGHPUT_GOAL,
        notes: `best of 2: export ${oursBest.toFixed(0)} ms vs psql ${psqlBest.toFixed(0)} ms; the export also hashes, fsyncs and writes its manifest`,
      },
      {
        name: `peak RSS growth, ${small.toLocaleString('en')} -> ${total.toLocaleString('en')} rows`,
        figure: growth,
        unit: 'MB',
        goal: `< ${RSS_GOAL_MB} MB`,
        pass: growth < RSS_GOAL_MB,
        notes: `maxRSS ${smallRun.maxRssMb.toFixed(1)} MB -> ${largest!.maxRssMb.toFixed(1)} MB (export in a fresh child process)`,
      },
    ];
  } finally {
    await runtime.close();
    rmSync(exportDir, { recursive: true, force: true });
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    const [, , , id, appUrl, ownerUrl, dir] = process.argv;
    child(id!, appUrl!, ownerUrl!, dir!).catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
  } else {
    setQuick(process.argv.includes('--quick'));
    runExportBench()
      .then((rows) => {
        for (const r of rows)
          process.stdout.write(
            `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${r.figure.toFixed(1)} ${r.unit}${r.baseline ? ` vs ${r.baseline.toFixed(0)} (ratio ${r.ratio!.toFixed(2)})` : ''} — goal ${r.goal}\n`,
          );
        process.exit(rows.every((r) => r.pass) ? 0 : 1);
      })
      .catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
      });
  }
}
