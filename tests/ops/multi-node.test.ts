// The HTTP surface's OpenAPI extension of zod must load before the domain schemas.
import '../../src/http/api/zod-openapi.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { PROJECT_ROOT, spawnServer, type ServerProcess } from '../../bench/lib/server-process.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { waitFor } from './helpers/server.js';

const BIN = join(PROJECT_ROOT, 'bin/backoffice.js');

/**
 * The topology past one machine, with real processes: two app nodes (`npm start`'s src/main.ts,
 * RUN_WORKER=false) and one `npx backoffice worker`, against one PostgreSQL and one Redis, with
 * the same secrets and a shared export directory — what docker-compose.yml runs. Requests are
 * spread over both nodes; every guarantee must hold across them.
 */
describe('two app nodes and a worker against one PostgreSQL and Redis', () => {
  let t: TestContext;
  let redis: TestRedis;
  let exportDir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let worker: { child: ChildProcess; exited: Promise<number | null>; output: () => string };
  let f: ReturnType<typeof factories>;
  let ipSeq = 0;
  /** A client address of its own (TRUST_PROXY): per-IP limits only bite where a test wants them to. */
  const freshIp = () => ({ 'X-Forwarded-For': `10.77.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}` });

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    redis = await startRedis();
    exportDir = mkdtempSync(join(tmpdir(), 'backoffice-nodes-exports-'));
    const secret = () => randomBytes(32).toString('base64url');
    const shared = {
      REDIS_URL: redis.url,
      SESSION_SECRET: secret(),
      JWT_SECRET: secret(),
      ACCOUNT_TOKEN_SECRET: secret(),
      AUDIT_CHECKPOINT_KEY: secret(),
      EXPORT_DIR: exportDir,
      TRUST_PROXY: 'true',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '6',
      LOG_LEVEL: 'warn',
    };
    // One after the other: each node applies migrations at start (already applied: a no-op).
    a = await spawnServer({ appUrl: t.db.appUrl, ownerUrl: t.db.ownerUrl, env: { ...shared, RUN_WORKER: 'false' } });
    b = await spawnServer({ appUrl: t.db.appUrl, ownerUrl: t.db.ownerUrl, env: { ...shared, RUN_WORKER: 'false' } });
    const child = spawn(process.execPath, [BIN, 'worker'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...shared, NODE_ENV: 'test', DATABASE_URL: t.db.appUrl, DATABASE_OWNER_URL: t.db.ownerUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    worker = { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))), output: () => output };
    if (!(await waitFor(async () => /Worker running/.test(output), 60_000, 100)))
      throw new Error(`worker did not start: ${output.slice(-2000)}`);
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    for (const node of [a, b]) {
      if (!node) continue;
      await node.stop();
      node.cleanup();
    }
    await redis?.destroy();
    await t?.close();
    if (exportDir) rmSync(exportDir, { recursive: true, force: true });
  });

  const nodes = () => [a, b];
  const on = (i: number) => nodes()[i % 2]!;

  async function call(
    node: ServerProcess,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: unknown } = {},
  ) {
    const res = await fetch(`${node.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...freshIp(),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (an HTML page, a redirect)
    }
    return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & Array<unknown> };
  }

  async function apiUser(): Promise<{ auth: { Authorization: string }; tenantId: string; accountId: string }> {
    const tenant = await f.tenant();
    const user = await f.user(tenant.id);
    const account = await f.account(tenant.id);
    const tok = await call(a, 'POST', '/api/v1/auth/token', { body: { email: user.email, password: STRONG_PASSWORD } });
    expect(tok.status).toBe(200);
    return { auth: { Authorization: `Bearer ${String(tok.body.access_token)}` }, tenantId: tenant.id, accountId: account.id };
  }

  it('a staff session made on one node works on the other (Redis sessions, one secret)', async () => {
    const staff = await f.staff('SUPERADMIN');
    const login = await fetch(`${a.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...freshIp() },
      body: new URLSearchParams({ email: staff.email, password: STRONG_PASSWORD }).toString(),
    });
    expect(login.status).toBe(302);
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('backoffice.sid='))!
      .split(';')[0]!;
    const list = '/admin/api/resources/Tenant/actions/list';
    // Without the session: no access on either node.
    expect((await call(b, 'GET', list)).status).not.toBe(200);
    const onB = await call(b, 'GET', list, { headers: { Cookie: cookie } });
    expect(onB.status).toBe(200);
    expect(Array.isArray((onB.body as unknown as { records: unknown[] }).records)).toBe(true);
    // Logging out on B ends the session on A too.
    const logout = await call(b, 'POST', '/admin/logout', { headers: { Cookie: cookie, Origin: b.url } });
    expect(logout.status).toBe(302);
    expect((await call(a, 'GET', list, { headers: { Cookie: cookie } })).status).not.toBe(200);

    // API tokens issued by A are accepted by B.
    const u = await apiUser();
    expect((await call(b, 'GET', '/api/v1/accounts', { headers: u.auth })).status).toBe(200);
  });

  it('rate limits are shared: one client counted across both nodes', async () => {
    const ip = { 'X-Forwarded-For': '10.99.0.1' };
    const attempt = (node: ServerProcess) =>
      call(node, 'POST', '/api/v1/auth/token', {
        headers: ip,
        body: { email: 'nobody@example.test', password: 'wrong-password' },
      });
    // AUTH_RATE_LIMIT_PER_MINUTE=6: three on each node use the budget up; either node refuses the next.
    for (let i = 0; i < 6; i++) expect((await attempt(on(i))).status).toBe(401);
    expect((await attempt(a)).status).toBe(429);
    expect((await attempt(b)).status).toBe(429);
  });

  it('8 concurrent duplicate requests (one Idempotency-Key) over both nodes create one record', async () => {
    const u = await apiUser();
    const key = `dup-${randomBytes(6).toString('hex')}`;
    const body = { account_id: u.accountId, amount: '12.34', direction: 'DEBIT', description: 'duplicate drill' };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(on(i), 'POST', '/api/v1/transactions', { headers: { ...u.auth, 'Idempotency-Key': key }, body }),
      ),
    );
    // Each duplicate either replays the first response or hears 409 while the first is in flight.
    for (const r of results) expect([201, 409]).toContain(r.status);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await t.owner.prisma.transaction.count({ where: { tenantId: u.tenantId } })).toBe(1);
  });

  it('audit chains stay intact after concurrent writes through both nodes (audit:verify)', async () => {
    const users = await Promise.all([apiUser(), apiUser()]);
    const writes = Array.from({ length: 40 }, (_, i) => {
      const u = users[i % 2]!;
      return call(on(Math.floor(i / 2)), 'POST', '/api/v1/transactions', {
        headers: { ...u.auth, 'Idempotency-Key': `w-${i}-${randomBytes(4).toString('hex')}` },
        body: { account_id: u.accountId, amount: `${i + 1}.00`, direction: 'CREDIT', description: `write ${i}` },
      });
    });
    const results = await Promise.all(writes);
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    for (const u of users)
      expect(await t.owner.prisma.auditEvent.count({ where: { tenantId: u.tenantId, action: 'transaction.create' } })).toBe(20);

    const verify = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'audit:verify', '--json'], {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: t.db.appUrl,
          DATABASE_OWNER_URL: t.db.ownerUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.once('exit', (code) => resolve({ code, out }));
    });
    expect(verify.code, verify.out).toBe(0);
    const result = JSON.parse(verify.out.slice(verify.out.indexOf('{'))) as { status: string; chains: number };
    expect(result.status).toBe('intact');
    expect(result.chains).toBeGreaterThanOrEqual(2);
  });

  it('a job requested on one node is run by the worker and its result served by the other', async () => {
    const u = await apiUser();
    const started = await call(a, 'POST', '/api/v1/me/exports', {
      headers: { ...u.auth, 'Idempotency-Key': `exp-${randomBytes(4).toString('hex')}` },
      body: { format: 'json' },
    });
    expect(started.status).toBe(201);
    const id = String(started.body.id);
    expect(
      await waitFor(
        async () => (await call(b, 'GET', `/api/v1/me/exports/${id}`, { headers: u.auth })).body.status === 'COMPLETED',
        30_000,
      ),
      worker.output().slice(-2000),
    ).toBe(true);
    const download = await call(b, 'GET', `/api/v1/me/exports/${id}/download`, { headers: u.auth });
    expect(download.status).toBe(200);
  });
});

describe('nodes starting together', () => {
  it('apply each migration once: concurrent migrate() calls take turns', async () => {
    const { port, password } = inject('pg');
    const name = `backoffice_test_migrate_${randomBytes(4).toString('hex')}`;
    const admin = `postgresql://postgres:${password}@127.0.0.1:${port}`;
    await ensureDatabase(`${admin}/postgres`, name);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate(`${admin}/${name}`)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied.length).toBeGreaterThan(0);
      expect(new Set(applied).size).toBe(applied.length);
      expect(new Set(results.map((r) => r.version)).size).toBe(1);
    } finally {
      const c = new pg.Client({ connectionString: `${admin}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    }
  });
});
