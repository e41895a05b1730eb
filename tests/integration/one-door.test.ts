import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { newKey, signUp, startApi, type ApiHarness, type SignedInUser } from '../api/helpers/harness.js';
import { STRONG_PASSWORD } from '../helpers/factories.js';

/**
 * One door per rule: the admin and the API create through the same domain service and zod
 * schema, so every validation rule refuses the same input with the same error code at both doors.
 * Each case is one rule of the model's schema (or of its service), stated once and sent through
 * both: as the API's JSON body and as the admin's form for the same record.
 */

interface Case {
  rule: string;
  /** Fields of the API body (snake_case wire names) — the admin gets the same values. */
  api: Record<string, unknown>;
  /** The detail codes both doors must answer with, by domain field name. */
  expect: Record<string, string>;
}

const toSnake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (f: string) => f.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Fields of the admin form: camelCase columns, references under their relation name. */
function adminForm(api: Record<string, unknown>, tenantId: string): Record<string, string> {
  const relation: Record<string, string> = { categoryId: 'category', accountId: 'account', tenantId: 'tenant' };
  const form: Record<string, string> = { tenant: tenantId };
  for (const [key, value] of Object.entries(api)) {
    if (value === undefined) continue;
    const column = toCamel(key);
    form[relation[column] ?? column] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return form;
}

let h: ApiHarness;
let u: SignedInUser;
let cookie: string;
let categoryId: string;
let otherCategoryId: string;

const ACCOUNT: Case[] = [
  { rule: 'name is required', api: { type: 'BANK', currency: 'EUR' }, expect: { name: 'required' } },
  {
    rule: 'name at most 120 characters',
    api: { name: 'x'.repeat(121), type: 'BANK', currency: 'EUR' },
    expect: { name: 'too_big' },
  },
  { rule: 'name without NUL', api: { name: 'a\u0000b', type: 'BANK', currency: 'EUR' }, expect: { name: 'invalid' } },
  { rule: 'type is one of the account types', api: { name: 'A', type: 'SOFA', currency: 'EUR' }, expect: { type: 'invalid' } },
  { rule: 'type is required', api: { name: 'A', currency: 'EUR' }, expect: { type: 'required' } },
  {
    rule: 'currency is a supported ISO 4217 code',
    api: { name: 'A', type: 'BANK', currency: 'XXX' },
    expect: { currency: 'invalid_currency' },
  },
  {
    rule: 'institution at most 120 characters',
    api: { name: 'A', type: 'BANK', currency: 'EUR', institution: 'i'.repeat(121) },
    expect: { institution: 'too_big' },
  },
];

const CATEGORY: Case[] = [
  { rule: 'name is required', api: { kind: 'EXPENSE' }, expect: { name: 'required' } },
  { rule: 'name at most 80 characters', api: { name: 'c'.repeat(81) }, expect: { name: 'too_big' } },
  { rule: 'kind is one of the category kinds', api: { name: 'C', kind: 'GIFT' }, expect: { kind: 'invalid' } },
];

const budget = (over: Record<string, unknown>) => ({
  category_id: '__category__',
  name: 'Food',
  amount: '100.00',
  currency: 'EUR',
  period: 'MONTHLY',
  starts_on: '2026-01-01',
  ...over,
});
const BUDGET: Case[] = [
  { rule: 'amount is a decimal string', api: budget({ amount: 'ten' }), expect: { amount: 'invalid' } },
  { rule: 'amount is greater than zero', api: budget({ amount: '0' }), expect: { amount: 'too_small' } },
  { rule: 'amount has at most 15 integer digits', api: budget({ amount: '1234567890123456' }), expect: { amount: 'too_big' } },
  {
    rule: 'amount fits the currency (EUR: 2 decimals)',
    api: budget({ amount: '1.234' }),
    expect: { amount: 'too_many_decimals' },
  },
  {
    rule: 'amount fits the currency (JPY: no decimals)',
    api: budget({ amount: '1.5', currency: 'JPY' }),
    expect: { amount: 'too_many_decimals' },
  },
  { rule: 'currency is supported', api: budget({ currency: 'ABC' }), expect: { currency: 'invalid_currency' } },
  { rule: 'period is one of the periods', api: budget({ period: 'DAILY' }), expect: { period: 'invalid' } },
  { rule: 'starts_on is a calendar date', api: budget({ starts_on: '2026-13-40' }), expect: { startsOn: 'invalid' } },
  { rule: 'starts_on within 1900–2199', api: budget({ starts_on: '1850-01-01' }), expect: { startsOn: 'invalid' } },
  { rule: 'the budget may not end before it starts', api: budget({ ends_on: '2025-12-31' }), expect: { endsOn: 'invalid' } },
  { rule: 'name is required', api: budget({ name: undefined }), expect: { name: 'required' } },
  { rule: 'the category is required', api: budget({ category_id: undefined }), expect: { categoryId: 'required' } },
];

async function apiRefusal(path: string, body: Record<string, unknown>) {
  const res = await h.http().post(path).set(u.auth).set('Idempotency-Key', newKey('door')).send(body);
  return res;
}

async function adminRefusal(resource: string, form: Record<string, string>) {
  return supertest(h.baseUrl)
    .post(`/admin/api/resources/${resource}/actions/new`)
    .set('Cookie', cookie)
    .set('Origin', h.baseUrl)
    .type('form')
    .send(form);
}

/** The detail codes of an error body, by domain field name. */
const codesOf = (body: { error?: { details?: Array<{ field: string; code: string }> } }) =>
  Object.fromEntries((body.error?.details ?? []).map((d) => [toCamel(d.field), d.code]));

function refusesAlike(resource: string, path: string, cases: Case[]) {
  describe(`${resource}: the admin and the API refuse the same input with the same code`, () => {
    for (const c of cases) {
      it(c.rule, async () => {
        const body = JSON.parse(JSON.stringify(c.api).replaceAll('__category__', categoryId)) as Record<string, unknown>;
        const api = await apiRefusal(path, body);
        const admin = await adminRefusal(resource, adminForm(body, u.tenantId));
        expect(api.status, JSON.stringify(api.body)).toBe(400);
        expect(admin.status, JSON.stringify(admin.body)).toBe(400);
        expect(api.body.error.code).toBe('VALIDATION_ERROR');
        expect(admin.body.error.code).toBe('VALIDATION_ERROR');
        for (const [field, code] of Object.entries(c.expect)) {
          expect(codesOf(api.body)[field], `API ${toSnake(field)}: ${JSON.stringify(api.body)}`).toBe(code);
          expect(codesOf(admin.body)[field], `admin ${field}: ${JSON.stringify(admin.body)}`).toBe(code);
        }
      });
    }
  });
}

beforeAll(async () => {
  h = await startApi();
  u = await signUp(h, 'door');
  const cats = await h.http().get('/api/v1/categories').set(u.auth);
  categoryId = cats.body.data.find((c: { name: string }) => c.name === 'Groceries').id;
  const other = await signUp(h, 'door-other');
  const otherCats = await h.http().get('/api/v1/categories').set(other.auth);
  otherCategoryId = otherCats.body.data[0].id;
  const staff = await h.f.staff('SUPERADMIN');
  const login = await supertest(h.baseUrl)
    .post('/admin/login')
    .set('Origin', h.baseUrl)
    .type('form')
    .send({ email: staff.email, password: STRONG_PASSWORD });
  cookie = String(login.headers['set-cookie']).split(';')[0]!;
}, 120_000);

afterAll(() => h?.close());

refusesAlike('Account', '/api/v1/accounts', ACCOUNT);
refusesAlike('Category', '/api/v1/categories', CATEGORY);
refusesAlike('Budget', '/api/v1/budgets', BUDGET);

describe('rules that need the database, at both doors', () => {
  it("a budget on another tenant's category is refused by both (not found, never created)", async () => {
    const body = budget({ category_id: otherCategoryId });
    const api = await apiRefusal('/api/v1/budgets', body);
    const admin = await adminRefusal('Budget', adminForm(body, u.tenantId));
    expect(api.status).toBe(404);
    expect(admin.status).toBe(404);
    expect(await h.t.owner.prisma.budget.count({ where: { tenantId: u.tenantId, name: 'Food' } })).toBe(0);
  });

  it('a category name taken in the tenant is a conflict at both doors', async () => {
    const api = await apiRefusal('/api/v1/categories', { name: 'Groceries' });
    const admin = await adminRefusal('Category', adminForm({ name: 'Groceries' }, u.tenantId));
    expect(api.status).toBe(409);
    expect(admin.status).toBe(409);
  });

  it('what both doors accept creates the same record through the same service (same audit action)', async () => {
    const api = await apiRefusal('/api/v1/accounts', { name: 'Door A', type: 'CASH', currency: 'EUR' });
    const admin = await adminRefusal('Account', adminForm({ name: 'Door B', type: 'CASH', currency: 'EUR' }, u.tenantId));
    expect(api.status).toBe(201);
    expect(admin.status).toBe(200);
    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { tenantId: u.tenantId, action: 'account.create' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.actorType)).toEqual(['USER', 'STAFF']);
  });
});

