import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from './helpers/harness.js';

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
  const txCount = () => h.t.runtime.prisma.transaction.count({ where: { tenantId: u.tenantId } });

  it('a rejected request stores nothing: the same key may be used again once the body is fixed', async () => {
    const key = newKey();
    const bad = await create(key, { account_id: accountId, amount: '1.001', direction: 'DEBIT' });
    expect(bad.status).toBe(400);
    const badInService = await create(key, { account_id: accountId, amount: '1.00', currency: 'USD', direction: 'DEBIT' });
    expect(badInService.status).toBe(400);
    expect(await h.t.runtime.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
    const ok = await create(key, { account_id: accountId, amount: '1.00', direction: 'DEBIT' });
    expect(ok.status).toBe(201);
    const row = await h.t.runtime.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
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

  it('a key stuck IN_PROGRESS (a crashed request) answers 409 rather than running again', async () => {
    const key = newKey();
    await h.t.runtime.prisma.idempotencyKey.create({
      data: {
        tenantId: u.tenantId,
        userId: u.userId,
        key,
        method: 'POST',
        path: '/api/v1/transactions',
        fingerprint: (await import('../../src/modules/idempotency/idempotency.service.js')).fingerprintOf({
          method: 'POST',
          path: '/api/v1/transactions',
          body: { account_id: accountId, amount: '4.00', direction: 'DEBIT' },
        }),
        createdAt: new Date(Date.now() - 60_000),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const before = await txCount();
    const res = await create(key, { account_id: accountId, amount: '4.00', direction: 'DEBIT' });
    expect(res.status).toBe(409);
    expect(await txCount()).toBe(before);
  });

  it('an expired key is forgotten: the request runs again; purgeExpired removes old keys', async () => {
    const key = newKey();
    const body = { account_id: accountId, amount: '5.00', direction: 'DEBIT' };
    const first = await create(key, body);
    await h.t.runtime.prisma.idempotencyKey.updateMany({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const second = await create(key, body);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    await h.t.runtime.prisma.idempotencyKey.updateMany({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await h.t.services.idempotency.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await h.t.runtime.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
  });

  it('a duplicate that loses the race on a pre-check (email taken) still replays the winner', async () => {
    const { conflict } = await import('../../src/lib/errors.js');
    const owner = { tenantId: u.tenantId, userId: u.userId };
    const request = { key: newKey('race'), method: 'POST', path: '/api/v1/auth/register', body: { email: 'race@example.test' } };
    const { fingerprintOf } = await import('../../src/modules/idempotency/idempotency.service.js');
    const result = await h.t.services.idempotency.execute(owner, request, async () => {
      // Meanwhile the winner commits its record and its stored response...
      await h.t.runtime.prisma.idempotencyKey.create({
        data: {
          ...owner,
          key: request.key,
          method: 'POST',
          path: request.path,
          fingerprint: fingerprintOf(request),
          status: 'COMPLETED',
          responseStatus: 201,
          responseBody: { id: 'winner' },
          expiresAt: new Date(Date.now() + 60_000),
        },
      });
      // ...so this request's own pre-check now sees the winner's write.
      throw conflict('USER.EMAIL_TAKEN');
    });
    expect(result).toEqual({ status: 201, body: { id: 'winner' }, replayed: true });
  });

  it('refuses malformed keys', async () => {
    for (const key of ['', 'x'.repeat(256), 'has space', 'tab\tkey']) {
      const res = checked(await h.http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', key).send({ name: 'k' }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    expect(await h.t.runtime.prisma.category.count({ where: { tenantId: u.tenantId, name: 'k' } })).toBe(0);
  });
});
