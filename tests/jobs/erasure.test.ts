import { existsSync } from 'node:fs';
import type { Account, StaffUser, Tenant, User } from '@prisma/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLocalTenantSql } from '../../src/db/tenant-set.js';
import { AppError } from '../../src/lib/errors.js';
import { runExport } from '../../src/modules/exports/export.runner.js';
import { personalNeedles } from '../../src/modules/erasure/erasure.service.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { createJobsTestContext, waitFor } from './helpers.js';

const PERSON = { name: 'Zelda Quintessa-Marlowe', email: 'zelda.q.marlowe@example.test', phone: '+34 600 123 987' };
const MEMBER = { name: 'Hugo Verbenacci', email: 'hugo.verbenacci@example.test', phone: '+34 611 222 333' };

/** Every text-like column of every table (all schemas, pg-boss's included) that contains one of the strings. */
async function findEverywhere(url: string, needles: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ s: string; t: string; c: string }>(
      `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
    );
    expect(columns.length).toBeGreaterThan(30); // really looking everywhere
    const hits: string[] = [];
    for (const { s, t, c } of columns) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${s}"."${t}" WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS x(v) WHERE strpos(lower("${c}"::text), x.v) > 0)`,
        [needles.map((n) => n.toLowerCase())],
      );
      if (Number(rows[0]!.n) > 0) hits.push(`${s}.${t}.${c} (${rows[0]!.n})`);
    }
    return hits;
  } finally {
    await client.end();
  }
}