describe('Transaction adjustments: the admin action and the API refuse alike', () => {
  const CASES: Case[] = [
    {
      rule: 'amount is a decimal string',
      api: { amount: 'x', direction: 'CREDIT', reason: 'fix it please' },
      expect: { amount: 'invalid' },
    },
    {
      rule: 'amount is greater than zero',
      api: { amount: '0', direction: 'CREDIT', reason: 'fix it please' },
      expect: { amount: 'too_small' },
    },
    {
      rule: 'amount fits the currency',
      api: { amount: '1.001', direction: 'CREDIT', reason: 'fix it please' },
      expect: { amount: 'too_many_decimals' },
    },
    {
      rule: 'direction is CREDIT or DEBIT',
      api: { amount: '1.00', direction: 'UP', reason: 'fix it please' },
      expect: { direction: 'invalid' },
    },
    {
      rule: 'the reason is at least 3 characters',
      api: { amount: '1.00', direction: 'CREDIT', reason: 'no' },
      expect: { reason: 'too_small' },
    },
  ];
  let transactionId: string;
  beforeAll(async () => {
    const account = await apiRefusal('/api/v1/accounts', { name: 'Adjusted', type: 'CASH', currency: 'EUR' });
    const tx = await apiRefusal('/api/v1/transactions', { account_id: account.body.id, amount: '10.00', direction: 'DEBIT' });
    transactionId = tx.body.id;
  });
  for (const c of CASES) {
    it(c.rule, async () => {
      const api = await apiRefusal(`/api/v1/transactions/${transactionId}/adjustments`, c.api);
      const admin = await supertest(h.baseUrl)
        .post(`/admin/api/resources/Transaction/records/${transactionId}/postAdjustment`)
        .set('Cookie', cookie)
        .set('Origin', h.baseUrl)
        .type('form')
        .send(c.api as Record<string, string>);
      expect(api.status, JSON.stringify(api.body)).toBe(400);
      expect(admin.status, JSON.stringify(admin.body)).toBe(400);
      for (const [field, code] of Object.entries(c.expect)) {
        expect(codesOf(api.body)[field], `API ${field}`).toBe(code);
        expect(codesOf(admin.body)[field], `admin ${field}: ${JSON.stringify(admin.body)}`).toBe(code);
      }
    });
  }
});
