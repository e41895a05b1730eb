/**
 * Writes at the speed of the stack (issue 17): POST /api/v1/transactions at 1 and 20 tenants,
 * the 80 % GET list / 20 % POST mix and the GET list at 20 tenants, each next to a bare
 * `node:http` + `pg` server doing the same database work in the same run — per write one
 * transaction with the same idempotency claim, the same INSERT, the same hash-chained audit
 * append (backoffice_audit_append) and the same key completion; per read the same list SQL.
 * The bare server has no framework, no token verification, no validation and no logging: it is
 * the limit of this machine, Node and PostgreSQL, which our figures are divided by.
 *
 *   node --import tsx bench/writes.ts        (alone)   |   npm run bench -- writes
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
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

const TENANTS = 20;
const CONNECTIONS = 20;
const LIST_PATH = '/api/v1/transactions?limit=50';

interface BenchTenant {
  token: string;
  tenantId: string;
  userId: string;
  accountId: string;
}

const CLAIM_SQL = `SELECT backoffice_idempotency_claim($1::uuid, $2::uuid, $3::text, 'POST', '/api/v1/transactions', $4::text, 24, 30, 5000) AS id`;
const INSERT_SQL = `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
  VALUES ($1::uuid, $2::uuid, $3::numeric, 'EUR', $4::"Direction", now(), $5) RETURNING "id"::text, "occurredAt", "createdAt"`;
const AUDIT_SQL = `SELECT "id"::text, "seq"::text, "hash" FROM backoffice_audit_append($1::text, $2::uuid, now(), 'USER', $3::text, 'OWNER',
  'transaction.create', 'Transaction', $4::text, 'SUCCESS', NULL, $5::jsonb, '127.0.0.1', 'bench', $6::text, $7::text)`;
const COMPLETE_SQL = `UPDATE "IdempotencyKey" SET "status" = 'COMPLETED', "responseStatus" = 201, "responseText" = $2 WHERE "id" = $1::uuid`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The bare server: node:http + pg, the same statements, a token → tenant map instead of auth. */
async function startBare(
  url: string,
  tenants: BenchTenant[],
  poolSize: number,
): Promise<{ url: string; server: Server; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const byToken = new Map(tenants.map((t) => [`Bearer ${t.token}`, t]));
  const send = (res: import('node:http').ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const list = (t: BenchTenant): Promise<string> => bareListPage(pool, t.tenantId);
  async function create(t: BenchTenant, key: string, text: string): Promise<string> {
    const body = JSON.parse(text) as { amount: string; direction: string; description?: string };
    const fingerprint = createHash('sha256').update(text).digest('hex');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const claim = await client.query<{ id: string }>({
        name: 'bare_claim',
        text: CLAIM_SQL,
        values: [t.tenantId, t.userId, key, fingerprint],
      });
      const keyId = claim.rows[0]!.id;
      const inserted = await client.query<{ id: string; occurredAt: Date; createdAt: Date }>({
        name: 'bare_insert',
        text: INSERT_SQL,
        values: [t.tenantId, t.accountId, body.amount, body.direction, body.description ?? null],
      });
      const row = inserted.rows[0]!;
      const json = {
        id: row.id,
        account_id: t.accountId,
        category_id: null,
        amount: body.amount,
        currency: 'EUR',
        direction: body.direction,
        occurred_at: row.occurredAt.toISOString(),
        description: body.description ?? null,
        kind: 'REGULAR',
        adjusts_transaction_id: null,
      };
      const diff = JSON.stringify({ after: json });
      const digest = createHash('sha256').update(diff).digest('hex');
      await client.query({
        name: 'bare_audit',
        text: AUDIT_SQL,
        values: [`tenant:${t.tenantId}`, t.tenantId, t.userId, row.id, diff, randomUUID(), digest],
      });
      const response = JSON.stringify(json);
      await client.query({ name: 'bare_complete', text: COMPLETE_SQL, values: [keyId, response] });
      await client.query('COMMIT');
      return response;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  const server = createServer((req, res) => {
    const t = byToken.get(req.headers.authorization ?? '');
    if (!t) return send(res, 401, '{}');
    if (req.method === 'GET') {
      list(t).then(
        (body) => send(res, 200, body),
        () => send(res, 500, '{}'),
      );
      return;
    }
    readBody(req)
      .then((text) => create(t, String(req.headers['idempotency-key']), text))
      .then(
        (body) => send(res, 201, body),
        () => send(res, 500, '{}'),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, pool };
}

const errorsOf = (r: LoadResult) => r.errors + r.timeouts + r.non2xx;
const lat = (r: LoadResult) => `p50 ${r.p50.toFixed(1)} / p95 ${r.p95.toFixed(1)} / p99 ${r.p99.toFixed(1)} ms`;

export async function runWritesBench(): Promise<BenchResult[]> {
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  const pgServer = await startBenchPostgres();
  const app = await startApp({ appUrl: pgServer.appUrl, ownerUrl: pgServer.ownerUrl() });
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    const client = apiClient(app.url);
    const tenants: BenchTenant[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const user = await client.registerAndLogin();
      const account = await client.createAccount(user.accessToken);
      const me = await client.call<{ id: string; tenant: { id: string } }>('GET', '/api/v1/me', { token: user.accessToken });
      tenants.push({ token: user.accessToken, tenantId: me.body.tenant.id, userId: me.body.id, accountId: account.id });
    }
    // A few hundred rows per tenant so that a list page is full.
    const owner = new pg.Client({ connectionString: pgServer.ownerUrl() });
    await owner.connect();
    for (const t of tenants)
      await owner.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
         SELECT $1, $2, (1 + (g % 5000))::numeric / 100, 'EUR', 'DEBIT', now() - (g || ' minutes')::interval, 'Bench purchase ' || g
         FROM generate_series(1, 500) g`,
        [t.tenantId, t.accountId],
      );
    await owner.query('ANALYZE');
    await owner.end();

    // As the owner, like bench/api.ts: the bare server sets no tenant set (row-level security would
    // refuse its rows to the application role; its cost in the app is measured by bench/rls.ts).
    bare = await startBare(pgServer.ownerUrl(), tenants, app.runtime.config.DATABASE_POOL_SIZE);
    const body = JSON.stringify({ account_id: '[<account>]', amount: '12.34', direction: 'DEBIT', description: 'Bench write' });
    const post = {
      method: 'POST',
      path: '/api/v1/transactions',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'bench-[<id>]' },
      body,
    };
    const get = { method: 'GET', path: LIST_PATH };
    const spread = (n: number) =>
      tenants.slice(0, n).map((t) => ({ authorization: `Bearer ${t.token}`, accountId: t.accountId }));
    const window = { connections: CONNECTIONS, durationSeconds: seconds(10), warmupSeconds: 3, idReplacement: true };

    const pair = async (label: string, requests: Array<typeof post | typeof get>, n: number) => {
      const b = await runLoad({ url: `${bare!.url}/`, requests, tenants: spread(n), ...window });
      log(describeLoad(`bare ${label}`, b));
      const a = await runLoad({ url: `${app.url}/`, requests, tenants: spread(n), ...window });
      log(describeLoad(`ours ${label}`, a));
      return { a, b };
    };
    const post1 = await pair('POST, 1 tenant', [post], 1);
    const post20 = await pair(`POST, ${TENANTS} tenants`, [post], TENANTS);
    const mix = await pair(`mix 80% GET / 20% POST, ${TENANTS} tenants`, [get, get, get, get, post], TENANTS);
    const list = await pair(`GET ${LIST_PATH}, ${TENANTS} tenants`, [get], TENANTS);

    const row = (
      name: string,
      r: { a: LoadResult; b: LoadResult },
      goal: string,
      pass: (ratio: number) => boolean,
    ): BenchResult => {
      const ratio = r.a.rps / r.b.rps;
      return {
        name,
        figure: r.a.rps,
        unit: 'req/s',
        baseline: r.b.rps,
        ratio,
        goal,
        pass: pass(ratio) && errorsOf(r.a) === 0,
        notes: `ours ${lat(r.a)}; bare ${lat(r.b)}; non-2xx ${r.a.non2xx}, errors ${r.a.errors + r.a.timeouts}`,
      };
    };
    const scaling = post20.a.rps / post1.a.rps;
    return [
      row('POST /api/v1/transactions, 1 tenant, vs bare', post1, 'reported (ratio to bare)', () => true),
      row(`POST /api/v1/transactions, ${TENANTS} tenants, vs bare`, post20, '>= 0.5x bare', (x) => x >= 0.5),
      {
        name: `POST throughput ${TENANTS} tenants / 1 tenant`,
        figure: scaling,
        unit: 'x',
        ratio: scaling,
        goal: '>= 3x',
        pass: scaling >= 3,
        notes: `ours ${post1.a.rps.toFixed(0)} → ${post20.a.rps.toFixed(0)} req/s; bare ${post1.b.rps.toFixed(0)} → ${post20.b.rps.toFixed(0)} req/s (${(post20.b.rps / post1.b.rps).toFixed(2)}x)`,
      },
      row(`mix 80% GET / 20% POST, ${TENANTS} tenants, vs bare`, mix, '>= 0.5x bare', (x) => x >= 0.5),
      {
        name: `mix 80% GET / 20% POST, ${TENANTS} tenants`,
        figure: mix.a.rps,
        unit: 'req/s',
        goal: '>= 1200 req/s',
        pass: mix.a.rps >= 1200 && errorsOf(mix.a) === 0,
        notes: lat(mix.a),
      },
      row(`GET ${LIST_PATH}, ${TENANTS} tenants, vs bare`, list, '>= 0.5x bare', (x) => x >= 0.5),
    ];
  } finally {
    await closeBare(bare);
    await app.close();
    await pgServer.destroy();
  }
}

runIfMain(import.meta.url, runWritesBench);
