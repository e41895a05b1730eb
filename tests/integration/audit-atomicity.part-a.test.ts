import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaffUser, Tenant } from '@prisma/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import type { AuditTrail } from '../../src/modules/audit/audit.service.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { ensureJobSchema } from '../../src/modules/jobs/jobs.schema.js';
import { totpCode, totpStep } from '../../src/modules/staff-auth/totp.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';

/**
 * Every state-changing service function of the modules converted in part A of issue 10 writes
 * its audit event in the transaction of its change: with an audit trail whose `record` throws,
 * the call fails and the database is exactly as before (every table of the schema compared row
 * by row). Each case first checks that the call reached its own audit write (not a refusal),
 * and afterwards that the same call with a working trail does change the database, so "nothing
 * changed" is the rollback and not a call that did nothing. Moving an audit write out of its
 * function's transaction (a separate db.write after the change) makes its case fail.
 */
describe('audit atomicity (part A): a failed audit write rolls the change back', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let owner: pg.Client;
  let broken: Services;
  let superadmin: StaffUser;
  let tenant: Tenant;
  let tables: string[];
  const attempted: Array<{ action: string; outcome: string }> = [];
  const exportDir = mkdtempSync(join(tmpdir(), 'backoffice-atomicity-'));

  /** A digest of every row of every table of the application's schema. */
  async function fingerprint(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of tables) {
      const { rows } = await owner.query<{ digest: string }>(
        `SELECT count(*) || ':' || coalesce(md5(string_agg(md5(r::text), ',' ORDER BY md5(r::text))), '') AS digest FROM "${table}" r`,
      );
      out[table] = rows[0]!.digest;
    }
    return out;
  }

  beforeAll(async () => {
    t = await createTestContext({ EXPORT_DIR: exportDir });
    f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    await ensureJobSchema(t.db.ownerUrl);
    const { rows } = await owner.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    tables = rows.map((r) => r.name);
    const failing: AuditTrail = {
      options: t.services.audit.options,
      record: (_session, input) => {
        attempted.push({ action: input.action, outcome: input.outcome ?? 'SUCCESS' });
        return Promise.reject(new Error('audit store unavailable'));
      },
      recordHistory: () => Promise.reject(new Error('audit store unavailable')),
    };
    broken = createServices(t.runtime, failing);
    superadmin = await f.staff('SUPERADMIN');
    tenant = await f.tenant();
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  const as = (s: StaffUser) => f.staffCtx(s);
  const meta = () => ({ correlationId: randomUUID(), ip: '203.0.113.7' });
  const staffLoginMeta = () => ({ correlationId: randomUUID() });

  /** [name, the audit action the call must reach, setup returning the call]. */
  type Case = [string, string, () => Promise<(s: Services) => Promise<unknown>>];
  const cases: Case[] = [
    // --- staff ---------------------------------------------------------------------------
    [
      'staff.create',
      'staff.create',
      async () => {
        const email = `new-${randomUUID()}@staff.test`;
        return async (s) => s.staff.create(await as(superadmin), { email, role: 'ENGINEER', password: STRONG_PASSWORD });
      },
    ],
    [
      'staff.update (role change ends sessions)',
      'staff.update',
      async () => {
        const member = await f.staff('SUPPORT');
        return async (s) => s.staff.update(await as(superadmin), member.id, { role: 'ENGINEER', name: 'Renamed' });
      },
    ],
    [
      'staff.grantAccess',
      'access.grant',
      async () => {
        const agent = await f.staff('SUPPORT');
        return async (s) =>
          s.staff.grantAccess(await as(superadmin), {
            staffUserId: agent.id,
            tenantId: tenant.id,
            reason: 'ticket 42',
            expiresAt: new Date(Date.now() + 86_400_000),
          });
      },
    ],
    [
      'staff.revokeAccess',
      'access.revoke',
      async () => {
        const agent = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
        const grant = await t.owner.prisma.tenantAccessGrant.findFirstOrThrow({ where: { staffUserId: agent.id } });
        return async (s) => s.staff.revokeAccess(await as(superadmin), { grantId: grant.id, reason: 'ticket closed' });
      },
    ],
    [
      'staff.disable',
      'staff.disable',
      async () => {
        const member = await f.staff('ENGINEER');
        return async (s) => s.staff.disable(await as(superadmin), { staffUserId: member.id, reason: 'left the company' });
      },
    ],
    [
      'staff.enable',
      'staff.enable',
      async () => {
        const member = await f.staff('ENGINEER');
        await t.services.staff.disable(await as(superadmin), { staffUserId: member.id, reason: 'on leave' });
        return async (s) => s.staff.enable(await as(superadmin), { staffUserId: member.id, reason: 'back from leave' });
      },
    ],
    [
      'staff.endSessions',
      'staff.sessions.end',
      async () => {
        const member = await f.staff('COMPLIANCE');
        return async (s) => s.staff.endSessions(await as(superadmin), { staffUserId: member.id, reason: 'lost laptop' });
      },
    ],
    // --- staff authentication --------------------------------------------------------------
    [
      'staffAuth.login (a failure counts towards the lockout)',
      'staff.login',
      async () => {
        const member = await f.staff('SUPPORT');
        return (s) => s.staffAuth.login(staffLoginMeta(), { email: member.email, password: 'wrong-password-entirely' });
      },
    ],
    [
      'staffAuth.login (success stamps lastLoginAt)',
      'staff.login',
      async () => {
        const member = await f.staff('SUPPORT');
        return (s) => s.staffAuth.login(staffLoginMeta(), { email: member.email, password: STRONG_PASSWORD });
      },
    ],
    [
      'staffAuth.completeSecondFactor',
      'staff.login',
      async () => {
        const member = await f.staff('ENGINEER');
        const { secret } = await t.services.staffAuth.enrollTotp(cliContext('test'), { staffUserId: member.id });
        return (s) =>
          s.staffAuth.completeSecondFactor(staffLoginMeta(), { staffUserId: member.id, code: totpCode(secret, totpStep()) });
      },
    ],
    [
      'staffAuth.enrollTotp',
      'staff.totp.enable',
      async () => {
        const member = await f.staff('SUPPORT');
        return async (s) => s.staffAuth.enrollTotp(await as(member), { staffUserId: member.id });
      },
    ],
    [
      'staffAuth.disableTotp',
      'staff.totp.disable',
      async () => {
        const member = await f.staff('SUPPORT');
        await t.services.staffAuth.enrollTotp(cliContext('test'), { staffUserId: member.id });
        return async (s) => s.staffAuth.disableTotp(await as(superadmin), { staffUserId: member.id, reason: 'lost phone' });
      },
    ],
    [
      'staffAuth.setLocale',
      'staff.locale.update',
      async () => {
        const member = await f.staff('COMPLIANCE');
        return async (s) => s.staffAuth.setLocale(await as(member), { locale: 'es' });
      },
    ],
    // --- API authentication ----------------------------------------------------------------
    [
      'apiAuth.register',
      'user.register',
      async () => {
        const email = `reg-${randomUUID()}@example.test`;
        return (s) => s.apiAuth.register(meta(), { email, password: STRONG_PASSWORD, name: 'Rita', tenantName: 'Rita home' });
      },
    ],
    [
      'apiAuth.issueTokens (success)',
      'api.auth.login',
      async () => {
        const user = await f.user(tenant.id);
        return (s) => s.apiAuth.issueTokens(meta(), { email: user.email, password: STRONG_PASSWORD });
      },
    ],
    [
      'apiAuth.issueTokens (a wrong password counts towards the lockout)',
      'api.auth.login',
      async () => {
        const user = await f.user(tenant.id);
        return (s) => s.apiAuth.issueTokens(meta(), { email: user.email, password: 'not-the-password-at-all' });
      },
    ],
    [
      'apiAuth.refresh (rotation)',
      'api.auth.refresh',
      async () => {
        const user = await f.user(tenant.id);
        const pair = await t.services.apiAuth.issueTokens(meta(), { email: user.email, password: STRONG_PASSWORD });
        return (s) => s.apiAuth.refresh(meta(), { refreshToken: pair.refreshToken });
      },
    ],
    [
      'apiAuth.refresh (reuse revokes the family)',
      'api.auth.refresh_reuse',
      async () => {
        const user = await f.user(tenant.id);
        const pair = await t.services.apiAuth.issueTokens(meta(), { email: user.email, password: STRONG_PASSWORD });
        await t.services.apiAuth.refresh(meta(), { refreshToken: pair.refreshToken });
        return (s) => s.apiAuth.refresh(meta(), { refreshToken: pair.refreshToken });
      },
    ],
    [
      'apiAuth.logout',
      'api.auth.logout',
      async () => {
        const user = await f.user(tenant.id);
        const pair = await t.services.apiAuth.issueTokens(meta(), { email: user.email, password: STRONG_PASSWORD });
        return (s) => s.apiAuth.logout(meta(), { refreshToken: pair.refreshToken });
      },
    ],
    // --- personal data, mail, outbox, flags ------------------------------------------------
    [
      'reveal.reveal',
      'personal_data.reveal',
      async () => {
        const compliance = await f.staff('COMPLIANCE');
        const user = await f.user(tenant.id);
        return async (s) => s.reveal.reveal(await as(compliance), { resource: 'User', recordId: user.id, reason: 'complaint 7' });
      },
    ],
    [
      'mail.removeMessages',
      'mail_message.delete',
      async () => {
        const key = randomUUID();
        await t.services.mail.createMailer().send({ dedupeKey: key, to: 'someone@example.test', subject: 'Hi', text: 'Hello' });
        const message = await t.owner.prisma.mailMessage.findUniqueOrThrow({ where: { dedupeKey: key } });
        return async (s) => s.mail.removeMessages(await as(superadmin), [message.id]);
      },
    ],
    [
      'outbox.requeue',
      'outbox_event.requeue',
      async () => {
        const event = await t.owner.prisma.outboxEvent.create({
          data: {
            tenantId: tenant.id,
            type: 'nobody.listens',
            payload: {},
            status: 'FAILED',
            attempts: 12,
            lastError: 'no consumer',
          },
        });
        return async (s) => s.outbox.requeue(await as(superadmin), event.id, 'consumer deployed');
      },
    ],
    [
      'featureFlags.create',
      'feature_flag.create',
      async () => {
        const key = `flag.${randomUUID().slice(0, 8)}`;
        return async (s) => s.featureFlags.create(await as(superadmin), { key, enabled: true });
      },
    ],
    [
      'featureFlags.update',
      'feature_flag.update',
      async () => {
        const flag = await t.services.featureFlags.create(await as(superadmin), { key: `flag.${randomUUID().slice(0, 8)}` });
        return async (s) => s.featureFlags.update(await as(superadmin), { id: flag.id, rolloutPercentage: 30 });
      },
    ],
    [
      'featureFlags.remove',
      'feature_flag.delete',
      async () => {
        const flag = await t.services.featureFlags.create(await as(superadmin), { key: `flag.${randomUUID().slice(0, 8)}` });
        return async (s) => s.featureFlags.remove(await as(superadmin), { id: flag.id });
      },
    ],
    [
      'featureFlags.removeMany',
      'feature_flag.delete',
      async () => {
        const ctx = await as(superadmin);
        const a = await t.services.featureFlags.create(ctx, { key: `flag.${randomUUID().slice(0, 8)}` });
        const b = await t.services.featureFlags.create(ctx, { key: `flag.${randomUUID().slice(0, 8)}` });
        return async (s) => s.featureFlags.removeMany(await as(superadmin), [a.id, b.id], 'cleanup');
      },
    ],
    // --- recurring rules and jobs ----------------------------------------------------------
    [
      'recurring.create',
      'recurring_rule.create',
      async () => {
        const account = await f.account(tenant.id);
        return async (s) =>
          s.recurring.create(await as(superadmin), {
            tenantId: tenant.id,
            accountId: account.id,
            amount: '9.99',
            currency: 'EUR',
            direction: 'DEBIT',
            frequency: 'MONTHLY',
            startsOn: '2024-01-15',
          });
      },
    ],
    [
      'recurring.update',
      'recurring_rule.update',
      async () => {
        const rule = await ruleOn(await f.account(tenant.id));
        return async (s) => s.recurring.update(await as(superadmin), rule.id, { amount: '12.00', active: false });
      },
    ],
    [
      'recurring.remove',
      'recurring_rule.delete',
      async () => {
        const rule = await ruleOn(await f.account(tenant.id));
        return async (s) => s.recurring.remove(await as(superadmin), rule.id);
      },
    ],
    [
      'recurring.materialiseTenant',
      'recurring.materialise',
      async () => {
        const other = await f.tenant();
        await ruleOn(await f.account(other.id), other.id);
        return (s) => s.recurring.materialiseTenant(jobContext('recurring-tenant'), other.id, new Date('2024-03-20T00:00:00Z'));
      },
    ],
    [
      'jobs.runExportMaintenance (an expired export file)',
      'export.expire',
      async () => {
        const path = join(exportDir, `${randomUUID()}.csv`);
        writeFileSync(path, 'id\n');
        await t.owner.prisma.exportJob.create({
          data: {
            requestedByType: 'SYSTEM',
            requestedById: 'test',
            resource: 'Transaction',
            format: 'CSV',
            status: 'COMPLETED',
            filePath: path,
            finishedAt: new Date(Date.now() - 8 * 86_400_000),
          },
        });
        return (s) =>
          s.jobs.runExportMaintenance(jobContext('export-maintenance'), {
            send: () => Promise.resolve(null),
            failExport: () => Promise.resolve(false),
          });
      },
    ],
  ];

  async function ruleOn(account: { id: string; tenantId: string }, tenantId = account.tenantId) {
    return t.services.recurring.create(cliContext('test'), {
      tenantId,
      accountId: account.id,
      amount: '25.00',
      currency: 'EUR',
      direction: 'DEBIT',
      frequency: 'WEEKLY',
      startsOn: '2024-03-01',
    });
  }

  it.each(cases)('%s', async (_name, action, setup) => {
    const call = await setup();
    const before = await fingerprint();
    attempted.length = 0;
    await expect(call(broken)).rejects.toThrow('audit store unavailable');
    // The call got as far as its own audit write (not a refusal, audited as DENIED).
    expect(attempted[0]?.action).toBe(action);
    expect(await fingerprint()).toEqual(before);
    // The same call with a working audit trail changes the database (some calls answer an
    // error after their audited change: a refused login, a reused refresh token).
    await call(t.services).catch(() => undefined);
    expect(await fingerprint()).not.toEqual(before);
  });
});
