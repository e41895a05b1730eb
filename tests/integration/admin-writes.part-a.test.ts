import { randomUUID } from 'node:crypto';
import type { Account, StaffUser, Tenant } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import { createDatabase } from '../../src/db/session.js';
import { snakeCase, toApiError } from '../../src/http/api/validation.js';
import { isAppError } from '../../src/lib/errors.js';
import { createAuditTrail } from '../../src/modules/audit/audit.service.js';
import { mailRepository } from '../../src/modules/mail/mail.repository.js';
import { createMailService } from '../../src/modules/mail/mail.service.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { tenantIsolation } from '../../src/services.js';

/** The code an awaited call failed with (a ZodError from a service is the API's VALIDATION.FAILED). */
const failure = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => {
      const err = toApiError(e);
      return isAppError(err) ? err.code : String(e);
    },
  );
/** The `field:code` details of a validation failure, as the API reports them. */
const details = async (p: Promise<unknown>) =>
  p.then(
    () => [],
    (e: unknown) => {
      const err = toApiError(e);
      return isAppError(err) ? err.details.map((d) => `${snakeCase(d.field)}:${d.code}`) : [String(e)];
    },
  );

/**
 * The domain functions the admin's create/edit/delete of part A's models go through (issue 10):
 * the rules live here, so the admin and any other door refuse the same inputs.
 */
