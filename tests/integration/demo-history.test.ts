import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteSession } from '../../src/db/session.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import { ALL_TENANTS } from '../../src/modules/access/actor.js';
import { HISTORY_ONLY_FOR_THE_SEED, SEED_ACTOR_ID } from '../../src/modules/audit/audit.service.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { checkpointJob, verify } from '../audit/helpers.js';

const DAY = 86_400_000;

describe('demo data spread over months, with its audit history (what `npm start` seeds)', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    await t.services.seed.demo({ tenants: 6, transactions: 1_200 });
    await t.services.seed.grantDemoSupport();
  }, 180_000);
  afterAll(async () => t?.close());

  const one = async <T>(sql: string, params: unknown[] = []) => (await t.owner.pool.query(sql, params)).rows[0] as T;
  const months = (table: string, column: string) =>
    one<{ n: number }>(`SELECT count(DISTINCT date_trunc('month', "${column}"))::int AS n FROM "${table}"`).then((r) => r.n);

  it('spreads tenants, transactions and audit events over at least three calendar months', async () => {
    expect(await months('Tenant', 'createdAt')).toBeGreaterThanOrEqual(3);
    expect(await months('Transaction', 'occurredAt')).toBeGreaterThanOrEqual(3);
    expect(await months('AuditEvent', 'occurredAt')).toBeGreaterThanOrEqual(3);
    // Nothing happens before its household exists, nor in the future.
    const early = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Transaction" x JOIN "Account" a ON a.id = x."accountId" WHERE x."occurredAt" < a."createdAt" OR x."occurredAt" > now()`,
    );
    expect(early.n).toBe(0);
    const beforeTenant = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "AuditEvent" e JOIN "Tenant" t ON t.id = e."tenantId" WHERE e."occurredAt" < t."createdAt" OR e."occurredAt" > now()`,
    );
    expect(beforeTenant.n).toBe(0);
  });

  it('tells each tenant’s history in its chain, in time order, ending with its current status', async () => {
    const unordered = await one<{ n: number }>(`
      SELECT count(*)::int AS n FROM (
        SELECT "occurredAt" < lag("occurredAt") OVER (PARTITION BY "chainKey" ORDER BY "seq") AS back FROM "AuditEvent") x
      WHERE back`);
    expect(unordered.n).toBe(0);
    const tenants = await t.owner.prisma.tenant.findMany({ select: { id: true, status: true } });
    expect(tenants.filter((x) => x.status === 'SUSPENDED')).toHaveLength(1);
    // Salary payments are told at the time they were paid.
    const paid = await one<{ n: number }>(`
      SELECT count(*)::int AS n FROM "AuditEvent" e JOIN "Transaction" x ON x.id::text = e."recordId"
      WHERE e.action = 'transaction.create' AND e."occurredAt" = x."occurredAt"`);
    expect(paid.n).toBeGreaterThan(0);
    for (const tenant of tenants) {
      const events = await t.owner.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
      expect(events[0]).toMatchObject({ action: 'tenant.create', actorType: 'SYSTEM', actorId: SEED_ACTOR_ID });
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.create', 'account.create']));
      const lastStatus = events.filter((e) => e.action === 'tenant.suspend' || e.action === 'tenant.reactivate').at(-1);
      if (tenant.status === 'SUSPENDED') expect(lastStatus?.action).toBe('tenant.suspend');
      else if (lastStatus) expect(lastStatus.action).toBe('tenant.reactivate');
    }
  });

  it('gives the compliance dashboard more than one day of audit events', async () => {
    const compliance = await f.staffCtx(await f.staff('COMPLIANCE'));
    const days = await t.services.dashboard.auditEventsByDay(compliance);
    expect(days.filter((d) => d.count > 0).length).toBeGreaterThan(1);
  });

  it('keeps the audit trail verifiable: hash chains, Merkle trees and signed heads', async () => {
    expect((await verify(t)).status).toBe('intact');
    await checkpointJob(t);
    const after = await verify(t);
    expect(after.status).toBe('intact');
    expect(after.checkpoints).toBeGreaterThan(0);
  });

  describe('the seed-only entry point for history (recordHistory)', () => {
    const history = (name: string, at: Date, tenantId: string) =>
      t.owner.prisma.$transaction((tx) =>
        t.services.audit.recordHistory(
          new WriteSession(buildSystemContext(name, ALL_TENANTS), tx),
          { tenantId, action: 'tenant.update', resource: 'Tenant', recordId: tenantId },
          at,
        ),
      );
    const count = (tenantId: string) => t.owner.prisma.auditEvent.count({ where: { tenantId } });

    it('is refused to any actor but the seed', async () => {
      const tenant = await f.tenant();
      await expect(history('cli:test', new Date(Date.now() - DAY), tenant.id)).rejects.toThrow(HISTORY_ONLY_FOR_THE_SEED);
      expect(await count(tenant.id)).toBe(1); // its tenant.create only
    });

    it('goes forward in time within a chain, and never into the future', async () => {
      const tenant = await f.tenant(); // tenant.create: now
      await expect(history(SEED_ACTOR_ID, new Date(Date.now() - DAY), tenant.id)).rejects.toThrow(/forward in time/);
      await expect(history(SEED_ACTOR_ID, new Date(Date.now() + DAY), tenant.id)).rejects.toThrow(/future/);
      expect(await count(tenant.id)).toBe(1);
      const fresh = await f.tenant();
      const latest = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: fresh.id } });
      await history(SEED_ACTOR_ID, new Date(Math.max(Date.now(), latest.occurredAt.getTime())), fresh.id);
      expect(await count(fresh.id)).toBe(2);
      expect((await verify(t, fresh.id)).status).toBe('intact');
    });
  });
});
