import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '../../src/http/api/router.js';
import { newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness, type SignedInUser } from '../api/helpers/harness.js';
import type { PrismaClient } from '@prisma/client';
import { buildAdminResources } from '../../admin/resources/index.js';
import { MODEL_POLICIES } from '../../src/modules/admin-records/admin-records.policy.js';
import { buildWorld, TENANT_OWNED, type AdminApi, type World as AdminTestWorld } from '../admin/resources.helpers.js';
import { verify } from './helpers.js';
import { createAccountToken } from '../../src/modules/mail/account-token.js';
import { TEST_SECRETS } from '../helpers/db.js';

/**
 * Completeness of the audit trail over the public API: every write endpoint has a case here, and
 * each call writes exactly one audit event carrying the request's id (X-Request-Id = correlation
 * id) — a refused call exactly one DENIED/FAILURE event, an idempotent replay none. A new write
 * endpoint without a case fails the first test.
 */
interface Call {
  status: number;
  rid: string;
}
interface ApiCase {
  /** The event a successful call writes. */
  action: string;
  ok: (w: World) => Promise<Call>;
  /** A refused call (another tenant's record, bad credentials…) and the event it writes. */
  refused?: { action: string; outcome: 'DENIED' | 'FAILURE'; call: (w: World) => Promise<Call> };
  /** The same request replayed with its Idempotency-Key writes nothing. */
  replay?: (w: World) => Promise<Call>;
}

interface World {
  h: ApiHarness;
  me: SignedInUser;
  other: SignedInUser;
  accountId: string;
  otherAccountId: string;
  categoryId: string;
  otherCategoryId: string;
  transactionId: string;
  otherTransactionId: string;
}

const rid = () => `req-${randomUUID()}`;

async function post(
  w: World,
  path: string,
  body: unknown,
  options: { auth?: SignedInUser | null; key?: string } = {},
): Promise<Call & { body: Record<string, unknown> }> {
  const id = rid();
  let req = w.h.http().post(path).set('X-Request-Id', id);
  const who = options.auth === undefined ? w.me : options.auth;
  if (who) req = req.set('Authorization', `Bearer ${who.accessToken}`);
  if (options.key) req = req.set('Idempotency-Key', options.key);
  const res = await req.send(body as object);
  return { status: res.status, rid: id, body: res.body as Record<string, unknown> };
}

/** A request replayed with the same key and body. */
function replayOf(path: string, body: (w: World) => unknown): (w: World) => Promise<Call> {
  return async (w) => {
    const key = newKey('replay');
    const first = await post(w, path, body(w), { key });
    expect(first.status).toBeLessThan(300);
    return post(w, path, body(w), { key });
  };
}

/** Any request of another method (PATCH, PUT) with its own request id. */
async function send(w: World, method: 'patch' | 'put', path: string, body: unknown, who: SignedInUser): Promise<Call> {
  const id = rid();
  const res = await w.h
    .http()
    [method](path)
    .set('X-Request-Id', id)
    .set('Authorization', `Bearer ${who.accessToken}`)
    .send(body as object);
  return { status: res.status, rid: id };
}

/** Runs the outbox until it is empty (a reset request is looked up, and audited, by its consumer). */
async function drainOutbox(w: World): Promise<void> {
  const dispatcher = w.h.t.services.outbox.createDispatcher({ mailer: w.h.t.services.mail.createMailer() });
  while ((await dispatcher.dispatchOnce()).claimed > 0);
}

/** A valid link token for a fresh user's current request (reset or verification). */
async function linkTokenFor(w: World, purpose: 'password-reset' | 'email-verify'): Promise<string> {
  const u = await signUp(w.h, `link-${purpose}`);
  const at = new Date();
  const row = await w.h.t.owner.prisma.user.update({
    where: { id: u.userId },
    data: purpose === 'password-reset' ? { passwordResetSentAt: at } : { emailVerificationSentAt: at },
  });
  return createAccountToken(TEST_SECRETS.accountTokenKey, purpose, {
    userId: u.userId,
    requestedAt: at,
    ...(purpose === 'email-verify' ? { target: row.email } : {}),
  });
}

