import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type RegisteredUser } from '../../bench/lib/api-client.js';
import { spawnServer, type ServerProcess } from '../../bench/lib/server-process.js';
import { createAuditKeys, generateSigningKey } from '../../src/modules/audit/audit.signing.js';
import { verifyChains } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';

const REQUESTS = 80;

/**
 * Fault injection on the real server (`node --import tsx src/main.ts`): SIGKILL with dozens of
 * creating requests in flight, then a restart and a retry of every request with its own key. The
 * idempotency key completes in the write's transaction, so nothing can be "stuck": every retry
 * either replays (the write had committed) or runs once (it had not). Nothing is duplicated, every
 * acknowledged row is there once, the audit chains verify — and after the replay window a used
 * key is refused rather than creating the record again.
 */
describe('SIGKILL with creating requests in flight', () => {
  let t: TestContext;
  let owner: pg.Client;
  let server: ServerProcess | undefined;
  const secrets = {
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    AUDIT_SIGNING_KEY: generateSigningKey().privateKey,
  };
  const start = () => spawnServer({ appUrl: t.db.appUrl, ownerUrl: t.db.ownerUrl, env: { ...secrets, RUN_WORKER: 'false' } });

  beforeAll(async () => {
    t = await createTestContext();
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
  });

  afterAll(async () => {
    if (server) await server.stop('SIGKILL');
    server?.cleanup();
    await owner?.end();
    await t?.close();
  });

  it('leaves no key stuck, no duplicate, every acknowledged row once, the chains intact — also past the replay window', async () => {
    server = await start();
    const api = apiClient(server.url);
    const user: RegisteredUser = await api.registerAndLogin();
    const account = await api.createAccount(user.accessToken);
    const run = `crash-${randomBytes(4).toString('hex')}`;
    const requests = Array.from({ length: REQUESTS }, (_, i) => ({
      key: `${run}-${i}`,
      body: { account_id: account.id, amount: `${i + 1}.00`, direction: 'DEBIT', description: `${run} #${i}` },
    }));
    const send = (r: (typeof requests)[number]) =>
      api.call<{ id: string }>('POST', '/api/v1/transactions', { token: user.accessToken, body: r.body, idempotencyKey: r.key });

    // All at once; the process dies as soon as a few have been answered, with the rest in flight.
    const acknowledged = new Map<string, string>();
    let answered = 0;
    let killing: Promise<unknown> | undefined;
    const first = server;
    const outcomes = await Promise.allSettled(
      requests.map(async (r) => {
        const res = await send(r);
        if (res.status === 201) acknowledged.set(r.key, res.body.id);
        answered += 1;
        if (answered === 8) killing ??= first.stop('SIGKILL');
        return res.status;
      }),
    );
    await (killing ?? first.stop('SIGKILL'));
    first.cleanup();
    const lost = outcomes.filter((o) => o.status === 'rejected').length;
    // At least 40 requests were still in flight when the process died (their connections reset).
    expect(lost, `${acknowledged.size} answered before the kill`).toBeGreaterThanOrEqual(40);

    // Restart and retry every request with its own key and body.
    server = await start();
    const retried = apiClient(server.url);
    const retry = (r: (typeof requests)[number]) =>
      retried.call<{ id: string }>('POST', '/api/v1/transactions', {
        token: user.accessToken,
        body: r.body,
        idempotencyKey: r.key,
      });
    const second = await Promise.all(requests.map(retry));
    expect(second.map((r) => r.status)).toEqual(requests.map(() => 201));
    for (const [i, r] of requests.entries()) {
      const ack = acknowledged.get(r.key);
      if (ack) {
        expect(second[i]!.body.id).toBe(ack);
        expect(second[i]!.headers.get('idempotent-replayed')).toBe('true');
      }
    }

    const rows = await owner.query<{ description: string; n: string }>(
      `SELECT "description", count(*)::text AS n FROM "Transaction" WHERE "description" LIKE $1 GROUP BY 1`,
      [`${run} #%`],
    );
    expect(rows.rows).toHaveLength(REQUESTS);
    expect(rows.rows.every((r) => r.n === '1')).toBe(true);
    const ids = new Set(second.map((r) => r.body.id));
    for (const id of acknowledged.values()) expect(ids.has(id)).toBe(true);
    const stuck = await owner.query(
      `SELECT count(*)::int AS n FROM "IdempotencyKey" WHERE "key" LIKE $1 AND "status" <> 'COMPLETED'`,
      [`${run}-%`],
    );
    expect(stuck.rows[0].n).toBe(0);

    // Past the replay window: a used key is refused, never a second record.
    await owner.query(`UPDATE "IdempotencyKey" SET "expiresAt" = now() - interval '1 second' WHERE "key" LIKE $1`, [`${run}-%`]);
    const late = await Promise.all(requests.slice(0, 10).map(retry));
    expect(late.map((r) => r.status)).toEqual(late.map(() => 409));
    const after = await owner.query(`SELECT count(*)::int AS n FROM "Transaction" WHERE "description" LIKE $1`, [`${run} #%`]);
    expect(after.rows[0].n).toBe(REQUESTS);

    const verified = await verifyChains(t.owner.pool, {
      keys: createAuditKeys({ signingKey: secrets.AUDIT_SIGNING_KEY }),
      checkpointEvery: 100,
    });
    expect(verified.status, JSON.stringify(verified.breaks)).toBe('intact');
  }, 180_000);
});
