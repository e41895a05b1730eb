import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from './lib/app.js';
import { describeLoad, runLoad, type LoadResult } from './lib/load.js';
import { startBenchPostgres } from './lib/postgres.js';
import { seconds } from './lib/settings.js';
import { timeSequential } from './lib/stats.js';
import type { BenchResult } from './lib/types.js';

const BODY = JSON.stringify({ status: 'ok' });

/** The physical limit of this machine for the same answer: node:http, nothing else. */
async function startBareServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const errorsOf = (...runs: LoadResult[]) => runs.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
const requestsOf = (...runs: LoadResult[]) => runs.reduce((n, r) => n + r.requests + r.errors + r.timeouts, 0);

/**
 * GET /health through the whole middleware stack (request id, metrics, pino-http, helmet, router)
 * next to a bare node:http server giving the same answer, in the same process and run; then the
 * latency at 70 % of the app's own peak, /health/ready (one database round trip) and a /metrics scrape.
 */
export async function runHealthBench(): Promise<BenchResult[]> {
  const pg = await startBenchPostgres();
  const app = await startApp({ appUrl: pg.appUrl, ownerUrl: pg.ownerUrl() });
  const bare = await startBareServer();
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  try {
    const peakOptions = { connections: 10, durationSeconds: seconds(10), warmupSeconds: 3 };
    const basePeak = await runLoad({ url: `${bare.url}/health`, ...peakOptions });
    log(describeLoad('bare node:http /health, peak', basePeak));
    const appPeak = await runLoad({ url: `${app.url}/health`, ...peakOptions });
    log(describeLoad('app GET /health, peak', appPeak));

    const rate = Math.max(50, Math.floor(appPeak.rps * 0.7));
    const pacedOptions = { rate, connections: 10, durationSeconds: seconds(10), warmupSeconds: 2 };
    const basePaced = await runLoad({ url: `${bare.url}/health`, ...pacedOptions });
    log(describeLoad(`bare node:http /health at ${rate} req/s`, basePaced));
    const appPaced = await runLoad({ url: `${app.url}/health`, ...pacedOptions });
    log(describeLoad(`app GET /health at ${rate} req/s (70% of peak)`, appPaced));

    const ready = await runLoad({
      url: `${app.url}/health/ready`,
      connections: 10,
      durationSeconds: seconds(5),
      warmupSeconds: 2,
    });
    log(describeLoad('app GET /health/ready, peak', ready));

    const scrape = await timeSequential(50, async () => {
      const res = await fetch(`${app.url}/metrics`);
      await res.text();
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    });

    const all = [appPeak, appPaced, ready];
    const errorRate = (errorsOf(...all) / Math.max(1, requestsOf(...all))) * 100;
    const window = `10 connections, ${peakOptions.durationSeconds} s after a ${peakOptions.warmupSeconds} s warm-up`;
    return [
      {
        name: 'GET /health throughput (peak)',
        figure: appPeak.rps,
        unit: 'req/s',
        baseline: basePeak.rps,
        ratio: appPeak.rps / basePeak.rps,
        goal: '>= 500 req/s (SPEC §6)',
        pass: appPeak.rps >= 500,
        notes: `${window}; baseline: bare node:http giving the same JSON in the same process`,
      },
      {
        name: 'GET /health p50 at 70% of peak',
        figure: appPaced.p50,
        unit: 'ms',
        baseline: basePaced.p50,
        ratio: appPaced.p50 / basePaced.p50,
        goal: '< 10 ms (SPEC §6)',
        pass: appPaced.p50 < 10,
        notes: `${rate} req/s fixed rate for both`,
      },
      {
        name: 'GET /health p95 at 70% of peak',
        figure: appPaced.p95,
        unit: 'ms',
        baseline: basePaced.p95,
        ratio: appPaced.p95 / basePaced.p95,
        goal: '< 50 ms (SPEC §6)',
        pass: appPaced.p95 < 50,
      },
      {
        name: 'GET /health p99 at 70% of peak',
        figure: appPaced.p99,
        unit: 'ms',
        baseline: basePaced.p99,
        ratio: appPaced.p99 / basePaced.p99,
        goal: '< 50 ms',
        pass: appPaced.p99 < 50,
      },
      {
        name: 'GET /health/ready throughput (checks PostgreSQL)',
        figure: ready.rps,
        unit: 'req/s',
        goal: '>= 500 req/s',
        pass: ready.rps >= 500,
        notes: `p50 ${ready.p50.toFixed(2)} ms, p95 ${ready.p95.toFixed(2)} ms, p99 ${ready.p99.toFixed(2)} ms`,
      },
      {
        name: 'health error rate (all runs above)',
        figure: errorRate,
        unit: '%',
        goal: '< 0.1 % (SPEC §6)',
        pass: errorRate < 0.1,
      },
      {
        name: 'GET /metrics scrape p95 (sequential)',
        figure: scrape.p95,
        unit: 'ms',
        goal: '< 100 ms',
        pass: scrape.p95 < 100,
        notes: `p50 ${scrape.p50.toFixed(2)} ms over ${scrape.count} scrapes`,
      },
    ];
  } finally {
    await new Promise<void>((resolve) => {
      bare.server.close(() => resolve());
      bare.server.closeAllConnections();
    });
    await app.close();
    await pg.destroy();
  }
}
