import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from './helpers/harness.js';
import { tenantIsolation } from '../../src/services.js';

describe('Idempotency-Key semantics beyond the per-operation matrix', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  let accountId: string;
  beforeAll(async () => {
    // A small pool: concurrent creations must not starve it (no connection is held while waiting).
    h = await startApi({ DATABASE_POOL_SIZE: '4' });
    u = await signUp(h, 'idem');
    accountId = checked(
      await h
        .http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ name: 'Main', type: 'BANK', currency: 'EUR' }),
    ).body.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = (key: string, body: object) =>
    h.http().post('/api/v1/transactions').set(u.auth).set('Idempotency-Key', key).send(body).then(checked);
  const txCount = () => h.t.owner.prisma.transaction.count({ where: { tenantId: u.tenantId } });

  it('a rejected request stores nothing: the same key may be used again once the body is fixed', async () => {
    const key = newKey();
    const bad = await create(key, { account_id: accountId, amount: '1.001', direction: 'DEBIT' });
    expect(bad.status).toBe(400);
    const badInService = await create(key, { account_id: accountId, amount: '1.00', currency: 'USD', direction: 'DEBIT' });
    expect(badInService.status).toBe(400);
    expect(await h.t.owner.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
    const ok = await create(key, { account_id: accountId, amount: '1.00', direction: 'DEBIT' });
    expect(ok.status).toBe(201);
    const row = await h.t.owner.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(row).toMatchObject({
      status: 'COMPLETED',
      responseStatus: 201,
      method: 'POST',
      path: '/api/v1/transactions',
      userId: u.userId,
      tenantId: u.tenantId,
    });
    expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the fingerprint ignores key order but not values; keys are per user', async () => {
    const key = newKey();
    expect((await create(key, { account_id: accountId, amount: '2.00', direction: 'DEBIT' })).status).toBe(201);
    const reordered = await create(key, { direction: 'DEBIT', amount: '2.00', account_id: accountId });
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect((await create(key, { account_id: accountId, amount: '2.01', direction: 'DEBIT' })).status).toBe(409);
    const other = await signUp(h, 'idem-other');
    const otherAccount = checked(
      await h
        .http()
        .post('/api/v1/accounts')
        .set(other.auth)
        .set('Idempotency-Key', key)
        .send({ name: 'Theirs', type: 'CASH', currency: 'EUR' }),
    );
    expect(otherAccount.status).toBe(201);
  });

  it('a replay on another endpoint with the same key is a conflict', async () => {
    const key = newKey();
    expect((await create(key, { account_id: accountId, amount: '3.00', direction: 'DEBIT' })).status).toBe(201);
    const res = checked(
      await h.http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', key).send({ name: 'Same key' }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Idempotency-Key/);
  });

  it('many concurrent distinct creations and duplicates complete with a pool of 4 connections', async () => {
    const before = await txCount();
    const keys = Array.from({ length: 10 }, () => newKey());
    const requests = keys.flatMap((key, i) =>
      Array.from({ length: 3 }, () => create(key, { account_id: accountId, amount: `${i + 1}.00`, direction: 'CREDIT' })),
    );
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(await txCount()).toBe(before + 10);
    for (let i = 0; i < 10; i++) {
      const group = results.slice(i * 3, i * 3 + 3);
      expect(new Set(group.map((r) => r.body.id)).size).toBe(1);
    }
  }, 60_000);

  it('a crash after the commit leaves the key completed with the record: the retry replays it (no "stuck" key)', async () => {
    const key = newKey();
    const body = { account_id: accountId, amount: '4.00', direction: 'DEBIT' };
    const { transactionJson } = await import('../../src/http/api/serializers.js');
    const { buildUserContext } = await import('../../src/modules/access/context.factory.js');
    const ctx = buildUserContext({ id: u.userId, tenantId: u.tenantId, role: 'OWNER', locale: 'en' });
    const owner = { tenantId: u.tenantId, userId: u.userId };
    const request = { key, method: 'POST', path: '/api/v1/transactions', body };
    const before = await txCount();
    // The write and its key are one transaction: a failure after the insert (a crash) rolls back both.
    await expect(
      h.t.services.idempotency.execute(
        ctx,
        owner,
        request,
        (write) =>
          h.t.services.transactions.create(ctx, { accountId, amount: '4.00', direction: 'DEBIT' }, write).then(() => {
            throw new Error('crash after the commit, before the response reaches the client');
          }),
        (created) => ({ status: 201, body: transactionJson(created) }),
      ),
    ).rejects.toThrow('crash');
    expect(await txCount()).toBe(before + 1);
    const stored = await h.t.owner.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(stored.status).toBe('COMPLETED');
    const retry = await create(key, body);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await txCount()).toBe(before + 1);
  });

  it('the key completes in the write transaction: a failure after the response is computed rolls back the record too', async () => {
    const key = newKey();
    const { buildUserContext } = await import('../../src/modules/access/context.factory.js');
    const ctx = buildUserContext({ id: u.userId, tenantId: u.tenantId, role: 'OWNER', locale: 'en' });
    const before = await txCount();
    await expect(
      h.t.services.idempotency.execute(
        ctx,
        { tenantId: u.tenantId, userId: u.userId },
        { key, method: 'POST', path: '/api/v1/transactions', body: { n: 1 } },
        (write) => h.t.services.transactions.create(ctx, { accountId, amount: '4.00', direction: 'DEBIT' }, write),
        () => {
          throw new Error('respond fails inside the transaction');
        },
      ),
    ).rejects.toThrow('respond fails');
    expect(await txCount()).toBe(before);
    expect(await h.t.owner.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
  });

  it('a failure to store the response rolls the write back: the record never commits without its completed key', async () => {
    const { createIdempotencyService, serialise } = await import('../../src/modules/idempotency/idempotency.service.js');
    const { idempotencyRepository } = await import('../../src/modules/idempotency/idempotency.repository.js');
    const { createDatabase } = await import('../../src/db/session.js');
    const { buildUserContext } = await import('../../src/modules/access/context.factory.js');
    const ctx = buildUserContext({ id: u.userId, tenantId: u.tenantId, role: 'OWNER', locale: 'en' });
    // The process "dies" exactly where the old design completed the key: after the record is written.
    const failing = createIdempotencyService({
      db: createDatabase(h.t.runtime.prisma, undefined, undefined, tenantIsolation(h.t.config)),
      keys: {
        ...idempotencyRepository,
        complete: () => Promise.reject(new Error('crash while completing the key')),
      },
    });
    const key = newKey();
    const before = await txCount();
    await expect(
      failing.execute(
        ctx,
        { tenantId: u.tenantId, userId: u.userId },
        { key, method: 'POST', path: '/api/v1/transactions', body: { n: 2 } },
        (write) => h.t.services.transactions.create(ctx, { accountId, amount: '4.00', direction: 'DEBIT' }, write),
        (created) => serialise(201, { id: created.id }),
      ),
    ).rejects.toThrow('crash while completing');
    expect(await txCount()).toBe(before);
    expect(await h.t.owner.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
  });

  it('the database refusing the key completion fails the write: nothing commits, the retry creates it once', async () => {
    // The completion is not waited for (it goes out with the COMMIT): its failure must still fail
    // the COMMIT, never be answered as a success for a transaction the server rolled back.
    const key = newKey();
    const body = { account_id: accountId, amount: '5.00', direction: 'DEBIT' };
    const owner = h.t.owner.prisma;
    await owner.$executeRawUnsafe(`CREATE FUNCTION idem_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."key" = '${key}' THEN RAISE EXCEPTION 'completion refused'; END IF; RETURN NEW; END $$`);
    await owner.$executeRawUnsafe(
      `CREATE TRIGGER idem_refuse BEFORE UPDATE ON "IdempotencyKey" FOR EACH ROW EXECUTE FUNCTION idem_refuse()`,
    );
    const before = await txCount();
    try {
      const refused = await h.http().post('/api/v1/transactions').set(u.auth).set('Idempotency-Key', key).send(body);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(await txCount()).toBe(before);
      expect(await owner.idempotencyKey.count({ where: { key } })).toBe(0);
    } finally {
      await owner.$executeRawUnsafe(`DROP TRIGGER idem_refuse ON "IdempotencyKey"`);
      await owner.$executeRawUnsafe(`DROP FUNCTION idem_refuse()`);
    }
    const retry = await create(key, body);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await txCount()).toBe(before + 1);
  });

  it('a duplicate waits for the holder of its key at most waitMs, then hears 409 IN_PROGRESS', async () => {
    const { createIdempotencyService } = await import('../../src/modules/idempotency/idempotency.service.js');
    const { idempotencyRepository } = await import('../../src/modules/idempotency/idempotency.repository.js');
    const { buildUserContext } = await import('../../src/modules/access/context.factory.js');
    const ctx = buildUserContext({ id: u.userId, tenantId: u.tenantId, role: 'OWNER', locale: 'en' });
    const waitMs = 200;
    const idem = createIdempotencyService({ db: h.t.services.exportRunner.db, keys: idempotencyRepository }, { waitMs });
    const owner = { tenantId: u.tenantId, userId: u.userId };
    const request = { key: newKey(), method: 'POST', path: '/api/v1/transactions', body: { n: 3 } };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claimed!: () => void;
    const holding = new Promise<void>((r) => (claimed = r));
    // The first request claims the key and keeps its transaction open until released.
    const first = idem.execute(
      ctx,
      owner,
      request,
      (write) =>
        write.unitOfWork!(async () => {
          claimed();
          await held;
          return { id: 'first' };
        }),
      (r) => ({ status: 201, body: r }),
    );
    await holding;
    const started = Date.now();
    // A cap, not a synchronisation: without the claim's lock_timeout the duplicate would wait
    // for the holder, which is only released after this.
    const cap = new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 10_000).unref());
    const second = await Promise.race([
      idem
        .execute(
          ctx,
          owner,
          request,
          () => Promise.resolve({ id: 'second' }),
          (r) => ({ status: 201, body: r }),
        )
        .then(
          () => 'answered',
          (err: unknown) => err,
        ),
      cap,
    ]);
    release();
    expect(second).toMatchObject({ code: 'IDEMPOTENCY.IN_PROGRESS' });
    // Three attempts, each waiting out the lock timeout on the held key.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * waitMs - 50);
    expect((await first).text).toBe('{"id":"first"}');
  });

  it('a replay is byte-identical to the first response', async () => {
    const key = newKey();
    const body = { account_id: accountId, amount: '6.10', direction: 'DEBIT', description: 'bytes' };
    const raw = (r: { text: string }) => r.text;
    const first = checked(await h.http().post('/api/v1/transactions').set(u.auth).set('Idempotency-Key', key).send(body));
    const second = checked(await h.http().post('/api/v1/transactions').set(u.auth).set('Idempotency-Key', key).send(body));
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(raw(second)).toBe(raw(first));
    const stored = await h.t.owner.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(stored.responseText).toBe(raw(first));
  });

  it('after the replay window a used key is refused (409 KEY_EXPIRED), never reused for a second record', async () => {
    const key = newKey();
    const body = { account_id: accountId, amount: '5.00', direction: 'DEBIT' };
    const first = await create(key, body);
    expect(first.status).toBe(201);
    await h.t.owner.prisma.idempotencyKey.updateMany({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { buildSystemContext } = await import('../../src/modules/access/context.factory.js');
    await h.t.services.idempotency.purgeExpired(buildSystemContext('test', 'all'));
    const stored = await h.t.owner.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(stored.responseText).toBeNull();
    const before = await txCount();
    const second = await create(key, body);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/replay window/);
    expect(await txCount()).toBe(before);
    // Past the retention the key is forgotten and may be used again.
    await h.t.owner.prisma.idempotencyKey.updateMany({ where: { key }, data: { retainUntil: new Date(Date.now() - 1000) } });
    expect(await h.t.services.idempotency.purgeExpired(buildSystemContext('test', 'all'))).toBeGreaterThanOrEqual(1);
    expect(await h.t.owner.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
    const third = await create(key, body);
    expect(third.status).toBe(201);
  });

  it('a duplicate that loses the race on a pre-check (email taken) still replays the winner', async () => {
    const { conflict } = await import('../../src/lib/errors.js');
    const owner = { tenantId: u.tenantId, userId: u.userId };
    const request = { key: newKey('race'), method: 'POST', path: '/api/v1/auth/register', body: { email: 'race@example.test' } };
    const { fingerprintOf, serialise } = await import('../../src/modules/idempotency/idempotency.service.js');
    const { buildAnonymousContext } = await import('../../src/modules/access/context.factory.js');
    const result = await h.t.services.idempotency.execute(
      buildAnonymousContext(),
      owner,
      request,
      async () => {
        // Meanwhile the winner commits its record and its stored response...
        await h.t.owner.prisma.idempotencyKey.create({
          data: {
            ...owner,
            key: request.key,
            method: 'POST',
            path: request.path,
            fingerprint: fingerprintOf(request),
            status: 'COMPLETED',
            responseStatus: 201,
            responseText: '{"id":"winner"}',
            expiresAt: new Date(Date.now() + 60_000),
            retainUntil: new Date(Date.now() + 120_000),
          },
        });
        // ...so this request's own pre-check now sees the winner's write.
        throw conflict('USER.EMAIL_TAKEN');
      },
      (x) => serialise(201, x),
    );
    expect(result).toEqual({ status: 201, text: '{"id":"winner"}', replayed: true });
  });

  it('refuses malformed keys', async () => {
    for (const key of ['', 'x'.repeat(256), 'has space', 'tab\tkey']) {
      const res = checked(await h.http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', key).send({ name: 'k' }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    expect(await h.t.owner.prisma.category.count({ where: { tenantId: u.tenantId, name: 'k' } })).toBe(0);
  });
});