const CASES: Record<string, ApiCase> = {
  'POST /api/v1/auth/password-reset': {
    // Audited by the outbox consumer that looks the address up, with the request's correlation id.
    action: 'api.auth.password_reset_request',
    ok: async (w) => {
      const call = await post(w, '/api/v1/auth/password-reset', { email: w.other.email }, { auth: null });
      await drainOutbox(w);
      return call;
    },
    // No refused case: an unknown address answers 202 like a known one, by design (its FAILURE
    // event is checked in tests/api/lifecycle.test.ts).
  },
  'POST /api/v1/auth/password-reset/confirm': {
    action: 'api.auth.password_reset',
    ok: async (w) =>
      post(
        w,
        '/api/v1/auth/password-reset/confirm',
        { token: await linkTokenFor(w, 'password-reset'), password: 'fresh-Lantern-harbour-31' },
        { auth: null },
      ),
    refused: {
      action: 'api.auth.password_reset',
      outcome: 'FAILURE',
      call: (w) =>
        post(
          w,
          '/api/v1/auth/password-reset/confirm',
          { token: 'forged.token', password: 'fresh-Lantern-harbour-31' },
          { auth: null },
        ),
    },
  },
  'POST /api/v1/auth/verify-email': {
    action: 'api.auth.email_verify',
    ok: async (w) => post(w, '/api/v1/auth/verify-email', { token: await linkTokenFor(w, 'email-verify') }, { auth: null }),
    refused: {
      action: 'api.auth.email_verify',
      outcome: 'FAILURE',
      call: (w) => post(w, '/api/v1/auth/verify-email', { token: 'forged.token' }, { auth: null }),
    },
  },
  'PATCH /api/v1/me': {
    action: 'user.rectify',
    ok: (w) => send(w, 'patch', '/api/v1/me', { name: `Renamed ${randomUUID().slice(0, 8)}` }, w.me),
  },
  'POST /api/v1/me/email-verification': {
    action: 'user.email_verification_request',
    ok: async (w) => post(w, '/api/v1/me/email-verification', {}, { auth: await signUp(w.h, 'resend') }),
  },
  'PUT /api/v1/me/consents': {
    action: 'user.consent_update',
    ok: async (w) => send(w, 'put', '/api/v1/me/consents', { marketing: true }, await signUp(w.h, 'consent')),
  },
  'POST /api/v1/auth/register': {
    action: 'user.register',
    ok: (w) =>
      post(
        w,
        '/api/v1/auth/register',
        {
          email: `reg-${randomUUID()}@example.test`,
          password: STRONG_PASSWORD,
          name: 'New Person',
          tenant_name: 'New household',
        },
        { auth: null, key: newKey() },
      ),
  },
  'POST /api/v1/auth/token': {
    action: 'api.auth.login',
    ok: (w) => post(w, '/api/v1/auth/token', { email: w.me.email, password: STRONG_PASSWORD }, { auth: null }),
    refused: {
      action: 'api.auth.login',
      outcome: 'FAILURE',
      call: (w) => post(w, '/api/v1/auth/token', { email: w.me.email, password: 'wrong-Password-123456' }, { auth: null }),
    },
  },
  'POST /api/v1/auth/refresh': {
    action: 'api.auth.refresh',
    ok: async (w) => {
      const login = await post(w, '/api/v1/auth/token', { email: w.other.email, password: STRONG_PASSWORD }, { auth: null });
      return post(w, '/api/v1/auth/refresh', { refresh_token: login.body.refresh_token }, { auth: null });
    },
  },
  'POST /api/v1/auth/logout': {
    action: 'api.auth.logout',
    ok: async (w) => {
      const login = await post(w, '/api/v1/auth/token', { email: w.other.email, password: STRONG_PASSWORD }, { auth: null });
      return post(w, '/api/v1/auth/logout', { refresh_token: login.body.refresh_token }, { auth: null });
    },
  },
  'POST /api/v1/me/exports': {
    action: 'export.start',
    ok: (w) => post(w, '/api/v1/me/exports', {}, { auth: w.other, key: newKey() }),
  },
  'DELETE /api/v1/me': {
    action: 'user.erasure_request',
    ok: async (w) => {
      const leaving = await signUp(w.h, 'leaving');
      const id = rid();
      const res = await w.h
        .http()
        .delete('/api/v1/me')
        .set('X-Request-Id', id)
        .set('Authorization', `Bearer ${leaving.accessToken}`)
        .send({ reason: 'No longer needed' });
      return { status: res.status, rid: id };
    },
  },
  'POST /api/v1/accounts': {
    action: 'account.create',
    ok: (w) => post(w, '/api/v1/accounts', { name: 'Savings', type: 'BANK', currency: 'EUR' }, { key: newKey() }),
    replay: replayOf('/api/v1/accounts', () => ({ name: 'Replayed', type: 'CASH', currency: 'EUR' })),
  },
  'POST /api/v1/transactions': {
    action: 'transaction.create',
    ok: (w) =>
      post(
        w,
        '/api/v1/transactions',
        { account_id: w.accountId, amount: '12.34', direction: 'DEBIT', description: 'Market' },
        { key: newKey() },
      ),
    refused: {
      action: 'transaction.create',
      outcome: 'DENIED',
      call: (w) =>
        post(w, '/api/v1/transactions', { account_id: w.otherAccountId, amount: '1.00', direction: 'DEBIT' }, { key: newKey() }),
    },
    replay: replayOf('/api/v1/transactions', (w) => ({ account_id: w.accountId, amount: '3.00', direction: 'CREDIT' })),
  },
  'POST /api/v1/transactions/{id}/adjustments': {
    action: 'transaction.adjust',
    ok: (w) =>
      post(
        w,
        `/api/v1/transactions/${w.transactionId}/adjustments`,
        { amount: '1.00', direction: 'CREDIT', reason: 'Charged twice' },
        { key: newKey() },
      ),
    refused: {
      action: 'transaction.adjust',
      outcome: 'DENIED',
      call: (w) =>
        post(
          w,
          `/api/v1/transactions/${w.otherTransactionId}/adjustments`,
          { amount: '1.00', direction: 'CREDIT', reason: 'Not mine' },
          { key: newKey() },
        ),
    },
  },
  'POST /api/v1/categories': {
    action: 'category.create',
    ok: (w) => post(w, '/api/v1/categories', { name: `Pets ${randomUUID().slice(0, 8)}`, kind: 'EXPENSE' }, { key: newKey() }),
  },
  'POST /api/v1/budgets': {
    action: 'budget.create',
    ok: (w) =>
      post(
        w,
        '/api/v1/budgets',
        { category_id: w.categoryId, name: 'Food', amount: '400.00', currency: 'EUR', starts_on: '2026-01-01' },
        { key: newKey() },
      ),
    refused: {
      action: 'budget.create',
      outcome: 'DENIED',
      call: (w) =>
        post(
          w,
          '/api/v1/budgets',
          { category_id: w.otherCategoryId, name: 'Food', amount: '400.00', currency: 'EUR', starts_on: '2026-01-01' },
          { key: newKey() },
        ),
    },
  },
};

