import type { OutboxEvent, StaffUser, Tenant, User } from '@prisma/client';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/session.js';
import { mailRepository } from '../../src/modules/mail/mail.repository.js';
import { createMailer } from '../../src/modules/mail/mail.service.js';
import { readAccountToken } from '../../src/modules/mail/account-token.js';
import type { OutboxConsumer } from '../../src/modules/outbox/outbox.dispatcher.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import { createTestContext, TEST_SECRETS, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from './helpers.js';
import { tenantIsolation } from '../../src/services.js';

describe('outbox: side effects delivered at least once, effects exactly once', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let superadmin: StaffUser;
  let tenant: Tenant;
  let owner: User;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    superadmin = await f.staff('SUPERADMIN');
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    tenant = await f.tenant({ name: 'Casa Outbox' });
    owner = await f.user(tenant.id, { name: 'Olga Owner' });
    await f.user(tenant.id, { name: 'Mia Member' });
  });

  const consumers = (mailer = t.services.mail.createMailer()) => t.services.outbox.consumers(mailer);
  const dispatcher = (extra: Record<string, OutboxConsumer> = {}, leaseSeconds = 60) =>
    t.services.outbox.createDispatcher({ mailer: t.services.mail.createMailer(), consumers: extra, leaseSeconds });
  const suspend = async () =>
    t.services.tenants.suspend(await f.staffCtx(superadmin), { tenantId: tenant.id, reason: 'chargeback investigation' });
  const eventOf = async (type: string) => t.owner.prisma.outboxEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type } });
  const mailTo = (email: string) => t.owner.prisma.mailMessage.findMany({ where: { to: email } });
  /** Makes a leased or backed-off event due again (as if its lease or backoff had elapsed). */
  const makeDue = (event: OutboxEvent) =>
    t.owner.prisma.outboxEvent.update({ where: { id: event.id }, data: { availableAt: new Date(Date.now() - 1000) } });

  it('suspending a tenant emails its owner once, in their mailbox, keyed by the event id', async () => {
    await suspend();
    const event = await eventOf('tenant.suspended');
    expect(event.status).toBe('PENDING');
    const round = await dispatcher().dispatchOnce();
    expect(round.delivered).toBeGreaterThanOrEqual(1);

    const mails = await mailTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.dedupeKey).toBe(event.id);
    expect(mails[0]!.subject).toContain('Casa Outbox');
    expect(mails[0]!.text).toContain('Olga Owner');
    expect(mails[0]!.text).not.toContain('chargeback'); // internal reason stays internal
    expect((await eventOf('tenant.suspended')).status).toBe('DISPATCHED');
    // A second round finds nothing to do.
    expect((await dispatcher().dispatchOnce()).claimed).toBe(0);
  });

  it('a dispatcher that crashes after sending: the event is delivered again, the mail is not sent twice', async () => {
    await suspend();
    const event = await eventOf('tenant.suspended');
    const real = consumers()['tenant.suspended']!;
    // The consumer's effect happens, then the process "dies" before marking the event done.
    const crashing = dispatcher({
      'tenant.suspended': async (e) => {
        await real(e);
        throw new Error('killed after sending');
      },
    });
    await crashing.dispatchOnce();
    expect((await eventOf('tenant.suspended')).status).toBe('PENDING');
    expect(await mailTo(owner.email)).toHaveLength(1);

    await makeDue(event);
    const round = await dispatcher().dispatchOnce();
    expect(round.delivered).toBe(1);
    expect((await eventOf('tenant.suspended')).status).toBe('DISPATCHED');
    expect(await mailTo(owner.email)).toHaveLength(1);

    // Even an event replayed by hand (reset to PENDING) sends nothing new.
    await t.owner.prisma.outboxEvent.update({ where: { id: event.id }, data: { status: 'PENDING', availableAt: new Date(0) } });
    await dispatcher().dispatchOnce();
    expect(await mailTo(owner.email)).toHaveLength(1);
  });

  it('a dispatcher that dies holding a lease: another delivers after the lease, once; concurrent dispatchers never double-deliver', async () => {
    await suspend();
    const event = await eventOf('tenant.suspended');
    const dead = dispatcher();
    const claimed = await dead.claim(); // claimed, then the process vanished
    expect(claimed.map((e) => e.id)).toContain(event.id);
    expect((await dispatcher().dispatchOnce()).claimed).toBe(0); // leased: invisible
    await makeDue(event);

    let calls = 0;
    const counting: OutboxConsumer = async (e) => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      await consumers()['tenant.suspended']!(e);
    };
    const rounds = await Promise.all([1, 2, 3].map(() => dispatcher({ 'tenant.suspended': counting }).dispatchOnce()));
    expect(rounds.reduce((n, r) => n + r.claimed, 0)).toBe(1);
    expect(calls).toBe(1);
    expect(await mailTo(owner.email)).toHaveLength(1);
  });

  it('with SMTP, a redelivered event is not sent again (the ledger keys it by the event id)', async () => {
    const sent: string[] = [];
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const original = transport.sendMail.bind(transport);
    transport.sendMail = (mail: nodemailer.SendMailOptions) => {
      sent.push(String(mail.messageId));
      return original(mail);
    };
    const smtp = createMailer({
      db: createDatabase(t.runtime.prisma, t.runtime.pool, undefined, tenantIsolation(t.config)),
      mail: mailRepository,
      config: { ...t.config, SMTP_URL: 'smtp://localhost:2525' },
      transport,
    });
    expect(smtp.mode).toBe('smtp');
    await suspend();
    const event = await eventOf('tenant.suspended');
    const smtpConsumers = t.services.outbox.consumers(smtp);
    await smtpConsumers['tenant.suspended']!(event);
    await smtpConsumers['tenant.suspended']!(event);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(event.id);
    expect(await mailTo(owner.email)).toHaveLength(1);
  });

  it('a password reset requested by support mails the user a signed one-time link', async () => {
    const support = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });
    await t.services.users.requestPasswordReset(await f.staffCtx(support), {
      userId: owner.id,
      reason: 'user called, lost password',
    });
    await dispatcher().dispatchOnce();
    const [mail] = await mailTo(owner.email);
    expect(mail?.subject).toBe('Reset your password');
    expect(mail!.text).toMatch(/\/reset-password\?token=[^&\s]+&lang=en/);
    const token = decodeURIComponent(/token=([^&\s]+)/.exec(mail!.text)![1]!);
    const user = await t.owner.prisma.user.findUniqueOrThrow({ where: { id: owner.id } });
    const claims = readAccountToken(TEST_SECRETS.accountTokenKey, 'password-reset', token);
    expect(claims?.userId).toBe(owner.id);
    expect(claims?.requestedAt).toBe(user.passwordResetSentAt!.getTime()); // bound to the current request
    // Signed with its own key: neither the JWT key nor another purpose's signature accepts it.
    expect(readAccountToken(TEST_SECRETS.jwtSecret, 'password-reset', token)).toBeNull();
    expect(readAccountToken(TEST_SECRETS.accountTokenKey, 'email-verify', token)).toBeNull();
  });

  it('consumers re-check the event: a payload for another tenant is refused, a closed owner gets nothing', async () => {
    const other = await f.tenant();
    const forged = await t.owner.prisma.outboxEvent.create({
      data: { tenantId: tenant.id, type: 'tenant.suspended', payload: { tenantId: other.id } },
    });
    await dispatcher().dispatchOnce();
    const after = await t.owner.prisma.outboxEvent.findUniqueOrThrow({ where: { id: forged.id } });
    expect(after.status).toBe('PENDING');
    expect(after.lastError).toMatch(/does not match/);
    expect(after.availableAt.getTime()).toBeGreaterThan(Date.now()); // retried later, with backoff

    await t.owner.prisma.user.update({ where: { id: owner.id }, data: { status: 'CLOSED' } });
    await suspend();
    await dispatcher().dispatchOnce();
    expect(await mailTo(owner.email)).toHaveLength(0);
  });

  it('an event nobody consumes ends FAILED, visible in the admin', async () => {
    const event = await t.owner.prisma.outboxEvent.create({
      data: { tenantId: tenant.id, type: 'nobody.listens', payload: {} },
    });
    await dispatcher().dispatchOnce();
    const after = await t.owner.prisma.outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(after.status).toBe('FAILED');
    expect(after.lastError).toMatch(/no consumer/);
  });

  it('end to end through the running workers: suspension -> mail in the mailbox', async () => {
    const workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 100,
      queues: [],
    });
    try {
      await suspend();
      const mails = await waitFor(async () => {
        const m = await mailTo(owner.email);
        return m.length ? m : null;
      }, 15_000);
      expect(mails).toHaveLength(1);
      await waitFor(async () => (await eventOf('tenant.suspended')).status === 'DISPATCHED');
    } finally {
      await workers.stop();
    }
    expect(await mailTo(owner.email)).toHaveLength(1);
  });
});
