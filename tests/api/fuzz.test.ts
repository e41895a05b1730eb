import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../src/modules/tenants/tenant.repository.js';
import { assertContract } from './helpers/contract.js';
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness, type SignedInUser } from './helpers/harness.js';

/**
 * Property-based fuzzing of the whole API: at least 10,000 generated requests across every
 * operation, valid and malformed (wrong types, huge numbers, unicode, negative and over-precise
 * amounts, unknown currencies, broken cursors, oversized bodies, bad keys and tokens). For every
 * response: no 5xx, documented status and body (errors in the one shape). For every batch: the
 * rows of each domain table grow by exactly what the successful, non-replayed creations explain —
 * so a rejected request never writes.
 */

const TABLES = ['Tenant', 'User', 'Account', 'Transaction', 'Category', 'Budget', 'IdempotencyKey'] as const;
type Table = (typeof TABLES)[number];
type Counts = Record<Table, number>;

const CREATES: Record<string, Partial<Counts>> = {
  register: { Tenant: 1, User: 1, Category: DEFAULT_CATEGORIES.length, IdempotencyKey: 1 },
  createAccount: { Account: 1, IdempotencyKey: 1 },
  createTransaction: { Transaction: 1, IdempotencyKey: 1 },
  createAdjustment: { Transaction: 1, IdempotencyKey: 1 },
  createCategory: { Category: 1, IdempotencyKey: 1 },
  createBudget: { Budget: 1, IdempotencyKey: 1 },
  // A running export is returned rather than started twice: only the key is certain.
  requestExport: { IdempotencyKey: 1 },
};