describe('audit completeness: public API write endpoints', () => {
  let w: World;

  beforeAll(async () => {
    const h = await startApi();
    const me = await signUp(h, 'me');
    const other = await signUp(h, 'other');
    const mk = async (who: SignedInUser) => {
      const account = await post(
        { h, me: who } as World,
        '/api/v1/accounts',
        { name: 'Current', type: 'BANK', currency: 'EUR' },
        { auth: who, key: newKey() },
      );
      const tx = await post(
        { h, me: who } as World,
        '/api/v1/transactions',
        { account_id: account.body.id, amount: '50.00', direction: 'DEBIT' },
        { auth: who, key: newKey() },
      );
      const category = await h.t.owner.prisma.category.findFirstOrThrow({ where: { tenantId: who.tenantId, kind: 'EXPENSE' } });
      return { accountId: String(account.body.id), transactionId: String(tx.body.id), categoryId: category.id };
    };
    const mine = await mk(me);
    const theirs = await mk(other);
    w = {
      h,
      me,
      other,
      ...mine,
      otherAccountId: theirs.accountId,
      otherCategoryId: theirs.categoryId,
      otherTransactionId: theirs.transactionId,
    };
  }, 120_000);
  afterAll(async () => w?.h.close());

  const eventsOf = (id: string) =>
    w.h.t.owner.prisma.auditEvent.findMany({ where: { correlationId: id }, orderBy: { id: 'asc' } });

  it('has a case for every write endpoint of the API (and none for endpoints that no longer exist)', () => {
    const writes = apiOperations(w.h.t.services)
      .filter((o) => o.method !== 'get')
      .map((o) => `${o.method.toUpperCase()} ${o.path}`)
      .sort();
    expect(Object.keys(CASES).sort()).toEqual(writes);
  });

  describe.each(Object.entries(CASES))('%s', (_key, c) => {
    it(`writes exactly one ${c.action} event per successful call`, async () => {
      const call = await c.ok(w);
      expect(call.status).toBeLessThan(300);
      const events = await eventsOf(call.rid);
      expect(events.map((e) => [e.action, e.outcome])).toEqual([[c.action, 'SUCCESS']]);
    });

    if (c.refused) {
      const refused = c.refused;
      it(`writes exactly one ${refused.outcome} event per refused call`, async () => {
        const call = await refused.call(w);
        expect(call.status).toBeGreaterThanOrEqual(400);
        const events = await eventsOf(call.rid);
        expect(events.map((e) => [e.action, e.outcome])).toEqual([[refused.action, refused.outcome]]);
      });
    }

    if (c.replay) {
      const replay = c.replay;
      it('writes nothing for an idempotent replay', async () => {
        const call = await replay(w);
        expect(call.status).toBeLessThan(300);
        expect(await eventsOf(call.rid)).toEqual([]);
      });
    }
  });

  it('leaves every chain intact', async () => {
    expect((await verify(w.h.t)).status).toBe('intact');
  });
});

