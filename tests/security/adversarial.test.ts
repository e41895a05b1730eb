import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../admin/resources.helpers.js';
import { loginCookie, STRONG_PASSWORD } from '../admin/session.helpers.js';
import { HEADS_SIGNED_EVENT } from '../../src/modules/audit/audit.heads.js';

/**
 * An adversarial pass over both front doors at once (admin and API, one server): methods,
 * encodings, bodies, ids and origins drawn by fast-check. Every answer must be below 500 and in
 * the one error shape when it is an error, and a refused request must change nothing: no row,
 * no status, no audit event other than the DENIED record of the refusal itself.
 */

let w: World;
const cookies: Record<string, string> = {};
let bearer = '';
const stderr: string[] = [];
const write = process.stderr.write.bind(process.stderr);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const RESOURCES = [
  'Tenant',
  'User',
  'Account',
  'Transaction',
  'Budget',
  'AuditEvent',
  'ExportJob',
  'StaffUser',
  'FeatureFlag',
  'Nope',
  'constructor',
  '__proto__',
  '%E0%A4%A',
  'Tenant%00',
];
const ACTIONS = [
  'list',
  'show',
  'edit',
  'new',
  'delete',
  'bulkDelete',
  'search',
  'suspend',
  'reactivate',
  'unlock',
  'sendPasswordReset',
  'reveal',
  'verify',
  'startExport',
  'download',
  'grant',
  'revoke',
  'postAdjustment',
  'nope',
  'toString',
  'hasOwnProperty',
];

async function snapshot() {
  const p = w.h.t.owner.prisma;
  const [
    tenants,
    users,
    accounts,
    transactions,
    budgets,
    outbox,
    exports,
    grants,
    flags,
    staff,
    audits,
    tenantStatus,
    lockedUser,
  ] = await Promise.all([
    p.tenant.count(),
    p.user.count(),
    p.account.count(),
    p.transaction.count(),
    p.budget.count(),
    // Not the anchors of signed audit heads: a refusal is audited, and every N events of a chain its
    // head is signed and anchored (docs/audit.md, "Anchoring"). That is the trail, not a change.
    p.outboxEvent.count({ where: { NOT: { type: HEADS_SIGNED_EVENT } } }),
    p.exportJob.count(),
    p.tenantAccessGrant.count({ where: { revokedAt: null } }),
    p.featureFlag.count(),
    p.staffUser.count({ where: { status: 'ACTIVE' } }),
    // Refusals are audited (DENIED) and reads of personal data are too (admin.<Model>.list|show):
    // neither is a change. Anything else audited is.
    p.auditEvent.count({
      where: { outcome: 'SUCCESS', NOT: [{ action: { endsWith: '.list' } }, { action: { endsWith: '.show' } }] },
    }),
    p.tenant.findMany({ select: { id: true, status: true }, orderBy: { id: 'asc' } }),
    p.user.findUniqueOrThrow({ where: { id: w.a.lockedUserId }, select: { status: true, failedLoginCount: true } }),
  ]);
  return {
    tenants,
    users,
    accounts,
    transactions,
    budgets,
    outbox,
    exports,
    grants,
    flags,
    staff,
    audits,
    tenantStatus,
    lockedUser,
  };
}

const idArb = () =>
  fc.oneof(
    fc.constantFrom(
      w.a.tenantId,
      w.b.tenantId,
      w.a.userId,
      w.b.lockedUserId,
      w.a.accountId,
      w.b.transactionIds[0]!,
      w.a.budgetId,
    ),
    fc.constantFrom(
      '1',
      '0',
      '-1',
      '1e99',
      '99999999999999999999',
      'not-a-uuid',
      '%',
      '%ZZ',
      '%E0%A4%A',
      '..',
      '%2e%2e',
      'a%00b',
    ),
    fc.uuid(),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
  );

const adminPathArb = () =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...RESOURCES), fc.constantFrom(...ACTIONS))
      .map(([r, a]) => `/admin/api/resources/${r}/actions/${a}`),
    fc
      .tuple(fc.constantFrom(...RESOURCES), idArb(), fc.constantFrom(...ACTIONS))
      .map(([r, id, a]) => `/admin/api/resources/${r}/records/${id}/${a}`),
    fc
      .tuple(fc.constantFrom(...RESOURCES), fc.array(idArb(), { maxLength: 3 }), fc.constantFrom(...ACTIONS))
      .map(([r, ids, a]) => `/admin/api/resources/${r}/bulk/${a}?recordIds=${ids.join(',')}`),
    fc
      .tuple(fc.constantFrom(...RESOURCES), fc.string({ maxLength: 20 }))
      .map(([r, q]) => `/admin/api/resources/${r}/search/${encodeURIComponent(q)}`),
    fc
      .tuple(fc.constantFrom(...RESOURCES), idArb(), fc.constantFrom(...ACTIONS))
      .map(([r, id, a]) => `/admin/resources/${r}/records/${id}/${a}`),
    fc.constantFrom('/admin', '/admin/login', '/admin/logout', '/admin/api/dashboard', '/admin/api/me/locale', '/admin/pages/x'),
    idArb().map((id) => `/admin/exports/${id}/download`),
  );

const apiPathArb = () =>
  fc.oneof(
    fc.constantFrom(
      '/api/v1/auth/register',
      '/api/v1/auth/token',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/me',
      '/api/v1/accounts',
      '/api/v1/transactions',
      '/api/v1/categories',
      '/api/v1/budgets',
      '/api/v1/me/exports',
      '/api/schema',
      '/health',
      '/health/ready',
      '/api/v1/nothing',
    ),
    idArb().map((id) => `/api/v1/accounts/${id}`),
    idArb().map((id) => `/api/v1/transactions/${id}/adjustments`),
    idArb().map((id) => `/api/v1/me/exports/${id}`),
    fc
      .tuple(fc.constantFrom('limit', 'cursor', 'account_id', 'from', 'direction'), fc.string({ maxLength: 30 }))
      .map(([k, v]) => `/api/v1/transactions?${k}=${encodeURIComponent(v)}`),
  );

