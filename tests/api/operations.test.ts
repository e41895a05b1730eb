import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness, type SignedInUser } from './helpers/harness.js';

/**
 * The acceptance matrix: every operation with success, validation failure, no token, another
 * tenant's id (404), and for creating POSTs an idempotent replay, a conflicting replay (409) and
 * concurrent replays (one record). Every response is checked against the OpenAPI document.
 */
interface World {
  a: SignedInUser;
  b: SignedInUser;
  aAccount: string;
  bAccount: string;
  aTx: string;
  bTx: string;
  aCategory: string;
  bCategory: string;
}

interface CreatingOp {
  name: string;
  path: (w: World) => string;
  auth: boolean;
  body: (w: World) => Record<string, unknown>;
  /** A second, different valid body (for the conflicting replay). */
  otherBody: (w: World) => Record<string, unknown>;
  invalidBody: (w: World) => Record<string, unknown>;
  invalidField: string;
  /** Rows of the created kind visible to the count. */
  count: (h: ApiHarness, w: World) => Promise<number>;
  /** Another tenant's id in the path or body: 404. */
  otherTenant?: (w: World) => { path: string; body: Record<string, unknown> };
}

const CREATING: CreatingOp[] = [
  {
    name: 'POST /api/v1/auth/register',
    path: () => '/api/v1/auth/register',
    auth: false,
    body: () => ({
      email: `reg-${newKey()}@example.test`,
      password: STRONG_PASSWORD,
      name: 'New Owner',
      tenant_name: 'New household',
    }),
    otherBody: () => ({
      email: `reg-${newKey()}@example.test`,
      password: STRONG_PASSWORD,
      name: 'Other Owner',
      tenant_name: 'Other household',
    }),
    invalidBody: () => ({ email: 'nope', password: STRONG_PASSWORD, name: 'X', tenant_name: 'Y' }),
    invalidField: 'email',
    count: (h) => h.t.owner.prisma.tenant.count(),
  },
  {
    name: 'POST /api/v1/accounts',
    path: () => '/api/v1/accounts',
    auth: true,
    body: () => ({ name: `Savings ${newKey()}`, type: 'INVESTMENT', currency: 'EUR' }),
    otherBody: () => ({ name: 'Cash box', type: 'CASH', currency: 'USD' }),
    invalidBody: () => ({ name: 'Bad', type: 'BANK', currency: 'XXX' }),
    invalidField: 'currency',
    count: (h, w) => h.t.owner.prisma.account.count({ where: { tenantId: w.a.tenantId } }),
  },
  {
    name: 'POST /api/v1/transactions',
    path: () => '/api/v1/transactions',
    auth: true,
    body: (w) => ({
      account_id: w.aAccount,
      category_id: w.aCategory,
      amount: '19.99',
      direction: 'DEBIT',
      description: 'Books',
    }),
    otherBody: (w) => ({ account_id: w.aAccount, amount: '5.00', direction: 'CREDIT' }),
    invalidBody: (w) => ({ account_id: w.aAccount, amount: '1.999', direction: 'DEBIT' }),
    invalidField: 'amount',
    count: (h, w) => h.t.owner.prisma.transaction.count({ where: { tenantId: w.a.tenantId } }),
    otherTenant: (w) => ({ path: '/api/v1/transactions', body: { account_id: w.bAccount, amount: '1.00', direction: 'DEBIT' } }),
  },
  {
    name: 'POST /api/v1/transactions/{id}/adjustments',
    path: (w) => `/api/v1/transactions/${w.aTx}/adjustments`,
    auth: true,
    body: () => ({ amount: '2.50', direction: 'CREDIT', reason: 'Partial refund from the shop' }),
    otherBody: () => ({ amount: '3.50', direction: 'CREDIT', reason: 'A different correction' }),
    invalidBody: () => ({ amount: '2.50', direction: 'SIDEWAYS', reason: 'x' }),
    invalidField: 'direction',
    count: (h, w) => h.t.owner.prisma.transaction.count({ where: { tenantId: w.a.tenantId, kind: 'ADJUSTMENT' } }),
    otherTenant: (w) => ({
      path: `/api/v1/transactions/${w.bTx}/adjustments`,
      body: { amount: '1.00', direction: 'CREDIT', reason: 'Not mine to fix' },
    }),
  },
  {
    name: 'POST /api/v1/categories',
    path: () => '/api/v1/categories',
    auth: true,
    body: () => ({ name: `Pets ${newKey()}`, kind: 'EXPENSE' }),
    otherBody: () => ({ name: `Gifts ${newKey()}`, kind: 'EXPENSE' }),
    invalidBody: () => ({ name: '', kind: 'EXPENSE' }),
    invalidField: 'name',
    count: (h, w) => h.t.owner.prisma.category.count({ where: { tenantId: w.a.tenantId } }),
  },
  {
    name: 'POST /api/v1/budgets',
    path: () => '/api/v1/budgets',
    auth: true,
    body: (w) => ({
      category_id: w.aCategory,
      name: `Food ${newKey()}`,
      amount: '300.00',
      currency: 'EUR',
      period: 'MONTHLY',
      starts_on: '2025-01-01',
    }),
    otherBody: (w) => ({
      category_id: w.aCategory,
      name: 'Food weekly',
      amount: '80.00',
      currency: 'EUR',
      period: 'WEEKLY',
      starts_on: '2025-01-06',
    }),
    invalidBody: (w) => ({ category_id: w.aCategory, name: 'Bad', amount: '-3', currency: 'EUR', starts_on: '2025-01-01' }),
    invalidField: 'amount',
    count: (h, w) => h.t.owner.prisma.budget.count({ where: { tenantId: w.a.tenantId } }),
    otherTenant: (w) => ({
      path: '/api/v1/budgets',
      body: { category_id: w.bCategory, name: 'Theirs', amount: '10.00', currency: 'EUR', starts_on: '2025-01-01' },
    }),
  },
];

