import { isErrorShape, startLiveServer, waitFor, type LiveServer } from './helpers/server.js';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient, type RegisteredUser } from '../../bench/lib/api-client.js';
import { startBenchPostgres, type BenchPostgres } from '../../bench/lib/postgres.js';
import { createLogger } from '../../src/lib/logger.js';

/**
 * Every pg pool of this process (the runtime's and the one inside Prisma's adapter), so the test
 * can check that no connection is left checked out after the restart: a leaked connection is a
 * pool slot lost for good and a graceful shutdown that never ends.
 */
const pools = new Set<pg.Pool>();
const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown;
pg.Pool.prototype.connect = function (this: pg.Pool, ...args: unknown[]) {
  pools.add(this);
  return connect.apply(this, args);
} as typeof pg.Pool.prototype.connect;

interface Observation {
  phase: 'before' | 'down' | 'after';
  what: string;
  status: number;
  errorShape: boolean;
  code?: string;
  ms: number;
}

/**
 * PostgreSQL restarted under load, on a dedicated embedded PostgreSQL this test owns (so it can
 * stop and start it): while it is down, requests fail fast with 503 SERVICE_UNAVAILABLE in the
 * error shape (never a 500, never a hang) and /health/ready says why; when it is back, the same
 * process serves again — no restart of the app.
 */
describe('PostgreSQL restart under load', () => {
  let db: BenchPostgres;
  let live: LiveServer;
  let user: RegisteredUser;
  let account: { id: string; currency: string };
  const unhandled: unknown[] = [];
  const errorLines: string[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    db = await startBenchPostgres({ flags: ['-c', 'fsync=off'] });
    // Errors are kept: when a request answers 500, the test prints why.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        errorLines.push(chunk.toString());
        done();
      },
    });
    live = await startLiveServer({ appUrl: db.appUrl, ownerUrl: db.ownerUrl(), logger: createLogger('error', sink) });
    const api = apiClient(live.url);
    user = await api.registerAndLogin();
    account = await api.createAccount(user.accessToken);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    pg.Pool.prototype.connect = connect as typeof pg.Pool.prototype.connect;
    // Bounded: if a connection leaked, the test has already failed; do not hang the suite on it.
    if (live) await Promise.race([live.close(), new Promise((r) => setTimeout(r, 15_000))]);
    await db?.destroy();
  });

  it('answers 503 in the error shape while the database is down and recovers on its own', async () => {
    const api = apiClient(live.url);
    const observations: Observation[] = [];
    let phase: Observation['phase'] = 'before';
    let running = true;

    const observe = async (what: string, fn: () => Promise<{ status: number; body: unknown }>) => {
      const started = Date.now();
      const res = await fn();
      observations.push({
        phase,
        what,
        status: res.status,
        errorShape: isErrorShape(res.body),
        code: (res.body as { error?: { code?: string } } | null)?.error?.code,
        ms: Date.now() - started,
      });
    };

    // Four clients in a loop: reads, audited idempotent writes and readiness.
    let n = 0;
    const client = async (kind: number) => {
      while (running) {
        n++;
        if (kind === 0)
          await observe('GET /api/v1/transactions', () =>
            api.call('GET', '/api/v1/transactions?limit=20', { token: user.accessToken }),
          );
        else if (kind === 1)
          await observe('GET /api/v1/accounts/{id}', () =>
            api.call('GET', `/api/v1/accounts/${account.id}`, { token: user.accessToken }),
          );
        else if (kind === 2)
          await observe('POST /api/v1/transactions', () =>
            api.call('POST', '/api/v1/transactions', {
              token: user.accessToken,
              body: {
                account_id: account.id,
                amount: '3.10',
                currency: account.currency,
                direction: 'DEBIT',
                description: 'Load',
              },
            }),
          );
        else await observe('GET /health/ready', () => api.call('GET', '/health/ready'));
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const clients = [0, 1, 2, 3].map(client);

    await new Promise((r) => setTimeout(r, 1_500));
    phase = 'down';
    await db.stop();
    await new Promise((r) => setTimeout(r, 3_000));
    const liveness = await fetch(`${live.url}/health`);
    expect(liveness.status).toBe(200);
    phase = 'after';
    await db.start();
    // Recovery without restarting the app: the pools reconnect on their own.
    const recovered = await waitFor(
      async () => (await api.call('GET', '/api/v1/transactions?limit=20', { token: user.accessToken })).status === 200,
      20_000,
    );
    expect(recovered).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    running = false;
    await Promise.all(clients);

    const before = observations.filter((o) => o.phase === 'before');
    const down = observations.filter((o) => o.phase === 'down');
    const after = observations.filter((o) => o.phase === 'after');
    expect(n).toBeGreaterThan(20);
    // Before: everything succeeds.
    expect(before.length).toBeGreaterThan(8);
    expect(before.every((o) => o.status === 200 || o.status === 201)).toBe(true);
    // Down: 503 SERVICE_UNAVAILABLE in the error shape — for the API and for readiness.
    const failed = down.filter((o) => o.status >= 400);
    if (observations.some((o) => o.status === 500)) console.log(errorLines.join('\n').slice(0, 6000));
    expect(failed.length).toBeGreaterThan(4);
    for (const o of failed) {
      expect({ what: o.what, status: o.status }).toEqual({ what: o.what, status: 503 });
      expect(o.errorShape).toBe(true);
      expect(o.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(failed.some((o) => o.what.startsWith('POST'))).toBe(true);
    expect(failed.some((o) => o.what === 'GET /health/ready')).toBe(true);
    // Failing fast, not hanging on a dead connection.
    expect(Math.max(...failed.map((o) => o.ms))).toBeLessThan(8_000);
    // Never a 500 at any point.
    expect(observations.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    // After: the tail of the run is all successes again.
    const tail = after.slice(-8);
    expect(tail.length).toBe(8);
    expect(tail.every((o) => o.status === 200 || o.status === 201)).toBe(true);
    // A write after recovery is really stored.
    const tx = await api.createTransaction(user.accessToken, account, { amount: '7.77' });
    const list = await api.call<{ data: Array<{ id: string }> }>('GET', '/api/v1/transactions?limit=100', {
      token: user.accessToken,
    });
    expect(list.body.data.some((t) => t.id === tx.id)).toBe(true);
    expect(unhandled).toEqual([]);
    // No connection was lost on the way: every pool has all its clients back, and closing the
    // runtime (what graceful shutdown does) completes.
    expect(pools.size).toBeGreaterThanOrEqual(2);
    // (A read's COMMIT is not waited for: its connection comes back once that is answered.)
    for (const pool of pools)
      await vi.waitFor(() => expect({ checkedOut: pool.totalCount - pool.idleCount }).toEqual({ checkedOut: 0 }), {
        timeout: 5_000,
      });
    const closed = await Promise.race([
      live.close().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
    ]);
    expect(closed).toBe(true);
    live = undefined as unknown as LiveServer;
  });
});