/**
 * Completeness over the admin: every action of every AdminJS resource (stock and custom, as
 * buildAdminResources declares them — a new one is swept automatically) is called over AdminJS's
 * own HTTP routes by a compliance officer, by support staff without grants and by a superadmin.
 * Each call must leave exactly one audit event carrying its request id (SUCCESS when it
 * succeeded, DENIED when it was refused). Reads are the exception the SPEC allows: only reads of
 * personal data (models with `auditReads`) must be recorded; other reads may be.
 */
type AdminCall = (w: AdminWorld, api: AdminApi, rid: string) => Promise<{ status: number }>;
interface AdminWorld extends AdminTestWorld {
  ids: Record<string, string>;
  p: PrismaClient;
}
interface Pair {
  resource: string;
  action: string;
  actionType?: string;
}

const REASON = { reason: 'Completeness check of the audit trail' };
// overview (a show page's customer view) and find (the tenant search) only read: the personal data
// they show is read through the audited admin lists.
const READS = new Set(['list', 'search', 'show', 'download', 'overview', 'find']);
const uniq = () => randomUUID().slice(0, 8);

/** Valid input per action (so a refusal is about the actor, not the form); default: a reason. */
const PAYLOADS: Record<string, (w: AdminWorld) => Record<string, string>> = {
  'Tenant.new': () => ({ slug: `c-${uniq()}`, name: 'Completeness household' }),
  'Tenant.edit': () => ({ name: 'Renamed household' }),
  'User.new': (w) => ({ tenantId: w.a.tenantId, email: `c-${uniq()}@example.test`, name: 'New User', password: STRONG_PASSWORD }),
  'User.edit': () => ({ locale: 'es' }),
  'StaffUser.new': () => ({ email: `c-${uniq()}@staff.test`, role: 'ENGINEER', password: STRONG_PASSWORD }),
  'StaffUser.edit': () => ({ locale: 'es' }),
  'Account.new': (w) => ({ tenantId: w.a.tenantId, name: 'Completeness', type: 'CASH', currency: 'EUR' }),
  'Account.edit': () => ({ name: 'Renamed account' }),
  'Category.new': (w) => ({ tenantId: w.a.tenantId, name: `Completeness ${uniq()}`, kind: 'EXPENSE' }),
  'Category.edit': () => ({ name: `Renamed ${uniq()}` }),
  'Budget.new': (w) => ({
    tenantId: w.a.tenantId,
    categoryId: w.a.categoryId,
    name: 'Completeness',
    amount: '100.00',
    currency: 'EUR',
    startsOn: '2026-01-01',
  }),
  'Budget.edit': () => ({ name: 'Renamed budget' }),
  'RecurringRule.new': (w) => ({
    tenantId: w.a.tenantId,
    accountId: w.a.accountId,
    amount: '10.00',
    currency: 'EUR',
    direction: 'DEBIT',
    description: 'Gym',
    frequency: 'MONTHLY',
    startsOn: '2026-01-01',
    nextRunOn: '2026-02-01',
  }),
  'RecurringRule.edit': () => ({ description: 'Renamed rule' }),
  'Asset.new': (w) => ({
    tenantId: w.a.tenantId,
    name: 'Bike',
    type: 'VEHICLE',
    value: '300.00',
    currency: 'EUR',
    valuedAt: new Date().toISOString(),
  }),
  'Asset.edit': () => ({ name: 'Renamed asset' }),
  'Liability.new': (w) => ({ tenantId: w.a.tenantId, name: 'Card debt', type: 'CREDIT_CARD', amount: '50.00', currency: 'EUR' }),
  'Liability.edit': () => ({ name: 'Renamed liability' }),
  'Loan.new': (w) => ({
    tenantId: w.a.tenantId,
    liabilityId: w.ids.spareLiability!,
    lender: 'Bank',
    principal: '1000.00',
    currency: 'EUR',
    annualRatePct: '3.5',
    termMonths: '12',
    startsOn: '2026-01-01',
    paymentAmount: '85.00',
    paymentDay: '5',
  }),
  'Loan.edit': () => ({ lender: 'Other bank' }),
  'FeatureFlag.new': () => ({
    key: `completeness-${uniq()}`,
    description: 'x',
    owner: 'audit',
    enabled: 'false',
    rolloutPercentage: '0',
  }),
  'FeatureFlag.edit': () => ({ description: 'Edited' }),
  'Transaction.postAdjustment': () => ({ amount: '1.00', direction: 'CREDIT', ...REASON }),
  'TenantAccessGrant.grant': (w) => ({
    staffUserId: w.staff.supportNone.id,
    tenantId: w.b.tenantId,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    ...REASON,
  }),
  'ExportJob.startExport': (w) => ({ resource: 'Account', format: 'CSV', tenantId: w.a.tenantId, ...REASON }),
  'AuditEvent.verify': () => ({}),
  'AuditEvent.exportView': (w) => ({ format: 'CSV', listFilters: JSON.stringify({ tenantId: w.a.tenantId }), ...REASON }),
};

