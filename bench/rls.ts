/**
 * Row-level security (issue 13, ADR 0011): what the database's tenant isolation costs, side by
 * side in one run. One seeded database is cloned; the clone's policies are disabled
 * (`ALTER TABLE … DISABLE ROW LEVEL SECURITY`) and an app with DATABASE_ROW_LEVEL_SECURITY=false
 * (no per-session transaction, no settings) runs over it; the same app with row-level security
 * runs over the original. Both serve the same data, users and tokens. Measured alternately
 * (on, off, off, on, on, off) so that drift of a shared machine falls on both sides:
 *   - GET /api/v1/transactions?limit=50 peak throughput (goal: with RLS >= 85 % of without);
 *   - the admin Transaction list (find + count, page 1, as AdminJS's list action calls it) for a
 *     superadmin and a support agent granted three tenants: p95 (goal: with RLS <= 1.2x without),
 *     sampled on one app and the other alternately within each round.
 *
 *   node --import tsx bench/rls.ts        (alone)   |   npm run bench -- rls
 */
// The HTTP surface first (bench/lib/app.ts): its OpenAPI extension of zod must load before the domain schemas.
import { startApp, type StartedApp } from './lib/app.js';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Filter, type ActionContext, type BaseResource } from 'adminjs';
import pg from 'pg';
import { buildAdminResources } from '../admin/resources/index.js';
import { cliContext } from '../src/cli/system-context.js';
import { ensureDatabase } from '../src/db/embedded.js';
import { generateSigningKey } from '../src/modules/audit/audit.signing.js';
import { apiClient } from './lib/api-client.js';
import { describeLoad, runLoad, type LoadResult } from './lib/load.js';
import { startBenchPostgres } from './lib/postgres.js';
import { isQuick, seconds } from './lib/settings.js';
import { percentiles, round, type Percentiles } from './lib/stats.js';
import type { BenchResult } from './lib/types.js';

const LIST_PATH = '/api/v1/transactions?limit=50';
const TENANTS = 200;
const TRANSACTIONS = 400_000;
const ROUNDS = 3;

const log = (line: string) => process.stdout.write(`  ${line}\n`);
const errorsOf = (r: LoadResult) => r.errors + r.timeouts + r.non2xx;

/** One admin list as AdminJS's list action loads it: find(page 1) then count(). */
async function adminList(resource: BaseResource, context: ActionContext): Promise<void> {
  const filter = new Filter({}, resource);
  await resource.find(filter, { limit: 10, offset: 0, sort: { sortBy: 'occurredAt', direction: 'desc' } }, context);
  await resource.count(filter, context);
}

/**
 * The admin list's p95 on both apps, sample by sample alternately (on, off, off, on, …), so that
 * a drift of the shared machine within the round falls on both sides alike.
 */
async function adminP95Pair(
  apps: { on: StartedApp; off: StartedApp },
  staff: Staff,
  iterations: number,
): Promise<{ on: Percentiles; off: Percentiles }> {
  const resourceOf = (app: StartedApp) =>
    buildAdminResources(app.runtime, app.services).find((r) => (r.resource as BaseResource).id() === 'Transaction')!
      .resource as BaseResource;
  const resources = { on: resourceOf(apps.on), off: resourceOf(apps.off) };
  const context = (resource: BaseResource) =>
    ({
      currentAdmin: { id: staff.id, email: staff.email, role: staff.role, locale: staff.locale, sessionVersion: 1 },
      resource,
    }) as unknown as ActionContext;
  const sides = ['on', 'off'] as const;
  for (let i = 0; i < 20; i++) for (const side of sides) await adminList(resources[side], context(resources[side]));
  const samples = { on: [] as number[], off: [] as number[] };
  for (let i = 0; i < iterations; i++)
    for (const side of i % 2 ? [...sides].reverse() : sides) {
      const started = performance.now();
      await adminList(resources[side], context(resources[side]));
      samples[side].push(performance.now() - started);
    }
  return { on: percentiles(samples.on), off: percentiles(samples.off) };
}