describe('admin writes through the domain (part A)', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let superadmin: StaffUser;
  let tenant: Tenant;
  let account: Account;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    superadmin = await f.staff('SUPERADMIN');
    tenant = await f.tenant();
    account = await f.account(tenant.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const audits = (action: string, recordId?: string, outcome = 'SUCCESS') =>
    t.owner.prisma.auditEvent.count({ where: { action, outcome: outcome as 'SUCCESS', ...(recordId ? { recordId } : {}) } });

  describe('staff.update', () => {
    it('changes name, role and language; a role change ends the member’s sessions; audited staff.update', async () => {
      const member = await f.staff('SUPPORT');
      const ctx = await f.staffCtx(superadmin);
      const renamed = await t.services.staff.update(ctx, member.id, { name: 'Sam Renamed', locale: 'es' });
      expect(renamed).toMatchObject({ name: 'Sam Renamed', locale: 'es', sessionVersion: member.sessionVersion });
      const promoted = await t.services.staff.update(ctx, member.id, { role: 'ENGINEER' });
      expect(promoted.role).toBe('ENGINEER');
      expect(promoted.sessionVersion).toBe(member.sessionVersion + 1);
      // The member's open session (carrying the old role) is over on its next request.
      expect(await t.services.staffAuth.checkSession({ id: member.id, sessionVersion: member.sessionVersion })).toEqual({
        ok: false,
        reason: 'revoked',
      });
      expect(await audits('staff.update', member.id)).toBe(2);
    });

    it('never lets a staff member change their own role (403, audited DENIED, nothing changed)', async () => {
      const admin = await f.staff('SUPERADMIN');
      const ctx = await f.staffCtx(admin);
      expect(await failure(t.services.staff.update(ctx, admin.id, { role: 'SUPPORT' }))).toBe('AUTH.FORBIDDEN');
      expect(await audits('staff.update', admin.id, 'DENIED')).toBe(1);
      const row = await t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: admin.id } });
      expect(row).toMatchObject({ role: 'SUPERADMIN', sessionVersion: admin.sessionVersion });
      // Their own name is fine.
      expect((await t.services.staff.update(ctx, admin.id, { name: 'Still Super' })).name).toBe('Still Super');
    });

    it('refuses roles without the ability (403) and unknown fields or values (400)', async () => {
      const member = await f.staff('ENGINEER');
      for (const role of ['SUPPORT', 'COMPLIANCE', 'ENGINEER'] as const) {
        const ctx = await f.staffCtx(await f.staff(role));
        expect(await failure(t.services.staff.update(ctx, member.id, { name: 'x' }))).toBe('AUTH.FORBIDDEN');
      }
      const ctx = await f.staffCtx(superadmin);
      expect(await details(t.services.staff.update(ctx, member.id, { email: 'new@x.test' } as never))).toEqual([
        'email:unknown_field',
      ]);
      expect(await details(t.services.staff.update(ctx, member.id, { role: 'OWNER' } as never))).toEqual(['role:invalid']);
      expect(await failure(t.services.staff.update(ctx, randomUUID(), { name: 'x' }))).toBe('STAFFUSER.NOT_FOUND');
    });
  });

  describe('mail.removeMessages', () => {
    const deliver = async () => {
      const key = randomUUID();
      await t.services.mail.createMailer().send({ dedupeKey: key, to: `${key}@example.test`, subject: 'Hi', text: 'Hello' });
      return t.owner.prisma.mailMessage.findUniqueOrThrow({ where: { dedupeKey: key } });
    };

    it('deletes messages of the development mailbox, all or nothing, in one audit event without their content', async () => {
      const [a, b] = [await deliver(), await deliver()];
      const ctx = await f.staffCtx(superadmin);
      // One unknown id: nothing is deleted.
      expect(await failure(t.services.mail.removeMessages(ctx, [a.id, randomUUID()]))).toBe('MAILMESSAGE.NOT_FOUND');
      expect(await t.owner.prisma.mailMessage.count({ where: { id: { in: [a.id, b.id] } } })).toBe(2);
      const removed = await t.services.mail.removeMessages(ctx, [a.id, b.id, a.id]);
      expect(removed.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
      expect(await t.owner.prisma.mailMessage.count({ where: { id: { in: [a.id, b.id] } } })).toBe(0);
      const event = await t.owner.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'mail_message.delete', outcome: 'SUCCESS' },
      });
      expect(JSON.stringify(event.diff)).not.toContain('example.test');
      expect(JSON.stringify(event.diff)).toContain(a.id);
    });

    it('refuses engineers (who may only read the mailbox) and keeps the SMTP ledger', async () => {
      const message = await deliver();
      const engineer = await f.staffCtx(await f.staff('ENGINEER'));
      expect(await failure(t.services.mail.removeMessages(engineer, [message.id]))).toBe('AUTH.FORBIDDEN');
      const smtp = createMailService({
        db: createDatabase(t.runtime.prisma, t.runtime.pool, undefined, tenantIsolation(t.config)),
        audit: createAuditTrail({ signer: t.services.auditKeys.signer, checkpointEvery: 10 }),
        mail: mailRepository,
        config: { ...t.config, SMTP_URL: 'smtp://localhost:2525' },
      });
      expect(await failure(smtp.removeMessages(await f.staffCtx(superadmin), [message.id]))).toBe('MAIL.LEDGER_KEPT');
      expect(await t.owner.prisma.mailMessage.count({ where: { id: message.id } })).toBe(1);
    });
  });

  describe('outbox.requeue', () => {
    const failed = () =>
      t.owner.prisma.outboxEvent.create({
        data: {
          tenantId: tenant.id,
          type: 'nobody.listens',
          payload: {},
          status: 'FAILED',
          attempts: 12,
          lastError: 'no consumer',
        },
      });

    it('puts a failed event back in the queue, due now with a fresh count of attempts (audited)', async () => {
      const event = await failed();
      const after = await t.services.outbox.requeue(await f.staffCtx(superadmin), event.id, 'consumer deployed');
      expect(after).toMatchObject({ status: 'PENDING', attempts: 0 });
      expect(after.availableAt.getTime()).toBeLessThanOrEqual(Date.now());
      const audit = await t.owner.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'outbox_event.requeue', recordId: event.id },
      });
      expect(audit).toMatchObject({ tenantId: tenant.id, reason: 'consumer deployed' });
      // Requeued: the dispatcher takes it again (and, nobody listening, it fails again at once).
      const round = await t.services.outbox
        .createDispatcher({ mailer: t.services.mail.createMailer(), maxAttempts: 1 })
        .dispatchOnce();
      expect(round.claimed).toBeGreaterThanOrEqual(1);
    });

    it('refuses an event that has not failed (409), roles without the ability (403), unknown ids (404)', async () => {
      const pending = await t.owner.prisma.outboxEvent.create({ data: { tenantId: tenant.id, type: 'x.y', payload: {} } });
      const ctx = await f.staffCtx(superadmin);
      expect(await failure(t.services.outbox.requeue(ctx, pending.id))).toBe('OUTBOX.NOT_FAILED');
      const event = await failed();
      const engineer = await f.staffCtx(await f.staff('ENGINEER'));
      expect(await failure(t.services.outbox.requeue(engineer, event.id))).toBe('AUTH.FORBIDDEN');
      expect(await failure(t.services.outbox.requeue(ctx, randomUUID()))).toBe('OUTBOXEVENT.NOT_FOUND');
      expect(await failure(t.services.outbox.requeue(ctx, 'not-a-uuid'))).toBe('OUTBOXEVENT.NOT_FOUND');
      expect((await t.owner.prisma.outboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe('FAILED');
    });
  });

  describe('featureFlags.removeMany', () => {
    it('deletes several flags in one transaction, each audited; one id outside the ability deletes nothing', async () => {
      const engineer = await f.staffCtx(await f.staff('ENGINEER'));
      const a = await t.services.featureFlags.create(engineer, { key: `bulk.${randomUUID().slice(0, 8)}` });
      const b = await t.services.featureFlags.create(engineer, { key: `bulk.${randomUUID().slice(0, 8)}` });
      expect(await failure(t.services.featureFlags.removeMany(engineer, [a.id, randomUUID()]))).toBe('FEATUREFLAG.NOT_FOUND');
      expect(await t.owner.prisma.featureFlag.count({ where: { id: { in: [a.id, b.id] } } })).toBe(2);
      const support = await f.staffCtx(await f.staff('SUPPORT'));
      expect(await failure(t.services.featureFlags.removeMany(support, [a.id]))).toBe('AUTH.FORBIDDEN');
      const removed = await t.services.featureFlags.removeMany(engineer, [a.id, b.id], 'retired');
      expect(removed).toHaveLength(2);
      expect(await t.owner.prisma.featureFlag.count({ where: { id: { in: [a.id, b.id] } } })).toBe(0);
      expect(await audits('feature_flag.delete', a.id)).toBe(1);
      expect(await audits('feature_flag.delete', b.id)).toBe(1);
      expect(await t.services.featureFlags.evaluate(a.key, { tenantId: tenant.id })).toBe(false);
    });
  });

  describe('recurring rules', () => {
    const base = () => ({
      tenantId: tenant.id,
      accountId: account.id,
      amount: '40.00',
      currency: 'EUR',
      direction: 'DEBIT' as const,
      frequency: 'MONTHLY' as const,
      startsOn: '2024-02-01',
    });

    it('creates a rule in the account’s currency, first running on its start; audited recurring_rule.create', async () => {
      const rule = await t.services.recurring.create(await f.staffCtx(superadmin), { ...base(), description: 'Internet' });
      expect(rule).toMatchObject({ currency: account.currency, active: true, interval: 1 });
      expect(rule.nextRunOn.toISOString().slice(0, 10)).toBe('2024-02-01');
      expect(await audits('recurring_rule.create', rule.id)).toBe(1);
    });

    it('refuses amounts that do not fit the currency, dates out of order and another currency', async () => {
      const ctx = await f.staffCtx(superadmin);
      expect(await details(t.services.recurring.create(ctx, { ...base(), amount: '1.234' }))).toEqual([
        'amount:too_many_decimals',
      ]);
      expect(await details(t.services.recurring.create(ctx, { ...base(), amount: '0' }))).toEqual(['amount:too_small']);
      expect(await details(t.services.recurring.create(ctx, { ...base(), endsOn: '2024-01-31' }))).toEqual(['ends_on:invalid']);
      expect(await details(t.services.recurring.create(ctx, { ...base(), nextRunOn: '2024-01-01' }))).toEqual([
        'next_run_on:invalid',
      ]);
      expect(await details(t.services.recurring.create(ctx, { ...base(), currency: 'USD' }))).toEqual([
        'currency:currency_mismatch',
      ]);
      const yen = await f.account(tenant.id, { currency: 'JPY' });
      expect(
        await details(t.services.recurring.create(ctx, { ...base(), accountId: yen.id, currency: 'JPY', amount: '100.5' })),
      ).toEqual(['amount:too_many_decimals']);
      // Ending on the day it starts is fine.
      expect((await t.services.recurring.create(ctx, { ...base(), endsOn: '2024-02-01' })).endsOn).not.toBeNull();
    });

    it('refuses an account or category of another tenant and roles that may not create rules', async () => {
      const other = await f.tenant();
      const foreign = await f.account(other.id);
      const foreignCategory = await t.owner.prisma.category.findFirstOrThrow({ where: { tenantId: other.id } });
      const ctx = await f.staffCtx(superadmin);
      expect(await details(t.services.recurring.create(ctx, { ...base(), accountId: foreign.id }))).toEqual([
        'account_id:not_found',
      ]);
      expect(await details(t.services.recurring.create(ctx, { ...base(), categoryId: foreignCategory.id }))).toEqual([
        'category_id:not_found',
      ]);
      const support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [tenant.id] }));
      expect(await failure(t.services.recurring.create(support, base()))).toBe('AUTH.FORBIDDEN');
    });

    it('updates within the rules of creation, and deletes only a rule that created no transactions', async () => {
      const ctx = await f.staffCtx(superadmin);
      const rule = await t.services.recurring.create(ctx, base());
      const changed = await t.services.recurring.update(ctx, rule.id, { amount: '45.50', interval: 2, endsOn: '2025-02-01' });
      expect(changed).toMatchObject({ interval: 2 });
      expect(changed.amount.toString()).toBe('45.5');
      expect(await details(t.services.recurring.update(ctx, rule.id, { amount: '1.001' }))).toEqual(['amount:too_many_decimals']);
      expect(await details(t.services.recurring.update(ctx, rule.id, { endsOn: '2024-01-01' }))).toEqual(['ends_on:invalid']);
      expect(await details(t.services.recurring.update(ctx, rule.id, { nextRunOn: '2023-12-01' }))).toEqual([
        'next_run_on:invalid',
      ]);
      expect(await details(t.services.recurring.update(ctx, rule.id, { currency: 'USD' } as never))).toEqual([
        'currency:unknown_field',
      ]);
      expect(await audits('recurring_rule.update', rule.id)).toBe(1);

      // Materialised once: it has transactions, so it is deactivated rather than deleted.
      await t.services.recurring.materialiseTenant(cliContext('recurring'), tenant.id, new Date('2024-02-02T00:00:00Z'));
      expect(await failure(t.services.recurring.remove(ctx, rule.id))).toBe('RECURRING_RULE.HAS_TRANSACTIONS');
      const unused = await t.services.recurring.create(ctx, { ...base(), startsOn: '2030-01-01' });
      expect((await t.services.recurring.remove(ctx, unused.id)).id).toBe(unused.id);
      expect(await t.owner.prisma.recurringRule.count({ where: { id: unused.id } })).toBe(0);
      expect(await audits('recurring_rule.delete', unused.id)).toBe(1);
      const support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [tenant.id] }));
      expect(await failure(t.services.recurring.remove(support, rule.id))).toBe('AUTH.FORBIDDEN');
    });
  });
});