/** Fresh rows for deletions by the superadmin (the shared ones stay for the other calls). */
const FRESH: Record<string, (w: AdminWorld) => Promise<string>> = {
  Account: async (w) =>
    (await w.p.account.create({ data: { tenantId: w.a.tenantId, name: 'Doomed', type: 'CASH', currency: 'EUR' } })).id,
  Category: async (w) =>
    (await w.p.category.create({ data: { tenantId: w.a.tenantId, name: `Doomed ${uniq()}`, kind: 'EXPENSE' } })).id,
  Budget: async (w) =>
    (
      await w.p.budget.create({
        data: {
          tenantId: w.a.tenantId,
          categoryId: w.a.categoryId,
          name: 'Doomed',
          amount: '1',
          currency: 'EUR',
          startsOn: new Date('2026-01-01'),
        },
      })
    ).id,
  RecurringRule: async (w) =>
    (
      await w.p.recurringRule.create({
        data: {
          tenantId: w.a.tenantId,
          accountId: w.a.accountId,
          amount: '1',
          currency: 'EUR',
          direction: 'DEBIT',
          frequency: 'MONTHLY',
          startsOn: new Date('2026-01-01'),
          nextRunOn: new Date('2026-02-01'),
        },
      })
    ).id,
  Asset: async (w) =>
    (
      await w.p.asset.create({
        data: { tenantId: w.a.tenantId, name: 'Doomed', type: 'VEHICLE', value: '1', currency: 'EUR', valuedAt: new Date() },
      })
    ).id,
  Liability: async (w) =>
    (await w.p.liability.create({ data: { tenantId: w.a.tenantId, name: 'Doomed', type: 'LOAN', amount: '1', currency: 'EUR' } }))
      .id,
  FeatureFlag: async (w) => (await w.p.featureFlag.create({ data: { key: `doomed-${uniq()}`, description: 'x' } })).id,
  MailMessage: async (w) =>
    (await w.p.mailMessage.create({ data: { dedupeKey: `doomed-${uniq()}`, to: 'x@example.test', subject: 's', text: 't' } })).id,
};