interface Staff {
  id: string;
  email: string;
  role: string;
  locale: string;
}

/** The better of the rounds (the one the shared machine disturbed least). */
const best = (runs: LoadResult[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
const lowestP95 = (runs: Percentiles[]) => runs.reduce((a, b) => (b.p95 < a.p95 ? b : a));

export async function runRlsBench(): Promise<BenchResult[]> {
  const pgServer = await startBenchPostgres({ flags: ['-c', 'shared_buffers=256MB'] });
  const secret = () => randomBytes(32).toString('base64url');
  const secrets = {
    sessionSecret: secret(),
    jwtSecret: secret(),
    accountTokenKey: secret(),
    auditSigningKey: generateSigningKey().privateKey,
  };
  const offDb = `${pgServer.database}_rls_off`;
  const offAppUrl = pgServer.appUrl.replace(`/${pgServer.database}`, `/${offDb}`);
  let on: StartedApp | undefined;
  let off: StartedApp | undefined;
  try {
    // Seed through the app with row-level security (the seed is all-tenants system work).
    const seeding = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl(), secrets, logs: 'silent' });
    const seeded = await seeding.services.seed.demo({ tenants: TENANTS, transactions: isQuick() ? 50_000 : TRANSACTIONS });
    log(`seeded ${seeded.tenants} tenants, ${seeded.transactions} transactions in ${seeded.seconds.toFixed(1)} s`);
    const client = apiClient(seeding.url);
    const user = await client.registerAndLogin();
    const account = await client.createAccount(user.accessToken);
    const me = await client.call<{ tenant: { id: string } }>('GET', '/api/v1/me', { token: user.accessToken });
    const owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
    await owner.connect();
    await owner.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1, $2, (1 + (g % 5000))::numeric / 100, 'EUR', 'DEBIT', now() - (g || ' minutes')::interval, 'Bench purchase ' || g
       FROM generate_series(1, 10000) g`,
      [me.body.tenant.id, account.id],
    );
    const superadmin = (
      await owner.query<Staff>(`SELECT "id", "email", "role", "locale" FROM "StaffUser" WHERE "role" = 'SUPERADMIN' LIMIT 1`)
    ).rows[0]!;
    const busiest = (
      await owner.query<{ tenantId: string }>(
        `SELECT "tenantId" FROM "Transaction" GROUP BY "tenantId" ORDER BY count(*) DESC LIMIT 3`,
      )
    ).rows.map((r) => r.tenantId);
    const created = await seeding.services.staff.create(cliContext('bench'), {
      email: `bench.support.${Date.now().toString(36)}@staff.test`,
      role: 'SUPPORT',
      password: 'bench-Support-passphrase-42',
      grantTenantIds: busiest,
    });
    const support: Staff = { id: created.id, email: created.email, role: 'SUPPORT', locale: created.locale };
    await seeding.close();
    await owner.query('VACUUM ANALYZE');
    // The clone without policies: same rows, same users, same tokens.
    await owner.query(`DROP DATABASE IF EXISTS "${offDb}"`);
    await owner.end();
    await ensureDatabase(pgServer.ownerUrl('postgres'), offDb, pgServer.database);
    const offOwner = new pg.Client({ connectionString: pgServer.ownerUrl(offDb) });
    await offOwner.connect();
    const { rows: tables } = await offOwner.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relrowsecurity`,
    );
    for (const t of tables) await offOwner.query(`ALTER TABLE "${t.name}" DISABLE ROW LEVEL SECURITY`);
    await offOwner.query('VACUUM ANALYZE');
    await offOwner.end();
    log(`clone ${offDb}: row-level security disabled on ${tables.length} tables`);

    on = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl(), secrets });
    off = await startApp({
      appUrl: offAppUrl,
      ownerUrl: pgServer.ownerUrl(offDb),
      secrets,
      env: { DATABASE_ROW_LEVEL_SECURITY: 'false' },
    });
    for (const [name, app] of [
      ['on', on],
      ['off', off],
    ] as const) {
      const check = await apiClient(app.url).call<{ data: unknown[] }>('GET', LIST_PATH, { token: user.accessToken });
      if (check.status !== 200 || check.body.data.length !== 50) throw new Error(`list check (${name}) failed: ${check.status}`);
    }

    const auth = { authorization: `Bearer ${user.accessToken}` };
    const peak = { connections: 20, durationSeconds: seconds(8), warmupSeconds: 2 };
    const iterations = isQuick() ? 40 : 200;
    const api = { on: [] as LoadResult[], off: [] as LoadResult[] };
    const admin = {
      superadmin: { on: [] as Percentiles[], off: [] as Percentiles[] },
      support: { on: [] as Percentiles[], off: [] as Percentiles[] },
    };
    for (let n = 1; n <= ROUNDS; n++) {
      // Alternating which side goes first, so a drift of the shared machine favours neither.
      const sides = [
        ['on', on],
        ['off', off],
      ] as const;
      for (const [side, app] of n % 2 ? sides : [...sides].reverse()) {
        const r = await runLoad({ url: `${app.url}${LIST_PATH}`, headers: auth, ...peak });
        api[side].push(r);
        log(describeLoad(`round ${n}, RLS ${side}: GET ${LIST_PATH}`, r));
      }
      for (const who of ['superadmin', 'support'] as const) {
        const pair = await adminP95Pair({ on, off }, who === 'superadmin' ? superadmin : support, iterations);
        for (const side of ['on', 'off'] as const) {
          admin[who][side].push(pair[side]);
          const p = pair[side];
          log(`round ${n}, RLS ${side}: admin Transaction list (${who}) p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms`);
        }
      }
    }

    const apiOn = best(api.on);
    const apiOff = best(api.off);
    const apiRatio = apiOn.rps / apiOff.rps;
    const rows: BenchResult[] = [
      {
        name: `GET ${LIST_PATH} throughput with RLS vs without`,
        figure: round(apiOn.rps),
        unit: 'req/s',
        baseline: round(apiOff.rps),
        ratio: round(apiRatio),
        goal: '>= 85% of the same app without RLS',
        pass: apiRatio >= 0.85 && errorsOf(apiOn) === 0 && errorsOf(apiOff) === 0,
        notes: `best of ${ROUNDS} alternating rounds each, 20 connections, ${peak.durationSeconds} s; with RLS p95 ${apiOn.p95.toFixed(1)} ms, without ${apiOff.p95.toFixed(1)} ms`,
      },
    ];
    for (const who of ['superadmin', 'support'] as const) {
      const withRls = lowestP95(admin[who].on);
      const without = lowestP95(admin[who].off);
      const ratio = withRls.p95 / without.p95;
      rows.push({
        name: `admin Transaction list page 1 (${who === 'support' ? 'support, 3 tenants' : 'superadmin'}): find+count p95 with RLS vs without`,
        figure: round(withRls.p95),
        unit: 'ms',
        baseline: round(without.p95),
        ratio: round(ratio),
        goal: '<= 1.2x the same app without RLS',
        pass: ratio <= 1.2,
        notes: `best of ${ROUNDS} rounds of ${iterations} samples per side, taken on and off alternately; p50 ${withRls.p50.toFixed(2)} vs ${without.p50.toFixed(2)} ms; ${seeded.transactions + 10_000} transactions over ${TENANTS + 1} tenants`,
      });
    }
    return rows;
  } finally {
    await on?.close();
    await off?.close();
    await pgServer.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRlsBench()
    .then((rows) => {
      for (const r of rows)
        process.stdout.write(
          `${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure} ${r.unit} (without RLS ${r.baseline} ${r.unit}, ${r.ratio}x)  goal ${r.goal}\n`,
        );
      process.exit(rows.every((r) => r.pass) ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
