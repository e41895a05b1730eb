import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, type ApiHarness } from './helpers/harness.js';

// This file always runs behind Stoplight Prism (the whole suite does with `npm run contract:prism`).
process.env.CONTRACT_PROXY = 'prism';

/**
 * A third-party contract tool in `npm test`: Stoplight Prism validates every response of a
 * representative walk through the API (each operation, successes and refusals) against the
 * server's own OpenAPI document. No response may fall outside the document, none may be a 5xx.
 */
describe('the API through Stoplight Prism (validating proxy)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  }, 120_000);
  afterAll(async () => {
    delete process.env.CONTRACT_PROXY;
    await h?.close();
  });

  it('answers a walk through every operation inside the document, with no 5xx', async () => {
    const statuses: number[] = [];
    const c = <R extends { status: number; headers: Record<string, string> }>(res: R) => {
      statuses.push(res.status);
      return checked(res);
    };
    const u = await signUp(h, 'prism');
    const http = () => h.http();
    c(await http().get('/api/v1/me').set(u.auth));
    c(await http().get('/api/v1/me'));
    const account = c(
      await http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ name: 'Main', type: 'BANK', currency: 'EUR' }),
    ).body as { id: string };
    c(
      await http()
        .post('/api/v1/accounts')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ name: '', type: 'NOPE', currency: 'XXX' }),
    );
    c(await http().get(`/api/v1/accounts/${account.id}`).set(u.auth));
    c(await http().get('/api/v1/accounts/00000000-0000-4000-8000-000000000000').set(u.auth));
    c(await http().get('/api/v1/accounts?limit=1').set(u.auth));
    const tx = c(
      await http()
        .post('/api/v1/transactions')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ account_id: account.id, amount: '12.34', direction: 'DEBIT', description: 'Groceries' }),
    ).body as { id: string };
    c(
      await http()
        .post('/api/v1/transactions')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ account_id: account.id, amount: '0', direction: 'DEBIT' }),
    );
    c(
      await http()
        .post(`/api/v1/transactions/${tx.id}/adjustments`)
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ amount: '2.00', direction: 'CREDIT', reason: 'Double charge refunded' }),
    );
    c(await http().get(`/api/v1/transactions?account_id=${account.id}&direction=DEBIT`).set(u.auth));
    c(await http().get('/api/v1/transactions?from=not-a-date').set(u.auth));
    const categories = c(await http().get('/api/v1/categories').set(u.auth)).body as { data: Array<{ id: string }> };
    c(await http().post('/api/v1/categories').set(u.auth).set('Idempotency-Key', newKey()).send({ name: 'Pets' }));
    c(
      await http()
        .post('/api/v1/budgets')
        .set(u.auth)
        .set('Idempotency-Key', newKey())
        .send({ category_id: categories.data[0]!.id, name: 'Food', amount: '400.00', currency: 'EUR', starts_on: '2025-03-01' }),
    );
    c(await http().get('/api/v1/budgets').set(u.auth));
    const job = c(await http().post('/api/v1/me/exports').set(u.auth).set('Idempotency-Key', newKey())).body as { id: string };
    c(await http().get(`/api/v1/me/exports/${job.id}`).set(u.auth));
    c(await http().get(`/api/v1/me/exports/${job.id}/download`).set(u.auth));
    c(await http().delete('/api/v1/accounts').set(u.auth));
    c(await http().post('/api/v1/auth/token').send({ email: u.email, password: 'wrong-password-1234' }));
    c(await http().post('/api/v1/auth/refresh').send({ refresh_token: 'rt_unknown' }));
    c(await http().post('/api/v1/auth/register').set('Idempotency-Key', newKey()).send({ email: 'x', password: 'short' }));
    // The customer lifecycle (issue 14).
    c(
      await http()
        .patch('/api/v1/me')
        .set(u.auth)
        .send({ name: 'Prism Person', email: `moved-${newKey()}@example.test` }),
    );
    c(await http().patch('/api/v1/me').set(u.auth).send({ role: 'OWNER' }));
    c(await http().post('/api/v1/me/email-verification').set(u.auth));
    c(await http().get('/api/v1/me/consents').set(u.auth));
    c(await http().put('/api/v1/me/consents').set(u.auth).send({ marketing: true }));
    c(await http().put('/api/v1/me/consents').set(u.auth).send({ marketing: 'yes' }));
    c(await http().post('/api/v1/auth/password-reset').send({ email: u.email }));
    c(await http().post('/api/v1/auth/password-reset').send({ email: 'nobody@example.test' }));
    c(await http().post('/api/v1/auth/password-reset/confirm').send({ token: 'forged.token', password: 'new-Correct-horse-43' }));
    c(await http().post('/api/v1/auth/verify-email').send({ token: 'forged.token' }));
    c(await http().post('/api/v1/auth/logout').send({ refresh_token: u.refreshToken }));
    c(await http().delete('/api/v1/me').set(u.auth));

    expect(h.prism, 'the harness runs behind Prism').toBeDefined();
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses.map((s) => Math.floor(s / 100)))).toEqual(new Set([2, 4]));
    expect(h.prism!.responseViolations()).toEqual([]);
    // Prism really saw them: every request of the walk (and of signUp) was forwarded through it.
    expect(h.prism!.forwarded()).toBeGreaterThanOrEqual(statuses.length);
  });
});