describe('data-subject erasure', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;
  let tenant: Tenant, other: Tenant;
  let owner: User, member: User, stranger: User;
  let account: Account;
  let support: StaffUser;

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    const p = t.owner.prisma;
    tenant = await f.tenant({ name: `${PERSON.name} household` });
    other = await f.tenant({ name: 'Unrelated household' });
    owner = await f.user(tenant.id, { name: PERSON.name, email: PERSON.email });
    await p.user.update({ where: { id: owner.id }, data: { phone: PERSON.phone } });
    member = await f.user(tenant.id, { name: MEMBER.name, email: MEMBER.email });
    await p.user.update({ where: { id: member.id }, data: { phone: MEMBER.phone } });
    stranger = await f.user(other.id, { name: 'Stranger Danger' });
    support = await f.staff('SUPPORT', { grantTenantIds: [tenant.id] });

    // Personal data scattered the way real use scatters it.
    account = await f.account(tenant.id, { name: `${PERSON.name}'s savings` });
    await p.account.update({ where: { id: account.id }, data: { institution: `Bank account of ${PERSON.email}` } });
    const otherAccount = await f.account(other.id);
    for (const d of [
      `Transfer from ${PERSON.name}`,
      `Refund to ${PERSON.email}`,
      `Call ${PERSON.phone}`,
      `Pizza with ${MEMBER.name}`,
      'Groceries',
    ])
      await f.transaction(account, { description: d });
    await f.transaction(otherAccount, { description: 'Groceries elsewhere' });
    const category = await p.category.create({ data: { tenantId: tenant.id, name: `Gifts for ${PERSON.name}` } });
    await p.budget.create({
      data: {
        tenantId: tenant.id,
        categoryId: category.id,
        name: `${PERSON.name} budget`,
        amount: '100.00',
        currency: 'EUR',
        startsOn: new Date('2024-01-01'),
      },
    });
    await p.recurringRule.create({
      data: {
        tenantId: tenant.id,
        accountId: account.id,
        amount: '9.99',
        currency: 'EUR',
        direction: 'DEBIT',
        description: `Phone plan ${PERSON.phone}`,
        frequency: 'MONTHLY',
        startsOn: new Date('2024-01-01'),
        nextRunOn: new Date('2999-01-01'),
      },
    });
    await p.asset.create({
      data: {
        tenantId: tenant.id,
        name: `${PERSON.name}'s car`,
        type: 'VEHICLE',
        value: '5000.00',
        currency: 'EUR',
        valuedAt: new Date(),
      },
    });
    const liability = await p.liability.create({
      data: { tenantId: tenant.id, name: `Mortgage ${PERSON.name}`, type: 'MORTGAGE', amount: '90000.00', currency: 'EUR' },
    });
    await p.loan.create({
      data: {
        tenantId: tenant.id,
        liabilityId: liability.id,
        lender: `Uncle of ${PERSON.name}`,
        principal: '90000.00',
        currency: 'EUR',
        annualRatePct: '2.5',
        termMonths: 240,
        startsOn: new Date('2024-01-01'),
        paymentAmount: '500.00',
        paymentDay: 1,
      },
    });
    await p.refreshToken.create({
      data: {
        tenantId: tenant.id,
        userId: owner.id,
        familyId: owner.id,
        tokenHash: 'hash-of-a-refresh-token',
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    await p.idempotencyKey.create({
      data: {
        tenantId: tenant.id,
        userId: owner.id,
        key: 'k-1',
        method: 'POST',
        path: '/api/v1/accounts',
        fingerprint: 'f',
        status: 'COMPLETED',
        responseStatus: 201,
        responseText: JSON.stringify({ owner: PERSON.email }),
        expiresAt: new Date(Date.now() + 86_400_000),
        retainUntil: new Date(Date.now() + 2 * 86_400_000),
      },
    });
    await p.outboxEvent.create({
      data: { tenantId: tenant.id, type: 'custom.note', payload: { note: `ping ${PERSON.email}` }, status: 'DISPATCHED' },
    });
    // Mail: the owner is told of a suspension (the real consumer writes the mailbox).
    const superadmin = await f.staff('SUPERADMIN');
    await t.services.tenants.suspend(await f.staffCtx(superadmin), { tenantId: tenant.id, reason: 'routine check' });
    await t.services.tenants.reactivate(await f.staffCtx(superadmin), { tenantId: tenant.id, reason: 'routine check done' });
    await t.services.outbox.createDispatcher({ mailer: t.services.mail.createMailer() }).dispatchOnce();
    expect(await p.mailMessage.count({ where: { to: PERSON.email } })).toBe(1);
  });
  afterAll(async () => {
    await t.close();
  });

  const deps = () => ({ ...t.services.exportRunner, exportDir: t.exportDir });

  it('closes the account at once; the owner leaving closes the household; one audit event', async () => {
    const p = t.owner.prisma;
    // The person's own export (right of access) exists before they leave.
    const own = await t.services.exports.requestUserExport(f.userCtx(owner));
    const exported = await runExport(deps(), own.id);
    if (exported.outcome !== 'completed') throw new Error(exported.outcome);
    expect(existsSync(exported.filePath)).toBe(true);

    const before = Date.now();
    const result = await t.services.erasure.requestErasure(f.userCtx(owner), { reason: 'I am leaving' });
    expect(result.tenantClosed).toBe(true);
    expect(result.erasureDueAt.getTime()).toBeGreaterThanOrEqual(before + t.config.ERASURE_GRACE_DAYS * 86_400_000 - 1000);

    const closed = await p.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(closed.status).toBe('CLOSED');
    expect(closed.closedAt).not.toBeNull();
    expect((await p.user.findUniqueOrThrow({ where: { id: member.id } })).status).toBe('CLOSED');
    expect((await p.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe('CLOSED');
    expect(await p.refreshToken.count({ where: { userId: owner.id, revokedAt: null } })).toBe(0);
    expect(await p.auditEvent.count({ where: { action: 'user.erasure_request', recordId: owner.id } })).toBe(1);
    // Asking twice changes nothing.
    await t.services.erasure.requestErasure(f.userCtx(owner));
    expect(await p.auditEvent.count({ where: { action: 'user.erasure_request', recordId: owner.id } })).toBe(1);

    // Nothing is erased before the grace period ends.
    expect(await t.services.erasure.dueUsers(jobContext('erasure-sweep'))).toEqual([]);
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      // With no tenant set it is refused outright (migration 102); in the household's own
      // transaction — as the erasure job calls it — because the user is not due yet.
      await expect(app.query('SELECT backoffice_erase_transaction_text($1::uuid)', [owner.id])).rejects.toThrow(
        /not in this transaction's tenants/,
      );
      await app.query('BEGIN');
      await app.query(setLocalTenantSql({ allTenants: false, tenantIds: [tenant.id] }));
      await expect(app.query('SELECT backoffice_erase_transaction_text($1::uuid)', [owner.id])).rejects.toThrow(
        /not due for erasure/,
      );
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('after the grace period the scheduled job erases every trace, keeps the money, and the audit chain verifies', async () => {
    const p = t.owner.prisma;
    expect((await findEverywhere(t.db.ownerUrl, [PERSON.email, PERSON.name, PERSON.phone])).length).toBeGreaterThan(5);
    const ledgerBefore = await p.transaction.findMany({
      where: { tenantId: tenant.id },
      orderBy: { id: 'asc' },
      select: { id: true, amount: true, direction: true, occurredAt: true, accountId: true },
    });
    const exportFiles = (await p.exportJob.findMany({ where: { tenantId: tenant.id, filePath: { not: null } } })).map(
      (e) => e.filePath!,
    );
    expect(exportFiles.length).toBeGreaterThan(0);

    // Time passes: the grace period is over.
    await p.user.updateMany({ where: { tenantId: tenant.id }, data: { erasureDueAt: new Date(Date.now() - 1000) } });
    const workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
      queues: ['erasure-sweep', 'erasure-user'],
    });
    try {
      await workers.boss.send('erasure-sweep', {});
      await waitFor(async () => (await p.user.count({ where: { tenantId: tenant.id, erasedAt: null } })) === 0, 30_000, 200);
    } finally {
      await workers.stop();
    }

    // No personal data of the owner or the member left, in any table of any schema.
    expect(await findEverywhere(t.db.ownerUrl, [...personalNeedles({ ...PERSON }), ...personalNeedles({ ...MEMBER })])).toEqual(
      [],
    );
    for (const file of exportFiles) expect(existsSync(file)).toBe(false);

    const erased = await p.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(erased).toMatchObject({
      name: 'Erased user',
      phone: null,
      email: `erased-${owner.id}@erased.invalid`,
      status: 'CLOSED',
    });
    expect(erased.passwordHash).toBe('!erased');
    expect(erased.erasedAt).not.toBeNull();
    expect(await p.refreshToken.count({ where: { userId: owner.id } })).toBe(0);

    // Financial records retained, anonymised: same rows, same money, descriptions cleared.
    const ledgerAfter = await p.transaction.findMany({
      where: { tenantId: tenant.id },
      orderBy: { id: 'asc' },
      select: { id: true, amount: true, direction: true, occurredAt: true, accountId: true, description: true },
    });
    expect(ledgerAfter.map(({ description: _d, ...rest }) => rest)).toEqual(ledgerBefore);
    expect(ledgerAfter.every((r) => r.description === null)).toBe(true);
    expect((await p.transaction.findFirstOrThrow({ where: { tenantId: other.id } })).description).toBe('Groceries elsewhere');
    expect((await p.user.findUniqueOrThrow({ where: { id: stranger.id } })).erasedAt).toBeNull();

    // Audited as system job events, and the audit chains still verify.
    const events = await p.auditEvent.findMany({ where: { action: 'user.erase' } });
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.actorType === 'SYSTEM' && e.actorId === 'job:erasure-user')).toBe(true);
    const verification = await t.services.auditConsole.verify(jobContext('test'));
    expect(verification.status).toBe('intact');
    expect(verification.breaks).toEqual([]);

    // Transactions are still append-only for everyone, outside the erasure function.
    const owner$ = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner$.connect();
    try {
      await expect(
        owner$.query(`UPDATE "Transaction" SET "description" = NULL WHERE "tenantId" = $1`, [other.id]),
      ).rejects.toThrow(/append-only/);
      await expect(owner$.query(`UPDATE "Transaction" SET "amount" = 1 WHERE "tenantId" = $1`, [tenant.id])).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await owner$.end();
    }
    // Running the job again is harmless.
    expect(await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: owner.id, tenantId: tenant.id })).toEqual({
      outcome: 'already-erased',
    });
  });

  it('support closes a member of a granted tenant only; the erasure leaves the rest of the household alone', async () => {
    const p = t.owner.prisma;
    const home = await f.tenant({ name: 'Busy household' });
    const boss = await f.user(home.id, { name: 'Bea Boss' });
    const kid = await f.user(home.id, { name: 'Kasimir Kidwell', email: 'kasimir.kidwell@example.test' });
    const acc = await f.account(home.id);
    await f.transaction(acc, { description: 'Pocket money Kasimir Kidwell' });
    await f.transaction(acc, { description: 'Rent' });

    const outsider = await f.staff('SUPPORT');
    const err = await t.services.erasure
      .requestErasureBySupport(await f.staffCtx(outsider), { userId: kid.id, reason: 'asked by phone' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('NOT_FOUND');
    expect(await p.auditEvent.count({ where: { action: 'user.erasure_request', outcome: 'DENIED', actorId: outsider.id } })).toBe(
      1,
    );

    await p.tenantAccessGrant.create({
      data: { staffUserId: support.id, tenantId: home.id, reason: 'ticket 99', expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const done = await t.services.erasure.requestErasureBySupport(await f.staffCtx(support), {
      userId: kid.id,
      reason: 'user asked by phone, verified',
    });
    expect(done.tenantClosed).toBe(false);
    expect((await p.tenant.findUniqueOrThrow({ where: { id: home.id } })).status).toBe('ACTIVE');

    await p.user.update({ where: { id: kid.id }, data: { erasureDueAt: new Date(Date.now() - 1000) } });
    const result = await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: kid.id, tenantId: home.id });
    expect(result).toMatchObject({ outcome: 'erased', descriptionsCleared: 1 });
    expect(await findEverywhere(t.db.ownerUrl, ['Kasimir Kidwell', 'kasimir.kidwell@example.test'])).toEqual([]);
    expect((await p.user.findUniqueOrThrow({ where: { id: boss.id } })).email).toBe(boss.email);
    expect(await p.transaction.count({ where: { tenantId: home.id, description: 'Rent' } })).toBe(1);
    // The job re-checks the tenant it was given.
    expect(await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: boss.id, tenantId: other.id })).toEqual({
      outcome: 'missing',
    });
  });
});
