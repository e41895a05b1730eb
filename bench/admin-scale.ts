/**
 * Cost flat with rows (issue 17): the admin Transaction list (page 1, page 500, a tenant filter,
 * as a superadmin) and the API's list page (a tenant's owner, limit 50) at 2M and at 20M
 * transactions, p95 of each and the ratio 20M / 2M (goal ≤ 1.5x).
 *
 * Both clusters run at once and every case alternates one request to each, so a machine that
 * slows down during the run slows both sides alike.
 *
 *   node --import tsx bench/admin-scale.ts           (alone)   |   npm run bench -- admin-scale
 *   BENCH_ADMIN_SCALE_ROWS=2000000,20000000 …        the two sizes (default; --quick 200,000,2,000,000)
 *   BENCH_ADMIN_HTTP_DATA=/some/dir …                clusters kept there (shared with admin-http) and
 *                                                    reused: seeding 20M rows took 11 min on 2 cores
 *
 * In a whole `npm run bench` it runs only with BENCH_ADMIN_HTTP_DATA set (or named on the command
 * line): a run without kept clusters would seed 22M rows first.
 */
import { DEMO_USER_PASSWORD } from '../src/modules/seed/demo-data.js';
import { ADMIN_LIST, describePercentiles as f, startSeededAdmin, timeGet, type SeededAdmin } from './lib/admin-cluster.js';
import { apiClient } from './lib/api-client.js';
import { isQuick } from './lib/settings.js';
import { percentiles, type Percentiles } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import type { BenchResult } from './lib/types.js';

interface Side {
  seeded: SeededAdmin;
  /** Headers per case, by who asks: the superadmin's cookie or the tenant owner's token. */
  admin: Record<string, string>;
  api: Record<string, string>;
}

async function side(seeded: SeededAdmin): Promise<Side> {
  const admin = { cookie: await seeded.staffCookie('SUPERADMIN') };
  // The demo data suspends some tenants and users: the owner who can log in, of the active tenant
  // with the most transactions.
  const { rows } = await seeded.owner.query<{ email: string }>(
    `SELECT u.email FROM "User" u JOIN "Tenant" t ON t.id = u."tenantId"
      CROSS JOIN LATERAL (SELECT count(*) AS n FROM "Transaction" x WHERE x."tenantId" = t.id) c
      WHERE u.role = 'OWNER' AND u.status = 'ACTIVE' AND u."erasedAt" IS NULL AND u."lockedUntil" IS NULL
        AND t.status = 'ACTIVE'
      ORDER BY c.n DESC, u."createdAt", u.id LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no active owner of an active tenant');
  const { accessToken } = await apiClient(seeded.app.url).login(rows[0].email, DEMO_USER_PASSWORD);
  return { seeded, admin, api: { authorization: `Bearer ${accessToken}` } };
}

/** Cases as paths, per side (the tenant filter names that side's busiest tenant). */
const CASES: Array<{ label: string; who: 'admin' | 'api'; path: (s: Side) => string }> = [
  { label: 'admin list page 1', who: 'admin', path: () => `${ADMIN_LIST}?page=1&perPage=10` },
  { label: 'admin list page 500', who: 'admin', path: () => `${ADMIN_LIST}?page=500&perPage=10` },
  {
    label: 'admin list, tenant filter',
    who: 'admin',
    path: (s) => `${ADMIN_LIST}?page=1&perPage=10&filters.tenantId=${s.seeded.busiest[0]}`,
  },
  { label: 'API list page (limit 50)', who: 'api', path: () => '/api/v1/transactions?limit=50' },
];

export async function runAdminScaleBench(): Promise<BenchResult[]> {
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  const sizes = (process.env.BENCH_ADMIN_SCALE_ROWS ?? (isQuick() ? '200000,2000000' : '2000000,20000000'))
    .split(',')
    .map(Number);
  if (sizes.length !== 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0) || sizes[0]! >= sizes[1]!)
    throw new Error('BENCH_ADMIN_SCALE_ROWS: two row counts, the smaller first');
  const [smallRows, bigRows] = sizes as [number, number];
  const small = await startSeededAdmin(smallRows, (l) => log(`${smallRows.toLocaleString('en')}: ${l}`));
  let big: SeededAdmin | undefined;
  try {
    big = await startSeededAdmin(bigRows, (l) => log(`${bigRows.toLocaleString('en')}: ${l}`));
    const sides = [await side(small), await side(big)] as const;
    const n = isQuick() ? 20 : 60;
    const results: BenchResult[] = [];
    for (const c of CASES) {
      const samples: [number[], number[]] = [[], []];
      for (let i = 0; i < n + 3; i++)
        for (const k of [0, 1] as const) {
          const s = sides[k];
          const ms = await timeGet(`${s.seeded.app.url}${c.path(s)}`, s[c.who]);
          if (i >= 3) samples[k].push(ms);
        }
      const [p0, p1]: Percentiles[] = samples.map((x) => percentiles(x));
      const ratio = p1!.p95 / p0!.p95;
      log(
        `${c.label}: ${smallRows.toLocaleString('en')} ${f(p0!)}; ${bigRows.toLocaleString('en')} ${f(p1!)}; p95 ${ratio.toFixed(2)}x`,
      );
      results.push({
        name: `${c.label} p95 at ${bigRows / 1e6}M / at ${smallRows / 1e6}M rows`,
        figure: ratio,
        unit: 'x',
        ratio,
        goal: '<= 1.5x',
        pass: ratio <= 1.5,
        notes: `${smallRows.toLocaleString('en')} rows: ${f(p0!)}; ${bigRows.toLocaleString('en')} rows: ${f(p1!)}; requests alternate between the two`,
      });
    }
    return results;
  } finally {
    await big?.close();
    await small.close();
  }
}

runIfMain(import.meta.url, runAdminScaleBench);