/** Writes and custom actions a superadmin performs successfully in the sweep (each recorded once). */
const SUPERADMIN_MUST_SUCCEED = [
  'Tenant.suspend',
  'Tenant.reactivate',
  'User.unlock',
  'User.sendPasswordReset',
  'User.reopen',
  'User.reveal',
  'Transaction.postAdjustment',
  'TenantAccessGrant.grant',
  'TenantAccessGrant.revoke',
  'StaffUser.disable',
  'StaffUser.enable',
  'StaffUser.endSessions',
  'AuditEvent.verify',
  'AuditEvent.exportView',
  'ExportJob.startExport',
  'Account.new',
  'Account.edit',
  'Account.delete',
  'Category.new',
  'Category.delete',
  'Budget.new',
  'Asset.new',
  'Liability.new',
  'Loan.new',
  'FeatureFlag.new',
  'FeatureFlag.edit',
  'FeatureFlag.delete',
  'MailMessage.delete',
  'OutboxEvent.requeue',
];

/** The record an action is meant for, when it is not the resource's shared row. */
const TARGETS: Record<string, (w: AdminWorld) => string> = {
  'User.unlock': (w) => w.a.lockedUserId,
  // Reopening is for a closed account whose erasure is pending.
  'User.reopen': (w) => w.ids.closedUser!,
};

function callFor(p: Pair, options: { fresh?: boolean } = {}): AdminCall {
  const key = `${p.resource}.${p.action}`;
  const body = (w: AdminWorld) => (PAYLOADS[key] ?? (() => REASON))(w);
  const target = async (w: AdminWorld) =>
    TARGETS[key]?.(w) ??
    (options.fresh && FRESH[p.resource] && ['delete', 'bulkDelete'].includes(p.action)
      ? FRESH[p.resource]!(w)
      : w.ids[p.resource]!);
  switch (p.action) {
    case 'list':
      return (_w, api, rid) => api.list(p.resource, {}, rid);
    case 'search':
      return (_w, api, rid) => api.search(p.resource, '', rid);
    case 'show':
    case 'download':
      return (w, api, rid) => api.record(p.resource, w.ids[p.resource]!, p.action, rid);
    case 'bulkDelete':
      return async (w, api, rid) => api.bulk(p.resource, 'bulkDelete', [await target(w)], 'post', rid);
    case 'new':
      return (w, api, rid) => api.resourcePost(p.resource, 'new', body(w), rid);
    default:
      if (p.actionType === 'resource') return (w, api, rid) => api.resourcePost(p.resource, p.action, body(w), rid);
      return async (w, api, rid) => api.recordPost(p.resource, await target(w), p.action, body(w), rid);
  }
}

/**
 * Gaps found by this test in the admin as it stands, each reported to the admin's owner. The
 * test passes while the findings are exactly these, fails on any new gap, and fails when one is
 * fixed (so the entry is removed and the guarantee becomes permanent). None at present: opening
 * an out-of-scope record by its id (show included) is now audited as a DENIED attempt.
 */
const KNOWN_GAPS = new Set<string>([]);

