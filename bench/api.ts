/**
 * Public API bench (issue 5): GET /api/v1/transactions?limit=50 with a valid token, next to a bare
 * node:http server running the same SQL through pg in the same process and run; the latency at
 * 70 % of the app's peak; and POST /api/v1/transactions (idempotency key + audit event per write).
 *
 *   node --import tsx bench/api.ts        (alone)   |   npm run bench -- api
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { apiClient } from './lib/api-client.js';
import { startApp } from './lib/app.js';
import { bareListPage } from './lib/bare-list.js';
import { describeLoad, runLoad, type LoadResult } from './lib/load.js';
import { startBenchPostgres } from './lib/postgres.js';
import { seconds } from './lib/settings.js';
import type { BenchResult } from './lib/types.js';
import { closeBare, runIfMain } from './lib/standalone.js';

const LIST_PATH = '/api/v1/transactions?limit=50';
/**
 * The baseline: node:http + pg, the same SQL and the same JSON, no framework, no auth — and, like
 * the app, a named prepared statement (the fastest way pg can run it).
 */
async function startBaseline(
  appUrl: string,
  tenantId: string,
  poolSize: number,
): Promise<{ url: string; server: Server; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: appUrl, max: poolSize });
  const server = createServer((req, res) => {
    bareListPage(pool, tenantId).then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, pool };
}

const errorsOf = (r: LoadResult) => r.errors + r.timeouts + r.non2xx;

export async function runApiBench(): Promise<BenchResult[]> {
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  const pgServer = await startBenchPostgres();
  const app = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl() });
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  try {
    // Data: other households around (the index must do the tenant scoping), then the bench user's.
    const seeded = await app.services.seed.demo({ tenants: 40, transactions: seconds(200_000) });
    log(`seeded ${seeded.tenants} tenants, ${seeded.transactions} transactions in ${seeded.seconds.toFixed(1)} s`);
    const client = apiClient(app.url);
    const user = await client.registerAndLogin();
    const account = await client.createAccount(user.accessToken);
    const me = await client.call<{ tenant: { id: string } }>('GET', '/api/v1/me', { token: user.accessToken });
    const tenantId = me.body.tenant.id;
    const owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
    await owner.connect();
    await owner.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1, $2, (1 + (g % 5000))::numeric / 100, 'EUR', CASE WHEN g % 4 = 0 THEN 'CREDIT' ELSE 'DEBIT' END::"Direction",
              now() - (g || ' minutes')::interval, 'Bench purchase ' || g
       FROM generate_series(1, 10000) g`,
      [tenantId, account.id],
    );
    await owner.query('ANALYZE "Transaction"');
    await owner.end();

    const auth = { authorization: `Bearer ${user.accessToken}` };
    const check = await client.call<{ data: unknown[] }>('GET', LIST_PATH, { token: user.accessToken });
    if (check.status !== 200 || check.body.data.length !== 50) throw new Error(`list check failed: ${check.status}`);

    // As the owner: the bare baseline sets no tenant set, and row-level security would show the
    // application role nothing (the app's own cost of it is measured by bench/rls.ts).
    baseline = await startBaseline(pgServer.ownerUrl(), tenantId, app.runtime.config.DATABASE_POOL_SIZE);
    const peak = { connections: 20, durationSeconds: seconds(10), warmupSeconds: 3 };
    const basePeak = await runLoad({ url: `${baseline.url}/`, ...peak });
    log(describeLoad('baseline node:http + pg, same SQL, peak', basePeak));
    const appPeak = await runLoad({ url: `${app.url}${LIST_PATH}`, headers: auth, ...peak });
    log(describeLoad(`app GET ${LIST_PATH}, peak`, appPeak));

    const rate = Math.max(50, Math.floor(appPeak.rps * 0.7));
    const paced = await runLoad({
      url: `${app.url}${LIST_PATH}`,
      headers: auth,
      rate,
      connections: 20,
      durationSeconds: seconds(10),
      warmupSeconds: 2,
    });
    log(describeLoad(`app GET ${LIST_PATH} at ${rate} req/s (70% of peak)`, paced));

    const body = JSON.stringify({ account_id: account.id, amount: '12.34', direction: 'DEBIT', description: 'Bench write' });
    const writes = await runLoad({
      url: `${app.url}/api/v1/transactions`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'bench-[<id>]' },
      body,
      idReplacement: true,
      connections: 10,
      durationSeconds: seconds(10),
      warmupSeconds: 2,
    });
    log(describeLoad('app POST /api/v1/transactions (idempotency + audit)', writes));

    const ratio = appPeak.rps / basePeak.rps;
    const tail = paced.p99 / paced.p50;
    const notes = `20 connections, ${peak.durationSeconds} s after ${peak.warmupSeconds} s warm-up; ${seeded.transactions + 10_000} transactions in the table`;
    return [
      {
        name: `GET ${LIST_PATH} throughput vs baseline`,
        figure: appPeak.rps,
        unit: 'req/s',
        baseline: basePeak.rps,
        ratio,
        goal: '>= 40% of baseline (node:http + pg, same SQL)',
        pass: ratio >= 0.4 && errorsOf(appPeak) === 0,
        notes: `${notes}; app p50 ${appPeak.p50.toFixed(1)} / p95 ${appPeak.p95.toFixed(1)} / p99 ${appPeak.p99.toFixed(1)} ms; baseline p50 ${basePeak.p50.toFixed(1)} / p99 ${basePeak.p99.toFixed(1)} ms`,
      },
      {
        name: `GET ${LIST_PATH} throughput`,
        figure: appPeak.rps,
        unit: 'req/s',
        goal: '>= 1000 req/s on this machine',
        pass: appPeak.rps >= 1000 && errorsOf(appPeak) === 0,
        notes: `non-2xx ${appPeak.non2xx}, errors ${appPeak.errors + appPeak.timeouts}`,
      },
      {
        name: `GET ${LIST_PATH} p99 / p50 at 70% of peak (${rate} req/s)`,
        figure: tail,
        unit: 'x',
        ratio: tail,
        goal: 'p99 <= 3x p50',
        pass: tail <= 3 && errorsOf(paced) === 0,
        notes: `p50 ${paced.p50.toFixed(1)} ms, p95 ${paced.p95.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms; achieved ${paced.rps.toFixed(0)} req/s`,
      },
      {
        name: 'GET list p95 at 70% of peak',
        figure: paced.p95,
        unit: 'ms',
        goal: '< 300 ms (SPEC §6 API read)',
        pass: paced.p95 < 300,
      },
      {
        name: 'POST /api/v1/transactions throughput (idempotency + audit, one tenant)',
        figure: writes.rps,
        unit: 'req/s',
        goal: 'p50 < 200 ms and p95 < 500 ms (SPEC §6 API write)',
        pass: writes.p50 < 200 && writes.p95 < 500 && errorsOf(writes) === 0,
        notes: `10 connections; p50 ${writes.p50.toFixed(1)} ms, p95 ${writes.p95.toFixed(1)} ms, p99 ${writes.p99.toFixed(1)} ms; non-2xx ${writes.non2xx}; writes to one tenant serialise on its audit chain head`,
      },
    ];
  } finally {
    await closeBare(baseline);
    await app.close();
    await pgServer.destroy();
  }
}

runIfMain(import.meta.url, runApiBench);
