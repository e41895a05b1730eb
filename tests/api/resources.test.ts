import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_IDS } from '../../src/http/api/schemas.js';
import { checked, newKey, signUp, startApi, type ApiHarness, type SignedInUser } from './helpers/harness.js';

const esErrors = JSON.parse(readFileSync(new URL('../../locales/es/errors.json', import.meta.url), 'utf8'));

describe('resources: balances, money rules, adjustments, filters, budgets, errors', () => {
  let h: ApiHarness;
  let u: SignedInUser;
  beforeAll(async () => {
    h = await startApi();
    u = await signUp(h, 'res');
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (path: string, body: unknown, user = u) =>
    checked(
      await h
        .http()
        .post(path)
        .set(user.auth)
        .set('Idempotency-Key', newKey())
        .send(body as object),
    );
  const get = async (path: string, user = u, headers: Record<string, string> = {}) =>
    checked(await h.http().get(path).set(user.auth).set(headers));
  const account = async (currency: string) =>
    (await post('/api/v1/accounts', { name: `${currency} account`, type: 'BANK', currency })).body;

  it('computes the balance from transactions (credits - debits, adjustments included), formatted per currency', async () => {
    const eur = await account('EUR');
    expect(eur.balance).toBe('0.00');
    await post('/api/v1/transactions', { account_id: eur.id, amount: '100.10', direction: 'CREDIT' });
    const spend = await post('/api/v1/transactions', {
      account_id: eur.id,
      amount: '30.05',
      direction: 'DEBIT',
      currency: 'EUR',
    });
    expect(spend.status).toBe(201);
    expect(spend.body).toMatchObject({
      amount: '30.05',
      currency: 'EUR',
      direction: 'DEBIT',
      kind: 'REGULAR',
      adjusts_transaction_id: null,
      category_id: null,
    });
    const adj = await post(`/api/v1/transactions/${spend.body.id}/adjustments`, {
      amount: '0.05',
      direction: 'CREDIT',
      reason: 'Rounding refund',
    });
    expect(adj.status).toBe(201);
    expect(adj.body).toMatchObject({
      kind: 'ADJUSTMENT',
      adjusts_transaction_id: spend.body.id,
      account_id: eur.id,
      currency: 'EUR',
      amount: '0.05',
    });
    expect((await get(`/api/v1/accounts/${eur.id}`)).body.balance).toBe('70.10');
    const listed = (await get('/api/v1/accounts?limit=100')).body.data.find((a: { id: string }) => a.id === eur.id);
    expect(listed.balance).toBe('70.10');

    const jpy = await account('JPY');
    await post('/api/v1/transactions', { account_id: jpy.id, amount: '1500', direction: 'CREDIT' });
    expect((await get(`/api/v1/accounts/${jpy.id}`)).body.balance).toBe('1500');
    const bhd = await account('BHD');
    const t = await post('/api/v1/transactions', { account_id: bhd.id, amount: '7.125', direction: 'DEBIT' });
    expect(t.body.amount).toBe('7.125');
    expect((await get(`/api/v1/accounts/${bhd.id}`)).body.balance).toBe('-7.125');
  });

  it('refuses over-precise amounts, unknown currencies, non-positive and non-string amounts, and currency mismatches', async () => {
    const jpy = await account('JPY');
    const before = await h.t.owner.prisma.transaction.count();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ account_id: jpy.id, amount: '10.5', direction: 'DEBIT' }, 'amount', 'too_many_decimals'],
      [{ account_id: jpy.id, amount: '10.5', currency: 'JPY', direction: 'DEBIT' }, 'amount', 'too_many_decimals'],
      [{ account_id: jpy.id, amount: '10', currency: 'ZZZ', direction: 'DEBIT' }, 'currency', 'invalid_currency'],
      [{ account_id: jpy.id, amount: '10', currency: 'EUR', direction: 'DEBIT' }, 'currency', 'currency_mismatch'],
      [{ account_id: jpy.id, amount: '-10', direction: 'DEBIT' }, 'amount', 'too_small'],
      [{ account_id: jpy.id, amount: '0', direction: 'DEBIT' }, 'amount', 'too_small'],
      [{ account_id: jpy.id, amount: 10, direction: 'DEBIT' }, 'amount', 'invalid_type'],
      [{ account_id: jpy.id, amount: '1e5', direction: 'DEBIT' }, 'amount', 'invalid'],
      [{ account_id: jpy.id, amount: '1234567890123456', direction: 'DEBIT' }, 'amount', 'too_big'],
      [{ account_id: jpy.id, direction: 'DEBIT' }, 'amount', 'required'],
      [{ account_id: jpy.id, amount: '1', direction: 'DEBIT', description: 'nul\u0000byte' }, 'description', 'invalid'],
      [{ account_id: jpy.id, amount: '1', direction: 'DEBIT', occurred_at: 'yesterday' }, 'occurred_at', 'invalid'],
    ];
    for (const [body, field, code] of cases) {
      const res = await post('/api/v1/transactions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details, JSON.stringify(body)).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, code })]),
      );
    }
    expect(await h.t.owner.prisma.transaction.count()).toBe(before);
    const bad = await post('/api/v1/accounts', { name: 'X', type: 'BANK', currency: 'EURO' });
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'currency', code: 'invalid_currency' })]);
  });

  it('adjustments keep tenant, account and currency, need a reason, and cannot adjust an adjustment', async () => {
    const acc = await account('EUR');
    const cat = (await get('/api/v1/categories?limit=100')).body.data.find((c: { name: string }) => c.name === 'Groceries');
    const orig = await post('/api/v1/transactions', {
      account_id: acc.id,
      category_id: cat.id,
      amount: '9.99',
      direction: 'DEBIT',
    });
    const noReason = await post(`/api/v1/transactions/${orig.body.id}/adjustments`, { amount: '1.00', direction: 'CREDIT' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0]).toMatchObject({ field: 'reason', code: 'required' });
    const tooPrecise = await post(`/api/v1/transactions/${orig.body.id}/adjustments`, {
      amount: '1.001',
      direction: 'CREDIT',
      reason: 'precise',
    });
    expect(tooPrecise.body.error.details[0]).toMatchObject({ field: 'amount', code: 'too_many_decimals' });
    const adj = await post(`/api/v1/transactions/${orig.body.id}/adjustments`, {
      amount: '9.99',
      direction: 'CREDIT',
      reason: 'Duplicate charge refunded',
    });
    expect(adj.body).toMatchObject({ account_id: acc.id, category_id: cat.id, currency: 'EUR', kind: 'ADJUSTMENT' });
    const event = await h.t.owner.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'transaction.adjust', recordId: adj.body.id },
    });
    expect(event).toMatchObject({
      reason: 'Duplicate charge refunded',
      actorId: u.userId,
      tenantId: u.tenantId,
      outcome: 'SUCCESS',
    });
    const nested = await post(`/api/v1/transactions/${adj.body.id}/adjustments`, {
      amount: '1.00',
      direction: 'DEBIT',
      reason: 'again',
    });
    expect(nested.status).toBe(409);
    const missing = await post('/api/v1/transactions/00000000-0000-4000-8000-000000000000/adjustments', {
      amount: '1.00',
      direction: 'DEBIT',
      reason: 'who',
    });
    expect(missing.status).toBe(404);
  });

  it('audits every write once, in the actor and tenant of the request, with the correlation id', async () => {
    const before = await h.t.owner.prisma.auditEvent.count({ where: { tenantId: u.tenantId } });
    const res = checked(
      await h
        .http()
        .post('/api/v1/categories')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .set('X-Request-Id', 'corr-audit-0001')
        .send({ name: 'Hobbies' }),
    );
    expect(res.status).toBe(201);
    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { tenantId: u.tenantId },
      orderBy: { id: 'desc' },
      take: 1,
    });
    expect(await h.t.owner.prisma.auditEvent.count({ where: { tenantId: u.tenantId } })).toBe(before + 1);
    expect(events[0]).toMatchObject({
      action: 'category.create',
      recordId: res.body.id,
      actorType: 'USER',
      actorId: u.userId,
      correlationId: 'corr-audit-0001',
    });
    const dup = checked(
      await h.http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', newKey()).send({ name: 'Hobbies' }),
    );
    expect(dup.status).toBe(409);
  });

  it('filters transactions by account, category, direction and time range', async () => {
    const a1 = await account('EUR');
    const a2 = await account('EUR');
    const cat = (await post('/api/v1/categories', { name: `Filter ${newKey()}` })).body;
    const at = (d: string) => `2024-06-${d}T12:00:00Z`;
    await post('/api/v1/transactions', {
      account_id: a1.id,
      amount: '1.00',
      direction: 'DEBIT',
      occurred_at: at('01'),
      category_id: cat.id,
    });
    await post('/api/v1/transactions', { account_id: a1.id, amount: '2.00', direction: 'CREDIT', occurred_at: at('02') });
    await post('/api/v1/transactions', {
      account_id: a1.id,
      amount: '3.00',
      direction: 'DEBIT',
      occurred_at: at('03'),
      category_id: cat.id,
    });
    await post('/api/v1/transactions', { account_id: a2.id, amount: '4.00', direction: 'DEBIT', occurred_at: at('04') });
    const amounts = async (query: string) =>
      (await get(`/api/v1/transactions?${query}`)).body.data.map((t: { amount: string }) => t.amount);
    expect(await amounts(`account_id=${a1.id}`)).toEqual(['3.00', '2.00', '1.00']);
    expect(await amounts(`account_id=${a1.id}&direction=DEBIT`)).toEqual(['3.00', '1.00']);
    expect(await amounts(`category_id=${cat.id}`)).toEqual(['3.00', '1.00']);
    expect(await amounts(`account_id=${a1.id}&from=${at('02')}&to=${at('03')}`)).toEqual(['2.00']);
    expect(await amounts(`account_id=${a2.id}&direction=CREDIT`)).toEqual([]);
    const bad = await get('/api/v1/transactions?direction=UP&from=nope&account_id=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['account_id', 'direction', 'from']);
    const unknown = await get('/api/v1/transactions?colour=blue');
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: 'colour', code: 'unknown_field' })]);
  });

  it('pages with an opaque cursor: limit defaults to 50, at most 100; broken cursors are 400', async () => {
    const acc = await account('EUR');
    const n = 130;
    await h.t.owner.prisma.transaction.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        tenantId: u.tenantId,
        accountId: acc.id,
        amount: `${i + 1}.00`,
        currency: 'EUR',
        direction: 'DEBIT' as const,
        // Pairs share a timestamp: the id breaks ties.
        occurredAt: new Date(Date.UTC(2023, 0, 1) + Math.floor(i / 2) * 60_000),
      })),
    });
    const first = await get(`/api/v1/transactions?account_id=${acc.id}`);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/transactions?account_id=${acc.id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.data.map((t: { id: string }) => t.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect((await get('/api/v1/transactions?limit=101')).status).toBe(400);
    for (const broken of [
      'abc',
      'WzEsIm5vdC1hLWRhdGUiLCJ4Il0',
      Buffer.from('[1,"2024-01-01T00:00:00.000Z","not-uuid"]').toString('base64url'),
      'a'.repeat(300),
    ]) {
      const res = await get(`/api/v1/transactions?cursor=${broken}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('cursor');
    }
  });

  it('budgets report spent vs. limit for the current period, in the budget currency', async () => {
    const acc = await account('EUR');
    const cat = (await post('/api/v1/categories', { name: `Budgeted ${newKey()}` })).body;
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const inMonth = new Date(Math.max(monthStart.getTime() + 3_600_000, now.getTime() - 60_000)).toISOString();
    const lastMonth = new Date(monthStart.getTime() - 86_400_000).toISOString();
    await post('/api/v1/transactions', {
      account_id: acc.id,
      category_id: cat.id,
      amount: '40.00',
      direction: 'DEBIT',
      occurred_at: inMonth,
    });
    await post('/api/v1/transactions', {
      account_id: acc.id,
      category_id: cat.id,
      amount: '5.50',
      direction: 'CREDIT',
      occurred_at: inMonth,
    });
    await post('/api/v1/transactions', {
      account_id: acc.id,
      category_id: cat.id,
      amount: '99.00',
      direction: 'DEBIT',
      occurred_at: lastMonth,
    });
    const budget = await post('/api/v1/budgets', {
      category_id: cat.id,
      name: 'Monthly',
      amount: '100.00',
      currency: 'EUR',
      period: 'MONTHLY',
      starts_on: '2020-01-01',
    });
    expect(budget.status).toBe(201);
    expect(budget.body).toMatchObject({
      amount: '100.00',
      spent: '34.50',
      remaining: '65.50',
      period_start: monthStart.toISOString().slice(0, 10),
    });
    const listed = (await get('/api/v1/budgets?limit=100')).body.data.find((b: { id: string }) => b.id === budget.body.id);
    expect(listed).toMatchObject({ spent: '34.50', remaining: '65.50' });
    const usd = await post('/api/v1/budgets', {
      category_id: cat.id,
      name: 'USD',
      amount: '100.00',
      currency: 'USD',
      starts_on: '2020-01-01',
    });
    expect(usd.body.spent).toBe('0.00');
    const badDates = await post('/api/v1/budgets', {
      category_id: cat.id,
      name: 'x',
      amount: '1.00',
      currency: 'EUR',
      starts_on: '2025-02-01',
      ends_on: '2025-01-01',
    });
    expect(badDates.body.error.details[0]).toMatchObject({ field: 'ends_on', code: 'invalid' });
  });

  it('speaks Spanish with Accept-Language: es (messages and details), English otherwise', async () => {
    const es = await get('/api/v1/accounts/00000000-0000-4000-8000-000000000000', u, { 'Accept-Language': 'es-ES,es;q=0.9' });
    expect(es.status).toBe(404);
    expect(es.body.error.message).toBe(esErrors.ACCOUNT.NOT_FOUND);
    const en = await get('/api/v1/accounts/00000000-0000-4000-8000-000000000000');
    expect(en.body.error.message).toBe('Account not found.');
    const v = checked(
      await h
        .http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Accept-Language', 'es')
        .set('Idempotency-Key', newKey())
        .send({ name: 'x', type: 'BANK', currency: 'QQQ' }),
    );
    expect(v.body.error.details[0].message).toBe(esErrors.details.invalid_currency);
    expect(checked(await h.http().get('/api/v1/me').set('Accept-Language', 'es')).body.error.message).toMatch(/autenticación/i);
  });

  it('413 for bodies over 64 kB, 400 for malformed JSON, 404 for unknown routes — always the error shape', async () => {
    const big = checked(
      await h
        .http()
        .post('/api/v1/categories')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'x'.repeat(70_000) })),
    );
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const malformed = checked(
      await h
        .http()
        .post('/api/v1/categories')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .set('Content-Type', 'application/json')
        .send('{"name": '),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_ERROR');
    const noBody = checked(
      await h
        .http()
        .post('/api/v1/categories')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .set('Content-Type', 'text/plain')
        .send('name=x'),
    );
    expect(noBody.status).toBe(400);
    const unknown = checked(await h.http().get('/api/v1/nothing-here').set(u.auth));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.correlation_id).toEqual(expect.any(String));
    // A known path, a method it does not answer: 405 with Allow, in the error shape.
    const wrongMethod = checked(await h.http().delete('/api/v1/accounts').set(u.auth));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, POST');
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const put = checked(await h.http().put(`/api/v1/accounts/${EXAMPLE_IDS.ACCOUNT_ID}`).set(u.auth).send({}));
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    for (const path of ['/health', '/health/ready', '/metrics']) {
      const res = await h.http().post(path);
      expect(res.status, path).toBe(405);
      expect(res.headers.allow, path).toBe('GET, HEAD');
      expect(res.body.error.code, path).toBe('METHOD_NOT_ALLOWED');
    }
  });
});