interface ReadingOp {
  name: string;
  path: (w: World) => string;
  invalidQuery?: string;
  otherTenantPath?: (w: World) => string;
}

const READING: ReadingOp[] = [
  { name: 'GET /api/v1/me', path: () => '/api/v1/me' },
  { name: 'GET /api/v1/accounts', path: () => '/api/v1/accounts', invalidQuery: '?limit=0' },
  {
    name: 'GET /api/v1/accounts/{id}',
    path: (w) => `/api/v1/accounts/${w.aAccount}`,
    otherTenantPath: (w) => `/api/v1/accounts/${w.bAccount}`,
  },
  { name: 'GET /api/v1/transactions', path: () => '/api/v1/transactions', invalidQuery: '?limit=101' },
  { name: 'GET /api/v1/categories', path: () => '/api/v1/categories', invalidQuery: '?cursor=%%%' },
  { name: 'GET /api/v1/budgets', path: () => '/api/v1/budgets', invalidQuery: '?limit=abc' },
];

describe('every operation: success, validation, 401, other tenant, idempotency', () => {
  let h: ApiHarness;
  let w: World;

  beforeAll(async () => {
    h = await startApi();
    const a = await signUp(h, 'alpha');
    const b = await signUp(h, 'beta');
    const account = async (u: SignedInUser) =>
      checked(
        await h
          .http()
          .post('/api/v1/accounts')
          .set(u.auth)
          .set('Idempotency-Key', newKey())
          .send({ name: 'Main', type: 'BANK', currency: 'EUR' }),
      ).body.id as string;
    const aAccount = await account(a);
    const bAccount = await account(b);
    const category = async (u: SignedInUser) =>
      (await h.t.owner.prisma.category.findFirstOrThrow({ where: { tenantId: u.tenantId, name: 'Groceries' } })).id;
    const tx = async (u: SignedInUser, acc: string) =>
      checked(
        await h
          .http()
          .post('/api/v1/transactions')
          .set(u.auth)
          .set('Idempotency-Key', newKey())
          .send({ account_id: acc, amount: '42.00', direction: 'DEBIT' }),
      ).body.id as string;
    w = {
      a,
      b,
      aAccount,
      bAccount,
      aTx: await tx(a, aAccount),
      bTx: await tx(b, bAccount),
      aCategory: await category(a),
      bCategory: await category(b),
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (op: CreatingOp, body: Record<string, unknown>, key: string | null, path = op.path(w)) => {
    let req = h.http().post(path);
    if (op.auth) req = req.set(w.a.auth);
    if (key !== null) req = req.set('Idempotency-Key', key);
    return req.send(body).then(checked);
  };

  describe.each(CREATING)('$name', (op) => {
    it('succeeds with 201 and the bare object, creating one row', async () => {
      const before = await op.count(h, w);
      const res = await post(op, op.body(w), newKey());
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await op.count(h, w)).toBe(before + 1);
    });

    it('refuses an invalid body with VALIDATION_ERROR naming the field, creating nothing', async () => {
      const before = await op.count(h, w);
      const res = await post(op, op.invalidBody(w), newKey());
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(op.invalidField);
      expect(await op.count(h, w)).toBe(before);
    });

    it('requires the Idempotency-Key header', async () => {
      const before = await op.count(h, w);
      const res = await post(op, op.body(w), null);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', code: 'required' })]);
      expect(await op.count(h, w)).toBe(before);
    });

    if (op.auth)
      it('answers 401 without a token', async () => {
        const before = await op.count(h, w);
        const res = checked(await h.http().post(op.path(w)).set('Idempotency-Key', newKey()).send(op.body(w)));
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
        expect(await op.count(h, w)).toBe(before);
      });

    if (op.otherTenant)
      it("answers 404 for another tenant's id, audits the attempt as DENIED, creates nothing", async () => {
        const other = op.otherTenant!(w);
        const before = await op.count(h, w);
        const deniedBefore = await h.t.owner.prisma.auditEvent.count({ where: { outcome: 'DENIED', actorId: w.a.userId } });
        const res = await post(op, other.body, newKey(), other.path);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
        expect(await op.count(h, w)).toBe(before);
        expect(await h.t.owner.prisma.auditEvent.count({ where: { outcome: 'DENIED', actorId: w.a.userId } })).toBe(
          deniedBefore + 1,
        );
      });

    it('replays: the same key and body return the first status and body and create nothing', async () => {
      const key = newKey();
      const body = op.body(w);
      const first = await post(op, body, key);
      expect(first.status).toBe(201);
      const count = await op.count(h, w);
      const again = await post(op, body, key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await op.count(h, w)).toBe(count);
    });

    it('answers 409 when the same key comes with another body, creating nothing', async () => {
      const key = newKey();
      expect((await post(op, op.body(w), key)).status).toBe(201);
      const count = await op.count(h, w);
      const other = await post(op, op.otherBody(w), key);
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('CONFLICT');
      expect(await op.count(h, w)).toBe(count);
    });

    it('creates exactly one record for concurrent requests with one key', async () => {
      const key = newKey();
      const body = op.body(w);
      const before = await op.count(h, w);
      const results = await Promise.all(Array.from({ length: 6 }, () => post(op, body, key)));
      expect(await op.count(h, w)).toBe(before + 1);
      // Duplicates wait for the first request and then replay its response (documented choice).
      for (const r of results) expect(r.status).toBe(201);
      for (const r of results) expect(r.body).toEqual(results[0]!.body);
      expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    });
  });

  describe.each(READING)('$name', (op) => {
    it('succeeds for the signed-in user', async () => {
      const res = checked(await h.http().get(op.path(w)).set(w.a.auth));
      expect(res.status).toBe(200);
    });

    if (op.invalidQuery)
      it('refuses an invalid query with VALIDATION_ERROR', async () => {
        const res = checked(
          await h
            .http()
            .get(`${op.path(w)}${op.invalidQuery}`)
            .set(w.a.auth),
        );
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_ERROR');
        expect(res.body.error.details.length).toBeGreaterThan(0);
      });

    it('answers 401 without a token and with a bad one', async () => {
      expect(checked(await h.http().get(op.path(w))).status).toBe(401);
      expect(checked(await h.http().get(op.path(w)).set('Authorization', 'Bearer x.y.z')).status).toBe(401);
    });

    if (op.otherTenantPath)
      it("answers 404 for another tenant's id (and for ids that do not exist)", async () => {
        const res = checked(await h.http().get(op.otherTenantPath!(w)).set(w.a.auth));
        expect(res.status).toBe(404);
        expect(
          checked(
            await h
              .http()
              .get(op.path(w).replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000'))
              .set(w.a.auth),
          ).status,
        ).toBe(404);
        expect(
          checked(
            await h
              .http()
              .get(op.path(w).replace(/[0-9a-f-]{36}$/, 'not-a-uuid'))
              .set(w.a.auth),
          ).status,
        ).toBe(404);
      });
  });

  it("lists never show another tenant's rows", async () => {
    for (const path of ['/api/v1/accounts', '/api/v1/transactions', '/api/v1/categories', '/api/v1/budgets']) {
      const mine = checked(await h.http().get(`${path}?limit=100`).set(w.a.auth)).body.data.map((r: { id: string }) => r.id);
      const theirs = checked(await h.http().get(`${path}?limit=100`).set(w.b.auth)).body.data.map((r: { id: string }) => r.id);
      expect(mine.filter((id: string) => theirs.includes(id))).toEqual([]);
    }
    const filtered = checked(await h.http().get(`/api/v1/transactions?account_id=${w.bAccount}`).set(w.a.auth));
    expect(filtered.body.data).toEqual([]);
  });
});