/** Field values a hostile client sends: formulas, scripts, surrogates, NUL, huge and odd numbers. */
const valueArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e309',
    '=1+1',
    '</script><script>alert(1)</script>',
    'a\u0000b',
    '\ud800',
    'x'.repeat(3000),
    'ACTIVE',
    'CLOSED',
  ),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const fieldArb = fc.constantFrom(
  'name',
  'email',
  'password',
  'status',
  'reason',
  'amount',
  'direction',
  'tenantId',
  'locale',
  'slug',
  'role',
  'refresh_token',
  'tenant_name',
  '__proto__',
  'constructor',
);

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'raw-json'; text: string }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'multipart'; value: Record<string, string>; file: boolean };

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.dictionary(fieldArb, valueArb, { maxKeys: 4 }).map((value) => ({ kind: 'json' as const, value })),
  fc
    .constantFrom('{"name": ', '{"name":"\\ud800"}', '[1,2', 'null', '"x"', '{"a":{"b":{"c":[[[[[[]]]]]]}}}', '{"\\udc00":1}')
    .map((text) => ({ kind: 'raw-json' as const, text })),
  fc.dictionary(fieldArb, fc.string({ maxLength: 30 }), { maxKeys: 4 }).map((value) => ({ kind: 'form' as const, value })),
  fc
    .tuple(fc.dictionary(fieldArb, fc.string({ maxLength: 30 }), { maxKeys: 3 }), fc.boolean())
    .map(([value, file]) => ({ kind: 'multipart' as const, value, file })),
);

const actorArb = fc.constantFrom('none', 'superadmin', 'supportA', 'supportNone', 'compliance', 'engineer', 'user');
const originArb = fc.constantFrom<Record<string, string>>(
  {},
  { Origin: 'https://evil.example' },
  { 'Sec-Fetch-Site': 'cross-site' },
  { 'Sec-Fetch-Site': 'same-origin' },
);

async function send(method: (typeof METHODS)[number], path: string, body: Body, actor: string, headers: Record<string, string>) {
  let req = request(w.h.app)[method.toLowerCase() as 'get'](path);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  if (actor === 'user') req = req.set('Authorization', `Bearer ${bearer}`);
  else if (actor !== 'none') req = req.set('Cookie', cookies[actor]!);
  req = req.set('Idempotency-Key', `adv-${Math.random().toString(36).slice(2)}`);
  if (method !== 'GET' && method !== 'HEAD') {
    if (body.kind === 'json') req = req.set('Content-Type', 'application/json').send(JSON.stringify(body.value));
    else if (body.kind === 'raw-json') req = req.set('Content-Type', 'application/json').send(body.text);
    else if (body.kind === 'form') req = req.type('form').send(body.value);
    else if (body.kind === 'multipart') {
      for (const [k, v] of Object.entries(body.value)) req = req.field(k, v);
      if (body.file || !Object.keys(body.value).length) req = req.attach('file', Buffer.from('=1+1,x\n'), 'x.csv');
    }
  }
  return req.redirects(0).ok(() => true);
}

beforeAll(async () => {
  w = await buildWorld();
  for (const role of ['superadmin', 'supportA', 'supportNone', 'compliance', 'engineer'] as const)
    cookies[role] = await loginCookie(w.h.app, w.staff[role].email, STRONG_PASSWORD);
  const email = 'adversary@example.com';
  await request(w.h.app)
    .post('/api/v1/auth/register')
    .set('Idempotency-Key', 'adv-register')
    .send({ email, password: STRONG_PASSWORD, name: 'Ada Versary', tenant_name: 'Versary household' });
  bearer = (await request(w.h.app).post('/api/v1/auth/token').send({ email, password: STRONG_PASSWORD })).body
    .access_token as string;
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    stderr.push(String(chunk));
    return write(chunk, ...rest);
  };
});
afterAll(async () => {
  process.stderr.write = write;
  await w?.close();
});

describe('adversarial requests on the admin and the API (fast-check)', () => {
  for (const [door, pathArb, runs] of [
    ['admin', adminPathArb, 400],
    ['API', apiPathArb, 300],
  ] as const) {
    it(`answers every generated ${door} request below 500, errors in the one shape, refusals changing nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHODS),
          pathArb(),
          bodyArb,
          actorArb,
          originArb,
          async (method, path, body, actor, headers) => {
            const before = await snapshot();
            const res = await send(method, path, body, actor, headers);
            const where = `${method} ${path} (${actor}, ${body.kind}, ${JSON.stringify(headers)})`;
            expect(res.status, `${where}: ${res.text?.slice(0, 300)}`).toBeLessThan(500);
            if (res.status >= 400) {
              if (method !== 'HEAD' && res.type === 'application/json')
                expect(res.body.error, where).toMatchObject({ code: expect.any(String), correlation_id: expect.any(String) });
              expect(res.text ?? '', where).not.toMatch(/\n\s+at .+:\d+:\d+/);
              expect(await snapshot(), where).toEqual(before);
            }
            if (method === 'HEAD' || method === 'GET') expect(await snapshot(), `${where} (a read)`).toEqual(before);
          },
        ),
        { numRuns: runs, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
      );
    });
  }

  it('wrote no stack trace to stderr while doing so', () => {
    expect(stderr.join('')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
