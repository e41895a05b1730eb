/**
 * What the admin benches over HTTP share: a seeded cluster (kept between runs under
 * BENCH_ADMIN_HTTP_DATA, one directory per row count), the app on it, staff logged in the way the
 * browser logs in, and sequential timing of a GET.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { cliContext } from '../../src/cli/system-context.js';
import { startApp, type StartedApp } from './app.js';
import { startBenchPostgres, type BenchPostgres } from './postgres.js';
import { percentiles, type Percentiles } from './stats.js';

export const STAFF_PASSWORD = 'bench-Admin-passphrase-42';
export const ADMIN_LIST = '/admin/api/resources/Transaction/actions/list';

/** Logs a staff member in through the admin's login form; the session cookie. */
export async function adminLogin(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: STAFF_PASSWORD }).toString(),
  });
  await res.text();
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 302 || !cookie) throw new Error(`admin login failed: ${res.status}`);
  return cookie;
}

/** One GET, whole body read; its time in ms. Anything but 200 stops the bench. */
export async function timeGet(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - started;
}

/** n sequential GETs after three of warm-up. */
export async function timed(url: string, headers: Record<string, string>, n: number): Promise<Percentiles> {
  const samples: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const ms = await timeGet(url, headers);
    if (i >= 3) samples.push(ms);
  }
  return percentiles(samples);
}

export const describePercentiles = (p: Percentiles) =>
  `p50 ${p.p50.toFixed(1)} / p95 ${p.p95.toFixed(1)} / p99 ${p.p99.toFixed(1)} ms (n=${p.count})`;

/** A cluster kept between runs: its directory and the password it was made with. */
function keptCluster(root: string, rows: number): { dir: string; password: string } {
  const dir = join(root, `admin-http-${rows}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(12).toString('hex'), { mode: 0o600 });
  return { dir, password: readFileSync(file, 'utf8').trim() };
}

/**
 * Runs a bulk load of "Transaction" with its secondary indexes and foreign keys dropped, and
 * makes them again afterwards from their own definitions (the same indexes and constraints, built
 * once instead of maintained row by row: 20M rows load in minutes, not hours). The owner's work,
 * for benches only; the app's seed is the same either way.
 */
async function withTransactionIndexesOff<T>(owner: pg.Client, load: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const { rows: indexes } = await owner.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = '"Transaction"'::regclass AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
  );
  const { rows: fks } = await owner.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = '"Transaction"'::regclass AND contype = 'f' AND conparentid = 0`,
  );
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const fk of fks) await owner.query(`ALTER TABLE "Transaction" DROP CONSTRAINT ${q(fk.name)}`);
  for (const ix of indexes) await owner.query(`DROP INDEX ${q(ix.name)}`);
  const result = await load();
  const started = performance.now();
  await owner.query(`SET maintenance_work_mem = '1GB'`);
  // A partitioned table's index reads `ON ONLY`: made on the parent alone, its partitions' left out.
  for (const ix of indexes) await owner.query(ix.def.replace(' ON ONLY ', ' ON '));
  for (const fk of fks) await owner.query(`ALTER TABLE "Transaction" ADD CONSTRAINT ${q(fk.name)} ${fk.def}`);
  await owner.query('RESET maintenance_work_mem');
  log(
    `${indexes.length} indexes and ${fks.length} foreign keys of "Transaction" made again in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return result;
}

export interface SeededAdmin {
  rows: number;
  pgServer: BenchPostgres;
  app: StartedApp;
  /** The owner's connection (statistics, bulk audit rows). */
  owner: pg.Client;
  /** Kept between runs (BENCH_ADMIN_HTTP_DATA)? */
  kept: boolean;
  /** The three tenants with the most transactions, busiest first. */
  busiest: string[];
  /** Creates a staff member of the role (SUPPORT: granted the busiest tenants) and logs them in. */
  staffCookie: (role: 'SUPERADMIN' | 'SUPPORT') => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Starts PostgreSQL with `rows` transactions over 1,000 tenants (seeded now, or reused from
 * BENCH_ADMIN_HTTP_DATA) and the app on it.
 */
export async function startSeededAdmin(rows: number, log: (line: string) => void): Promise<SeededAdmin> {
  const dataDir = process.env.BENCH_ADMIN_HTTP_DATA;
  const kept = dataDir ? keptCluster(dataDir, rows) : undefined;
  const pgServer = await startBenchPostgres({
    flags: ['-c', 'shared_buffers=256MB', '-c', 'shared_preload_libraries=pg_stat_statements'],
    ...(kept ? { dir: kept.dir, keep: true, password: kept.password } : {}),
  });
  let app: StartedApp | undefined;
  let owner: pg.Client | undefined;
  try {
    app = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl() });
    owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
    await owner.connect();
    const { rows: had } = await owner.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Transaction"`);
    const present = Number(had[0]!.n);
    if (kept && present >= rows) log(`reusing the seeded cluster in ${kept.dir} (${present.toLocaleString('en')} transactions)`);
    else if (present > 0) throw new Error(`${kept?.dir ?? 'the cluster'} holds a partial seed (${present} rows): remove it`);
    else {
      const started = performance.now();
      log(`seeding ${rows.toLocaleString('en')} transactions over 1,000 tenants`);
      const seedApp = app;
      await withTransactionIndexesOff(owner, () => seedApp.services.seed.demo({ tenants: 1_000, transactions: rows }), log);
      await owner.query('VACUUM ANALYZE');
      log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const { rows: top } = await owner.query<{ tenantId: string }>(
      `SELECT "tenantId" FROM "Transaction" GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3`,
    );
    const busiest = top.map((b) => b.tenantId);
    const started = app;
    const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    let made = 0;
    const staffCookie = async (role: 'SUPERADMIN' | 'SUPPORT') => {
      const staff = await started.services.staff.create(cliContext('bench'), {
        email: `bench.${role.toLowerCase()}.${stamp}.${made++}@staff.test`,
        role,
        password: STAFF_PASSWORD,
        ...(role === 'SUPPORT' ? { grantTenantIds: busiest } : {}),
      });
      return adminLogin(started.url, staff.email);
    };
    const client = owner;
    return {
      rows,
      pgServer,
      app,
      owner,
      kept: Boolean(kept),
      busiest,
      staffCookie,
      close: async () => {
        await client.end();
        await started.close();
        await pgServer.destroy();
      },
    };
  } catch (err) {
    await owner?.end().catch(() => {});
    await app?.close().catch(() => {});
    await pgServer.destroy();
    throw err;
  }
}
