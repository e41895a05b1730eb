import { waitFor } from './helpers/server.js';
import { tcpState } from './helpers/tcp.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type RegisteredUser } from '../../bench/lib/api-client.js';
import { spawnServer, type ServerProcess } from '../../bench/lib/server-process.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

const EXPORT_ROWS = 300_000;

/** Every file under a directory, recursively (relative names). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * SIGTERM under load on the real server (`node --import tsx src/main.ts`, workers on) while an
 * export of 300,000 rows runs: requests in flight complete, new connections are refused, the
 * export either completes (file and manifest with a matching SHA-256) or is released for a retry
 * with no file published and no job left active, and the process exits 0.
 */
describe('SIGTERM under load', () => {
  let t: TestContext;
  let server: ServerProcess | undefined;
  let owner: pg.Client;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestContext();
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    server = await spawnServer({ appUrl: t.db.appUrl, ownerUrl: t.db.ownerUrl, env: { RUN_WORKER: 'true' } });
    dir = server.cleanup;
    user = await apiClient(server.url).registerAndLogin();
  });

  let dir: (() => void) | undefined;

  afterAll(async () => {
    if (server) await server.stop('SIGKILL');
    dir?.();
    await owner?.end();
    await t?.close();
  });

  it('finishes in-flight requests and jobs, publishes no half-written export, exits 0', async () => {
    const api = apiClient(server!.url);
    const account = await api.createAccount(user.accessToken);
    const me = await api.call<{ tenant: { id: string } }>('GET', '/api/v1/me', { token: user.accessToken });
    const tenantId = me.body.tenant.id;
    // Enough rows that the export is still running when the signal comes.
    await owner.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1, $2, (g % 500) + 0.25, 'EUR', 'DEBIT', now() - (g || ' seconds')::interval, 'Bulk row ' || g
       FROM generate_series(1, $3::int) g`,
      [tenantId, account.id, EXPORT_ROWS],
    );

    // An engineer starts a CSV export of the tenant's transactions (queued to the server's worker).
    const f = factories(t.owner.prisma, t.services);
    const engineer = await f.staff('ENGINEER');
    const ctx = await f.staffCtx(engineer);
    const job = await t.services.exports.start(ctx, { resource: 'Transaction', format: 'CSV', tenantId, reason: 'SIGTERM test' });
    const running = await waitFor(
      async () => {
        const { rows } = await owner.query<{ status: string; rowsDone: string }>(
          'SELECT status, "rowsDone"::text FROM "ExportJob" WHERE id = $1',
          [job.id],
        );
        return rows[0]?.status === 'RUNNING';
      },
      20_000,
      50,
    );
    expect(running).toBe(true);

    // In-flight load: password logins (Argon2id, slow on purpose) and list reads.
    let signalledAt = 0;
    const inFlight = [
      ...Array.from({ length: 24 }, () =>
        api.call('POST', '/api/v1/auth/token', {
          body: { email: user.email, password: user.password },
          idempotencyKey: false,
          timeoutMs: 30_000,
        }),
      ),
      ...Array.from({ length: 16 }, () =>
        api.call('GET', '/api/v1/transactions?limit=100', { token: user.accessToken, timeoutMs: 30_000 }),
      ),
    ].map((p) =>
      p.then(
        (r) => ({ status: r.status, at: Date.now() }),
        // A reset connection shows as -1, so the assertion below names it.
        () => ({ status: -1, at: Date.now() }),
      ),
    );
    // Signal once every request has reached the process: its 40 connections are established and
    // none waits in the kernel's accept queue (a queued one is not in flight yet).
    const port = Number(new URL(server!.url).port);
    const arrived = await waitFor(
      async () => {
        const tcp = tcpState(port);
        return tcp.established >= inFlight.length && tcp.acceptQueue === 0;
      },
      10_000,
      5,
    );
    expect(arrived).toBe(true);
    signalledAt = Date.now();
    server!.child.kill('SIGTERM');

    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    // The test is only meaningful if some requests were still being served after the signal.
    expect(results.filter((r) => r.at > signalledAt).length).toBeGreaterThan(0);

    // New connections are refused once the server stopped listening (it accepts for 1 s after the
    // signal, for connections already queued: src/http/graceful.ts).
    await new Promise((r) => setTimeout(r, Math.max(0, signalledAt + 1_500 - Date.now())));
    await expect(fetch(`${server!.url}/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();

    const code = await Promise.race([server!.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code).toBe(0);
    expect(server!.logs()).toContain('shutting down');

    // The export: complete and verifiable, or released for a retry with nothing published.
    const exportDir = server!.env.EXPORT_DIR!;
    const files = filesUnder(exportDir);
    expect(files.filter((name) => name.endsWith('.part'))).toEqual([]);
    const { rows } = await owner.query<{ status: string; filePath: string | null; sha256: string | null; rowsDone: string }>(
      'SELECT status, "filePath", sha256, "rowsDone"::text FROM "ExportJob" WHERE id = $1',
      [job.id],
    );
    const after = rows[0]!;
    if (after.status === 'COMPLETED') {
      expect(after.filePath).toBeTruthy();
      const path = after.filePath!.startsWith('/') ? after.filePath! : join(exportDir, after.filePath!);
      const content = readFileSync(path);
      expect(createHash('sha256').update(content).digest('hex')).toBe(after.sha256);
      const manifest = JSON.parse(readFileSync(`${path}.manifest.json`, 'utf8')) as Record<string, unknown>;
      expect(JSON.stringify(manifest)).toContain(after.sha256!);
      // header + every row
      expect(content.toString('utf8').trimEnd().split('\n').length).toBe(EXPORT_ROWS + 1);
    } else {
      expect(['QUEUED', 'RUNNING']).toContain(after.status);
      expect(files.filter((name) => name.startsWith(job.id))).toEqual([]);
    }
    // No job is left marked active: it finished or was released to be retried.
    const active = await owner.query(`SELECT id FROM pgboss.job WHERE state = 'active'`);
    expect(active.rows).toEqual([]);
    server = undefined;
  });
});
