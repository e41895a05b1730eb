/**
 * Where an admin list GET spends the app's CPU (issue 17): a tool, not in `npm run bench`. Starts
 * the app over a cluster kept by bench/admin-http.ts (BENCH_ADMIN_HTTP_DATA, seeded there first),
 * logs in as a superadmin (PROFILE_ROLE=SUPPORT: a support agent of the three busiest tenants), loads the Transaction list at 10 connections from a worker thread and
 * profiles the app's thread (node:inspector) meanwhile; prints self time by package and the
 * heaviest functions.
 *
 *   BENCH_ADMIN_HTTP_DATA=/some/dir node --import tsx bench/admin-profile.ts [path]
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSeededAdmin } from './lib/admin-cluster.js';
import { describeLoad, runLoad } from './lib/load.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function packageOf(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/src/')) return 'src/' + (url.split('/src/')[1]!.split('/')[0] ?? '');
  if (url.includes('/admin/')) return 'admin/';
  if (url.startsWith('node:')) return url;
  return url === '' ? '(native/vm)' : url;
}

async function main() {
  const root = process.env.BENCH_ADMIN_HTTP_DATA;
  const rows = Number(process.env.BENCH_ADMIN_HTTP_ROWS ?? 2_000_000);
  if (!root) throw new Error('set BENCH_ADMIN_HTTP_DATA to a cluster seeded by bench/admin-http.ts');
  if (!existsSync(join(root, `admin-http-${rows}`, 'password'))) throw new Error(`no kept cluster of ${rows} rows in ${root}`);
  const seeded = await startSeededAdmin(rows, (line) => console.log(line));
  const { app } = seeded;
  try {
    // PROFILE_ROLE=SUPPORT: a support agent granted the three busiest tenants, as in admin-http.ts.
    const cookie = await seeded.staffCookie(process.env.PROFILE_ROLE === 'SUPPORT' ? 'SUPPORT' : 'SUPERADMIN');
    const path = process.argv[2] ?? '/admin/api/resources/Transaction/actions/list?page=1&perPage=10';
    const url = `${app.url}${path}`;
    const sample = await fetch(url, { headers: { cookie } });
    const body = await sample.text();
    console.log(`one response: ${sample.status}, ${body.length} bytes of JSON`);
    if (process.env.PROFILE_BODY) writeFileSync(process.env.PROFILE_BODY, body);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    // Warm up unprofiled, then profile a measured window.
    await runLoad({ url, headers: { cookie }, connections: 10, durationSeconds: 3, warmupSeconds: 0 });
    await session.post('Profiler.start');
    const elu = performance.eventLoopUtilization();
    const load = await runLoad({ url, headers: { cookie }, connections: 10, durationSeconds: 10, warmupSeconds: 0 });
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number };
    };
    const busy = performance.eventLoopUtilization(elu);
    console.log(describeLoad('profiled window', load));
    console.log(
      `app thread busy ${(100 * busy.utilization).toFixed(0)} % of the window: ${(busy.active / load.requests).toFixed(2)} ms per request`,
    );
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const byPackage = new Map<string, number>();
    const byFunction = new Map<string, number>();
    for (const n of profile.nodes) {
      const hits = n.hitCount ?? 0;
      const pkg = n.callFrame.functionName === '(idle)' ? '(idle)' : packageOf(n.callFrame.url);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
      const fn = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, '')}:${n.callFrame.lineNumber}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    }
    const pct = (h: number) => ((100 * h) / total).toFixed(1).padStart(5) + ' %';
    console.log(`\nself time by package (${total} samples, ${load.requests} requests):`);
    for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(v)}  ${k}`);
    console.log('\nheaviest functions:');
    for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${pct(v)}  ${k}`);

    // The statements one GET sends (pg_stat_statements, top level, the application role).
    const { owner } = seeded;
    await owner.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await owner.query('SELECT pg_stat_statements_reset()');
    const gets = 30;
    for (let i = 0; i < gets; i++) await (await fetch(url, { headers: { cookie } })).text();
    const { rows: statements } = await owner.query<{ calls: string; ms: number; query: string }>(
      `SELECT calls::text, mean_exec_time AS ms, query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
        WHERE r.rolname = 'backoffice_app' AND toplevel ORDER BY calls DESC, total_exec_time DESC`,
    );
    const perGet = statements.reduce((n, r) => n + Number(r.calls), 0) / gets;
    console.log(`\nstatements per GET: ${perGet.toFixed(1)} (over ${gets} sequential GETs)`);
    for (const r of statements)
      console.log(
        `${(Number(r.calls) / gets).toFixed(2).padStart(6)} x ${r.ms.toFixed(2).padStart(7)} ms  ${r.query.replace(/\s+/g, ' ').slice(0, 150)}`,
      );
  } finally {
    await seeded.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
