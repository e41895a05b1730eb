/**
 * Where one POST /api/v1/transactions spends its database time (issue 17): the statements and
 * round trips it sends (pg_stat_statements, reset before a sequential run of N writes), and the
 * lock waits seen while 20 tenants write at once (pg_locks / pg_stat_activity sampled every 20 ms).
 *
 *   node --import tsx bench/write-profile.ts                      statements + lock waits
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/write-profile.ts   + a CPU profile
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { apiClient, type ApiClient } from './lib/api-client.js';
import { startApp } from './lib/app.js';
import { startBenchPostgres } from './lib/postgres.js';

interface Writer {
  token: string;
  account: { id: string; currency: string };
}

async function writers(client: ApiClient, n: number): Promise<Writer[]> {
  const out: Writer[] = [];
  for (let i = 0; i < n; i++) {
    const user = await client.registerAndLogin();
    out.push({ token: user.accessToken, account: await client.createAccount(user.accessToken) });
  }
  return out;
}

export interface WriteProfile {
  writes: number;
  statements: Array<{ calls: number; perWrite: number; meanMs: number; query: string }>;
  perWrite: number;
  lockWaits: Array<{ what: string; samples: number }>;
  samples: number;
  /** CPU of this process (server and client) per sequential write. */
  cpuMsPerWrite: number;
  msPerWrite: number;
}

export async function profileWrites(options: { writes?: number; concurrentSeconds?: number } = {}): Promise<WriteProfile> {
  const writes = options.writes ?? 200;
  const pgServer = await startBenchPostgres({
    flags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'],
  });
  const app = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl() });
  const owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
  await owner.connect();
  try {
    await owner.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const client = apiClient(app.url);
    const ws = await writers(client, 20);
    const one = ws[0]!;
    for (let i = 0; i < 20; i++) await client.createTransaction(one.token, one.account); // warm plans and pools
    await owner.query('SELECT pg_stat_statements_reset()');
    // The CPU profile covers only the measured writes (the server runs in this process).
    const inspector = process.env.WRITE_PROFILE_CPU ? new Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < writes; i++) await client.createTransaction(one.token, one.account);
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(startedCpu);
    const cpuMsPerWrite = (cpu.user + cpu.system) / 1000 / writes;
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(process.env.WRITE_PROFILE_CPU!, JSON.stringify(profile));
      inspector.disconnect();
    }
    const { rows } = await owner.query<{ calls: string; mean: number; query: string }>(
      `SELECT calls::text, mean_exec_time AS mean, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
        WHERE r.rolname = 'backoffice_app' AND toplevel ORDER BY calls DESC, query`,
    );
    const statements = rows.map((r) => ({
      calls: Number(r.calls),
      perWrite: Number(r.calls) / writes,
      meanMs: r.mean,
      query: r.query.slice(0, 160),
    }));
    const perWrite = statements.reduce((n, s) => n + s.perWrite, 0);

    // Lock waits while 20 tenants write concurrently.
    const waits = new Map<string, number>();
    let samples = 0;
    let running = true;
    const load = Promise.all(
      ws.map(async (w) => {
        const until = Date.now() + (options.concurrentSeconds ?? 5) * 1000;
        while (Date.now() < until) await client.createTransaction(w.token, w.account);
      }),
    ).finally(() => {
      running = false;
    });
    while (running) {
      samples++;
      const { rows: waiting } = await owner.query<{ what: string }>(
        `SELECT coalesce(a.wait_event_type, '-') || ':' || coalesce(a.wait_event, '-') || ' ' ||
                coalesce(l.locktype || ' on ' || coalesce(c.relname, l.locktype), '') AS what
           FROM pg_stat_activity a
           LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
           LEFT JOIN pg_class c ON c.oid = l.relation
          WHERE a.usename = 'backoffice_app' AND a.state = 'active' AND a.wait_event_type IS NOT NULL
            AND a.wait_event_type <> 'Client'`,
      );
      for (const w of waiting) waits.set(w.what, (waits.get(w.what) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    await load;
    const lockWaits = [...waits.entries()].map(([what, n]) => ({ what, samples: n })).sort((a, b) => b.samples - a.samples);
    return { writes, statements, perWrite, lockWaits, samples, cpuMsPerWrite, msPerWrite: elapsedMs / writes };
  } finally {
    await owner.end();
    await app.close();
    await pgServer.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  profileWrites().then(
    (p) => {
      process.stdout.write(
        `sequential: ${p.msPerWrite.toFixed(2)} ms per write, ${p.cpuMsPerWrite.toFixed(2)} ms CPU per write (server + client)\n`,
      );
      process.stdout.write(`statements per POST (top-level, ${p.writes} sequential writes): ${p.perWrite.toFixed(2)}\n`);
      for (const s of p.statements)
        process.stdout.write(`  ${s.perWrite.toFixed(2)}/write  mean ${s.meanMs.toFixed(3)} ms  ${s.query}\n`);
      process.stdout.write(`lock/IO waits over ${p.samples} samples of pg_stat_activity (20 tenants writing):\n`);
      for (const w of p.lockWaits) process.stdout.write(`  ${w.samples}  ${w.what}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