describe('audit completeness: every admin action of every resource', () => {
  let w: AdminWorld;
  let pairs: Pair[];
  let auditedReads: Set<string>;

  beforeAll(async () => {
    const world = await buildWorld();
    const p = world.h.t.owner.prisma;
    const flag = await p.featureFlag.create({ data: { key: `completeness-flag-${uniq()}`, description: 'for the sweep' } });
    const job = await p.exportJob.create({
      data: {
        requestedByType: 'STAFF',
        requestedById: world.staff.superadmin.id,
        resource: 'Account',
        format: 'CSV',
        tenantId: world.a.tenantId,
      },
    });
    // FAILED, so that the superadmin's requeue succeeds (a second one is a 409, audited FAILURE).
    const outbox = await p.outboxEvent.create({ data: { type: 'completeness.test', payload: {}, status: 'FAILED' } });
    const mail = await p.mailMessage.create({
      data: { dedupeKey: `completeness-${uniq()}`, to: 'someone@example.test', subject: 'Hello', text: 'Body' },
    });
    const grant = await p.tenantAccessGrant.findFirstOrThrow({ where: { staffUserId: world.staff.supportA.id } });
    const event = await p.auditEvent.findFirstOrThrow({ where: { tenantId: world.a.tenantId } });
    const closing = await world.h.f.user(world.a.tenantId, { name: 'Closing Member' });
    const superadminCtx = await world.h.f.staffCtx({ id: world.staff.superadmin.id, role: 'SUPERADMIN', locale: 'en' });
    await world.h.t.services.erasure.requestErasureBySupport(superadminCtx, { userId: closing.id, reason: 'asked by phone' });
    const spare = await p.liability.create({
      data: { tenantId: world.a.tenantId, name: 'Spare', type: 'LOAN', amount: '1000', currency: 'EUR' },
    });
    // Four-eyes: one pending approval request (an adjustment held by support A) and its policy.
    const policy = (await world.h.t.services.approvals.listPolicies(world.h.f.system())).find(
      (x) => x.action === 'transaction.adjust',
    )!;
    await world.h.t.services.approvals.updatePolicy(world.h.f.system(), policy.id, { enabled: true });
    const supportACtx = await world.h.f.staffCtx({ id: world.staff.supportA.id, role: 'SUPPORT', locale: 'en' });
    const heldId = await world.h.t.services.transactions
      .postAdjustment(supportACtx, {
        transactionId: world.a.transactionIds[0]!,
        amount: '5000.00',
        direction: 'CREDIT',
        ...REASON,
      })
      .then(
        () => null,
        (err: unknown) => (err as { request?: { id: string } }).request?.id ?? null,
      );
    await world.h.t.services.approvals.updatePolicy(world.h.f.system(), policy.id, { enabled: false });
    const ids: Record<string, string> = {
      ApprovalRequest: heldId!,
      ApprovalPolicy: policy.id,
      Tenant: world.a.tenantId,
      StaffUser: world.staff.engineer.id,
      TenantAccessGrant: grant.id,
      AuditEvent: event.id.toString(),
      ExportJob: job.id,
      OutboxEvent: outbox.id,
      FeatureFlag: flag.id,
      MailMessage: mail.id,
      spareLiability: spare.id,
      closedUser: closing.id,
    };
    for (const t of TENANT_OWNED) ids[t.resource] = t.idOf(world.a);
    ids.User = world.a.userId;
    w = { ...world, ids, p };
    pairs = buildAdminResources(world.h.t.runtime, world.h.t.services).flatMap((r) => {
      const resource = (r.resource as unknown as { id: () => string }).id();
      return Object.entries(r.options.actions ?? {}).map(([action, a]) => ({
        resource,
        action,
        actionType: (a as { actionType?: string }).actionType,
      }));
    });
    auditedReads = new Set(
      Object.entries(MODEL_POLICIES)
        .filter(([, policy]) => policy.auditReads)
        .map(([model]) => model),
    );
  }, 180_000);
  afterAll(async () => w?.close());

  const eventsOf = (id: string) =>
    w.h.t.owner.prisma.auditEvent.findMany({ where: { correlationId: id }, orderBy: { id: 'asc' } });

  const succeededWrites: Record<string, string[]> = {};

  /** What is wrong with one call, or null. */
  async function check(p: Pair, who: string, api: AdminApi, options: { fresh?: boolean } = {}): Promise<string | null> {
    const id = `req-${randomUUID()}`;
    const res = await callFor(p, options)(w, api, id);
    if (res.status < 300 && !READS.has(p.action)) (succeededWrites[who] ??= []).push(`${p.resource}.${p.action}`);
    const events = await eventsOf(id);
    const label = `${p.resource}.${p.action} as ${who} (${res.status})`;
    const refused = res.status === 403 || res.status === 404;
    if (res.status >= 500) return `${label}: server error`;
    if (res.status === 400)
      return `${label}: rejected input (fix the payload of this case) ${JSON.stringify((res as { body?: unknown }).body).slice(0, 200)}`;
    const read = READS.has(p.action) && !(p.action === 'list' || p.action === 'show' ? auditedReads.has(p.resource) : false);
    if (read && !refused && events.length <= 1) return null;
    // The last approval of a request is two steps, each its own event: approval.approve, then
    // approval.execute (or approval.fail on drift) — ADR 0013.
    if (
      p.resource === 'ApprovalRequest' &&
      p.action === 'approve' &&
      events.length === 2 &&
      events[0]!.action === 'approval.approve'
    )
      return res.status < 300 || res.status === 409 ? null : `${label}: unexpected status`;
    if (events.length !== 1)
      return `${label}: ${events.length} events ${JSON.stringify(events.map((e) => [e.action, e.outcome]))}`;
    const outcome = events[0]!.outcome;
    if (refused && outcome !== 'DENIED') return `${label}: refused but recorded ${outcome}`;
    // A conflict with the record's state (409) is a failed attempt: recorded FAILURE.
    if (res.status === 409) return outcome === 'FAILURE' ? null : `${label}: conflict but recorded ${outcome}`;
    if (!refused && outcome !== 'SUCCESS') return `${label}: succeeded but recorded ${outcome}`;
    return null;
  }

  async function sweep(who: 'compliance' | 'supportNone' | 'superadmin', options: { fresh?: boolean } = {}) {
    const problems: string[] = [];
    for (const p of pairs) {
      const problem = await check(p, who, w.api[who], options);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  function expectOnlyKnownGaps(problems: string[]) {
    const keyOf = (problem: string) => problem.replace(/ \(\d+\).*$/, '');
    const fresh = problems.filter((p) => !KNOWN_GAPS.has(keyOf(p)));
    if (problems.length) console.log(`[audit completeness]\n${problems.join('\n')}`);
    expect(fresh).toEqual([]);
    return new Set(problems.map(keyOf));
  }

  const seen = new Set<string>();

  it('enumerates every resource and action of the admin', () => {
    expect(pairs.length).toBeGreaterThan(100);
    const resources = new Set(pairs.map((p) => p.resource));
    for (const model of Object.keys(MODEL_POLICIES)) expect(resources.has(model), model).toBe(true);
    const stale = Object.keys(PAYLOADS).filter((k) => !pairs.some((p) => `${p.resource}.${p.action}` === k));
    expect(stale).toEqual([]);
  });

  it('compliance officer (read-only): one event per call, DENIED when refused', async () => {
    for (const k of expectOnlyKnownGaps(await sweep('compliance'))) seen.add(k);
  }, 300_000);

  it('support staff without grants: one event per call, DENIED when refused', async () => {
    for (const k of expectOnlyKnownGaps(await sweep('supportNone'))) seen.add(k);
  }, 300_000);

  it('superadmin: one event per call, SUCCESS when done, DENIED when refused', async () => {
    for (const k of expectOnlyKnownGaps(await sweep('superadmin', { fresh: true }))) seen.add(k);
    // Not vacuous: the superadmin really performed the writes and custom actions it may.
    expect(succeededWrites.superadmin).toEqual(expect.arrayContaining(SUPERADMIN_MUST_SUCCEED));
  }, 300_000);

  it('every known gap is still a gap (remove fixed ones from KNOWN_GAPS)', () => {
    expect([...KNOWN_GAPS].filter((k) => !seen.has(k))).toEqual([]);
  });

  it('leaves every chain intact', async () => {
    expect((await verify(w.h.t)).status).toBe('intact');
  });
});