interface Req {
  op: string;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Fixtures {
  a: SignedInUser;
  b: SignedInUser;
  /** Closes their account somewhere in the run (DELETE /me). */
  c: SignedInUser;
  exportId: string;
  eur: string;
  jpy: string;
  bhd: string;
  tx: string;
  adjustment: string;
  category: string;
  bAccount: string;
  bTx: string;
  bCategory: string;
  cursor: string;
}

const TARGET_REQUESTS = 10_000;

describe('fuzzing every operation (fast-check)', () => {
  let h: ApiHarness;
  let fx: Fixtures;
  const seen = { total: 0, statuses: new Map<number, number>() };

  beforeAll(async () => {
    h = await startApi();
    const a = await signUp(h, 'fuzz-a');
    const b = await signUp(h, 'fuzz-b');
    const post = async (u: SignedInUser, path: string, body: object) =>
      checked(await h.http().post(path).set(u.auth).set('Idempotency-Key', newKey()).send(body)).body;
    const acc = (u: SignedInUser, currency: string) =>
      post(u, '/api/v1/accounts', { name: `${currency} acc`, type: 'BANK', currency });
    const eur = await acc(a, 'EUR');
    const tx = await post(a, '/api/v1/transactions', { account_id: eur.id, amount: '10.00', direction: 'DEBIT' });
    const adjustment = await post(a, `/api/v1/transactions/${tx.id}/adjustments`, {
      amount: '1.00',
      direction: 'CREDIT',
      reason: 'seed',
    });
    const bAcc = await acc(b, 'EUR');
    const bTx = await post(b, '/api/v1/transactions', { account_id: bAcc.id, amount: '10.00', direction: 'DEBIT' });
    for (let i = 0; i < 3; i++)
      await post(a, '/api/v1/transactions', { account_id: eur.id, amount: `${i + 1}.00`, direction: 'CREDIT' });
    const page = checked(await h.http().get('/api/v1/transactions?limit=2').set(a.auth)).body;
    const cat = async (u: SignedInUser) =>
      (await h.t.owner.prisma.category.findFirstOrThrow({ where: { tenantId: u.tenantId, name: 'Groceries' } })).id;
    const c = await signUp(h, 'fuzz-c');
    const exportJob = checked(await h.http().post('/api/v1/me/exports').set(a.auth).set('Idempotency-Key', newKey())).body;
    fx = {
      a,
      b,
      c,
      exportId: exportJob.id,
      eur: eur.id,
      jpy: (await acc(a, 'JPY')).id,
      bhd: (await acc(a, 'BHD')).id,
      tx: tx.id,
      adjustment: adjustment.id,
      category: await cat(a),
      bAccount: bAcc.id,
      bTx: bTx.id,
      bCategory: await cat(b),
      cursor: page.next_cursor,
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  async function counts(): Promise<Counts> {
    const { rows } = await h.t.owner.pool.query<Record<Table, string>>(
      `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`,
    );
    return Object.fromEntries(TABLES.map((t) => [t, Number(rows[0]![t])])) as Counts;
  }

  // ---- arbitraries -----------------------------------------------------------------------

  const unicode = fc.string({ unit: 'grapheme', maxLength: 40 });
  const binary = fc.string({ unit: 'binary', maxLength: 30 });
  /** Values of the wrong kind, or the right kind out of bounds. */
  const weird = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(1e308, -1e308, 2 ** 64, Number.MAX_SAFE_INTEGER, -0),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '-5.00',
      '0',
      '0.00',
      '1.001',
      '12.3456789',
      '1e5',
      '1e308',
      'NaN',
      'Infinity',
      '9'.repeat(40),
      '-0.01',
      '١٢٣',
    ),
    fc.constantFrom('XYZ', 'eur', 'EURO', 'US', '€', '🙂'),
    unicode,
    binary,
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  );
  const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: weird });

  const amount = (decimals: number) =>
    fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 10 ** Math.max(decimals, 1) - 1 })).map(([i, f]) => {
      const whole = String(i === 0 && f === 0 ? 1 : i);
      return decimals === 0 ? whole : `${whole}.${String(f).padStart(decimals, '0').slice(0, decimals)}`;
    });
  const ownAccount = fc.constantFrom<[string, number]>(['eur', 2], ['jpy', 0], ['bhd', 3]);
  const isoTime = fc
    .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const idIn = (ids: () => string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 99 }).map((i) => ids()[i % ids().length]!) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: unicode.map((s) => s) },
    );

  const idempotencyKey = fc.oneof(
    { weight: 8, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.constantFrom('shared-1', 'shared-2', 'shared-3') },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', ' ', 'é', 'x'.repeat(300), 'tab\tkey') },
  );
  const authFor = fc.oneof(
    { weight: 12, arbitrary: fc.constant('a') },
    { weight: 1, arbitrary: fc.constantFrom('none', 'garbage', 'basic', 'b') },
  );

  const withExtras = (body: fc.Arbitrary<Record<string, unknown>>) =>
    fc
      .tuple(
        body,
        fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), { freq: 8 }),
      )
      .map(([b, extra]) => ({
        ...b,
        ...(extra ?? {}),
      }));

  const encodeBody = fc.tuple(
    fc.oneof(
      { weight: 40, arbitrary: fc.constant('json') },
      { weight: 1, arbitrary: fc.constant('oversized') },
      { weight: 1, arbitrary: fc.constant('malformed') },
      { weight: 1, arbitrary: fc.constant('primitive') },
      { weight: 1, arbitrary: fc.constant('text') },
    ),
    unicode,
  );

  /** Counterexamples print as one short line per request. */
  function described(req: Req): Req {
    const tokens: Record<string, string> = {
      [`Bearer ${fx.a.accessToken}`]: 'A',
      [`Bearer ${fx.b.accessToken}`]: 'B',
      [`Bearer ${fx.c.accessToken}`]: 'C',
    };
    const auth = tokens[req.headers.authorization ?? ''] ?? (req.headers.authorization ?? 'none').slice(0, 12);
    return Object.assign(req, {
      [fc.toStringMethod]: () =>
        `${req.method} ${req.path.slice(0, 160)} [auth ${auth}, key ${req.headers['idempotency-key']?.slice(0, 40) ?? '-'}] ${req.body ? req.body.slice(0, 200) : ''}`,
    });
  }

  function request(
    op: string,
    method: Req['method'],
    path: string,
    who: string,
    key: string | undefined | null,
    body: unknown,
    encoding: [string, string],
  ): Req {
    const headers: Record<string, string> = {};
    if (who === 'a') headers.authorization = `Bearer ${fx.a.accessToken}`;
    else if (who === 'b') headers.authorization = `Bearer ${fx.b.accessToken}`;
    else if (who === 'c') headers.authorization = `Bearer ${fx.c.accessToken}`;
    else if (who === 'garbage') headers.authorization = 'Bearer abc.def.ghi';
    else if (who === 'basic') headers.authorization = 'Basic dXNlcjpwYXNz';
    if (key !== null && key !== undefined) headers['idempotency-key'] = key;
    if (body === undefined) return described({ op, method, path, headers });
    const [kind, noise] = encoding;
    headers['content-type'] = 'application/json';
    if (kind === 'oversized')
      return described({
        op,
        method,
        path,
        headers,
        body: JSON.stringify({ ...(body as object), description: 'x'.repeat(70_000) }),
      });
    if (kind === 'malformed') return described({ op, method, path, headers, body: JSON.stringify(body).slice(0, -1) + noise });
    if (kind === 'primitive') return described({ op, method, path, headers, body: JSON.stringify(noise) });
    if (kind === 'text') {
      headers['content-type'] = 'text/plain';
      return described({ op, method, path, headers, body: noise });
    }
    return described({ op, method, path, headers, body: JSON.stringify(body) });
  }

  const query = (params: Record<string, unknown>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  };
  const cursor = fc.oneof(
    fc.constant(undefined),
    fc.constant(undefined),
    fc.constant('__valid__'),
    fc.string({ maxLength: 30 }),
    unicode,
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    fc.tuple(fc.integer(), isoTime, fc.uuid()).map((t) => Buffer.from(JSON.stringify(t)).toString('base64url')),
  );
  const pageParams = fc.record({ limit: field(fc.integer({ min: 1, max: 100 })), cursor }, { requiredKeys: [] });

  const requestArbitrary = (): fc.Arbitrary<Req> =>
    fc.oneof(
      // Lists and reads
      fc
        .tuple(pageParams, authFor, fc.constantFrom('accounts', 'categories', 'budgets'))
        .map(([p, who, what]) =>
          request(
            `list:${what}`,
            'GET',
            `/api/v1/${what}${query({ ...p, cursor: p.cursor === '__valid__' ? fx.cursor : p.cursor })}`,
            who,
            null,
            undefined,
            ['json', ''],
          ),
        ),
      fc
        .tuple(
          pageParams,
          fc.record(
            {
              account_id: idIn(() => [fx.eur, fx.jpy, fx.bAccount]),
              category_id: idIn(() => [fx.category, fx.bCategory]),
              from: field(isoTime),
              to: field(isoTime),
              direction: field(fc.constantFrom('CREDIT', 'DEBIT')),
              [`x${'y'}`]: fc.string({ maxLength: 4 }),
            },
            { requiredKeys: [] },
          ),
          authFor,
        )
        .map(([p, filters, who]) =>
          request(
            'list:transactions',
            'GET',
            `/api/v1/transactions${query({ ...p, cursor: p.cursor === '__valid__' ? fx.cursor : p.cursor, ...filters })}`,
            who,
            null,
            undefined,
            ['json', ''],
          ),
        ),
      fc
        .tuple(
          idIn(() => [fx.eur, fx.jpy, fx.bAccount]),
          authFor,
        )
        .map(([id, who]) =>
          request('getAccount', 'GET', `/api/v1/accounts/${encodeURIComponent(String(id))}`, who, null, undefined, ['json', '']),
        ),
      authFor.map((who) => request('me', 'GET', '/api/v1/me', who, null, undefined, ['json', ''])),
      // Creating POSTs
      fc
        .tuple(
          withExtras(
            fc.record(
              {
                name: field(unicode.filter((s) => s.trim().length > 0)),
                type: field(fc.constantFrom('BANK', 'WALLET', 'CASH', 'CREDIT_CARD', 'LOAN', 'INVESTMENT')),
                currency: field(fc.constantFrom('EUR', 'USD', 'JPY', 'BHD')),
                institution: field(fc.option(unicode)),
              },
              { requiredKeys: ['name', 'type', 'currency'] },
            ),
          ),
          authFor,
          idempotencyKey,
          encodeBody,
        )
        .map(([body, who, key, enc]) => request('createAccount', 'POST', '/api/v1/accounts', who, key, body, enc)),
      fc
        .tuple(ownAccount, fc.nat(), authFor, idempotencyKey, encodeBody)
        .chain(([[acc, decimals], n, who, key, enc]) =>
          withExtras(
            fc.record(
              {
                account_id: fc.oneof(
                  { weight: 8, arbitrary: fc.constant(fx[acc as 'eur']) },
                  { weight: 1, arbitrary: fc.constant(fx.bAccount) },
                  { weight: 1, arbitrary: weird },
                ),
                category_id: field(fc.constantFrom(fx.category, fx.bCategory, null)),
                amount: field(
                  fc.oneof({ weight: 4, arbitrary: amount(decimals) }, { weight: 1, arbitrary: amount(decimals + 1) }),
                ),
                currency: field(fc.constantFrom('EUR', 'JPY', 'BHD', 'USD')),
                direction: field(fc.constantFrom('CREDIT', 'DEBIT')),
                occurred_at: field(isoTime),
                description: field(unicode),
              },
              { requiredKeys: ['account_id', 'amount', 'direction'] },
            ),
          ).map((body) => request(`createTransaction#${n % 2}`, 'POST', '/api/v1/transactions', who, key, body, enc)),
        )
        .map((r) => ({ ...r, op: 'createTransaction' })),
      fc
        .tuple(
          idIn(() => [fx.tx, fx.tx, fx.adjustment, fx.bTx]),
          withExtras(
            fc.record(
              {
                amount: field(amount(2)),
                direction: field(fc.constantFrom('CREDIT', 'DEBIT')),
                description: field(unicode),
                reason: field(unicode),
              },
              { requiredKeys: ['amount', 'direction', 'reason'] },
            ),
          ),
          authFor,
          idempotencyKey,
          encodeBody,
        )
        .map(([id, body, who, key, enc]) =>
          request(
            'createAdjustment',
            'POST',
            `/api/v1/transactions/${encodeURIComponent(String(id))}/adjustments`,
            who,
            key,
            body,
            enc,
          ),
        ),
      fc
        .tuple(
          withExtras(
            fc.record(
              { name: field(unicode), kind: field(fc.constantFrom('INCOME', 'EXPENSE', 'TRANSFER')) },
              { requiredKeys: ['name'] },
            ),
          ),
          authFor,
          idempotencyKey,
          encodeBody,
        )
        .map(([body, who, key, enc]) => request('createCategory', 'POST', '/api/v1/categories', who, key, body, enc)),
      fc
        .tuple(
          withExtras(
            fc.record(
              {
                category_id: field(fc.constantFrom(fx.category, fx.bCategory)),
                name: field(unicode),
                amount: field(amount(2)),
                currency: field(fc.constantFrom('EUR', 'USD', 'JPY')),
                period: field(fc.constantFrom('WEEKLY', 'MONTHLY', 'YEARLY')),
                starts_on: field(isoTime.map((s) => s.slice(0, 10))),
                ends_on: field(fc.option(isoTime.map((s) => s.slice(0, 10)))),
              },
              { requiredKeys: ['category_id', 'name', 'amount', 'currency', 'starts_on'] },
            ),
          ),
          authFor,
          idempotencyKey,
          encodeBody,
        )
        .map(([body, who, key, enc]) => request('createBudget', 'POST', '/api/v1/budgets', who, key, body, enc)),
      // Auth (mostly invalid: valid registrations and logins are expensive on purpose)
      // Auth requests that reach a password hash cost ~10 ms of CPU each: most of these stop before.
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            withExtras(
              fc.record(
                {
                  email: fc.oneof(
                    { weight: 1, arbitrary: fc.uuid().map((u) => `fz-${u}@example.test`) },
                    { weight: 3, arbitrary: weird },
                  ),
                  password: fc.oneof({ weight: 1, arbitrary: fc.constant(STRONG_PASSWORD) }, { weight: 3, arbitrary: weird }),
                  name: field(unicode),
                  tenant_name: field(unicode),
                },
                { requiredKeys: [] },
              ),
            ),
            idempotencyKey,
            encodeBody,
          )
          .map(([body, key, enc]) => request('register', 'POST', '/api/v1/auth/register', 'none', key, body, enc)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.record(
              {
                email: fc.oneof(fc.constant('nobody@example.test'), weird),
                password: fc.oneof(
                  { weight: 1, arbitrary: weird },
                  { weight: 3, arbitrary: fc.constantFrom(null, 1, true, [], {}) },
                ),
              },
              { requiredKeys: [] },
            ),
            encodeBody,
          )
          .map(([body, enc]) => request('token', 'POST', '/api/v1/auth/token', 'none', null, body, enc)),
      },
      fc
        .tuple(
          fc.record({ refresh_token: fc.oneof(fc.string({ maxLength: 60 }), weird) }, { requiredKeys: [] }),
          fc.constantFrom('refresh', 'logout'),
          encodeBody,
        )
        .map(([body, what, enc]) => request(what, 'POST', `/api/v1/auth/${what}`, 'none', null, body, enc)),
      // Data rights
      fc
        .tuple(
          fc.constantFrom('a', 'b', 'none'),
          idempotencyKey,
          fc.option(fc.jsonValue({ maxDepth: 1 }), { freq: 3 }),
          encodeBody,
        )
        .map(([who, key, body, enc]) => request('requestExport', 'POST', '/api/v1/me/exports', who, key, body ?? undefined, enc)),
      fc
        .tuple(
          idIn(() => [fx.exportId]),
          fc.constantFrom('a', 'b', 'none'),
          fc.boolean(),
        )
        .map(([id, who, download]) =>
          request(
            'getExport',
            'GET',
            `/api/v1/me/exports/${encodeURIComponent(String(id))}${download ? '/download' : ''}`,
            who,
            null,
            undefined,
            ['json', ''],
          ),
        ),
      fc
        .tuple(
          fc.record({ reason: field(unicode) }, { requiredKeys: [] }),
          fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }), { freq: 3 }),
          encodeBody,
        )
        .map(([body, extra, enc]) => request('deleteMe', 'DELETE', '/api/v1/me', 'c', null, { ...body, ...(extra ?? {}) }, enc)),
      // Nonsense routes and methods
      fc
        // (a non-empty junk segment: `DELETE /api/v1/me/` is DELETE /me, and would close user A)
        .tuple(
          fc.constantFrom<Req['method']>('GET', 'POST', 'DELETE', 'PUT'),
          fc.constantFrom('/api/v1/accounts', '/api/v1/me', '/api/v1/transactions/x/y'),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
          authFor,
        )
        .map(([method, base, junk, who]) =>
          request('nonsense', method, `${base}/${encodeURIComponent(junk)}`, who, null, undefined, ['json', '']),
        ),
    );

  async function send(req: Req): Promise<{ status: number; replayed: boolean }> {
    // Node's fetch keeps connections alive: the in-process server answers over few sockets.
    const res = await fetch(`${h.baseUrl}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new Error(`${req.method} ${req.path}: non-JSON response ${res.status}: ${text.slice(0, 200)}`);
    }
    seen.total++;
    seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500)
      throw new Error(
        `${req.method} ${req.path} answered ${res.status}: ${text.slice(0, 300)} (body ${req.body?.slice(0, 300)})`,
      );
    assertContract(req.method, req.path, res.status, body, res.headers.get('content-type') ?? undefined);
    return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true' };
  }

  it(`answers ${TARGET_REQUESTS}+ generated requests without a 5xx, in the documented shapes, writing only on success`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestArbitrary(), { minLength: 32, maxLength: 32 }), async (batch) => {
        const before = await counts();
        const expected: Counts = { ...before };
        const results: Array<{ status: number; replayed: boolean }> = new Array(batch.length);
        let next = 0;
        let failed = false;
        const worker = async () => {
          while (next < batch.length && !failed) {
            const i = next++;
            try {
              results[i] = await send(batch[i]!);
            } catch (err) {
              failed = true;
              throw err;
            }
          }
        };
        // Every worker finishes before the batch is judged (no request outlives its batch).
        const settled = await Promise.allSettled(Array.from({ length: 8 }, worker));
        const rejection = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (rejection) throw rejection.reason;
        batch.forEach((req, i) => {
          const r = results[i]!;
          if (r.status === 201 && !r.replayed)
            for (const [t, n] of Object.entries(CREATES[req.op] ?? {})) expected[t as Table] += n;
        });
        const after = await counts();
        expect(after).toEqual(expected);
      }),
      { numRuns: 320, seed: Number(process.env.FUZZ_SEED ?? 20250314), endOnFailure: true },
    );
    console.info(
      `fuzz: ${seen.total} requests; statuses ${JSON.stringify(Object.fromEntries([...seen.statuses].sort(([a], [b]) => a - b)))}`,
    );
    expect(seen.total).toBeGreaterThanOrEqual(TARGET_REQUESTS);
    // The generator reaches every kind of answer.
    for (const status of [200, 201, 204, 400, 401, 404, 409, 413])
      if (status !== 204) expect(seen.statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 600_000);
});
