import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startAdmin, type AdminHarness } from './session.helpers.js';

interface Bucket {
  key: string;
  count: number;
}
const total = (buckets: Bucket[]) => buckets.reduce((sum, b) => sum + b.count, 0);
const countOf = (buckets: Bucket[], key: string) => buckets.find((b) => b.key === key)?.count;

describe("role dashboards (GET /admin/api/dashboard), counted within the staff member's ability", () => {
  let h: AdminHarness;
  let granted: { id: string };
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    h = await startAdmin();
    granted = await h.f.tenant({ name: 'Granted household' });
    const other = await h.f.tenant({ name: 'Other household' });
    await h.f.tenant({ name: 'Third household' });
    const superadmin = await h.f.staff('SUPERADMIN');
    await h.t.services.tenants.suspend(await h.f.staffCtx(superadmin), {
      tenantId: other.id,
      reason: 'Chargeback investigation',
    });
    const support = await h.f.staff('SUPPORT', { grantTenantIds: [granted.id] });
    const expired = await h.f.staff('SUPPORT', { grantTenantIds: [granted.id] });
    await h.t.owner.prisma.tenantAccessGrant.updateMany({
      where: { staffUserId: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const compliance = await h.f.staff('COMPLIANCE');
    const engineer = await h.f.staff('ENGINEER');
    for (const [role, staff] of Object.entries({ superadmin, support, expired, compliance, engineer }))
      cookies[role] = await loginCookie(h.app, staff.email);
  });
  afterAll(async () => h.close());

  const dashboard = async (who: string) => {
    const res = await request(h.app).get('/admin/api/dashboard').set('Cookie', cookies[who]!);
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown> & { sections: string[] };
  };

  it('shows a support agent only the tenants granted to them (status and sign-ups)', async () => {
    const data = await dashboard('support');
    expect(data.sections).toEqual(['support']);
    expect(data.grantedTenants).toBe(1);
    expect(total(data.tenantsByStatus as Bucket[])).toBe(1);
    expect(countOf(data.tenantsByStatus as Bucket[], 'SUSPENDED')).toBe(0);
    expect(total(data.signupsByWeek as Bucket[])).toBe(1);
    expect((data.signupsByWeek as Bucket[]).length).toBe(12);
    expect(data).not.toHaveProperty('auditEventsByDay');
  });

  it('shows nothing to a support agent whose grant has expired', async () => {
    const data = await dashboard('expired');
    expect(data.grantedTenants).toBe(0);
    expect(total(data.tenantsByStatus as Bucket[])).toBe(0);
    expect(total(data.signupsByWeek as Bucket[])).toBe(0);
  });

  it('shows a superadmin every section, over every tenant', async () => {
    const data = await dashboard('superadmin');
    expect(data.sections).toEqual(['support', 'compliance', 'engineering', 'staff']);
    expect(countOf(data.tenantsByStatus as Bucket[], 'ACTIVE')).toBe(2);
    expect(countOf(data.tenantsByStatus as Bucket[], 'SUSPENDED')).toBe(1);
    expect(countOf(data.staffByRole as Bucket[], 'SUPPORT')).toBe(2);
    // The suspension wrote an outbox event (the owner's notification).
    expect(total(data.outboxByStatus as Bucket[])).toBeGreaterThanOrEqual(1);
  });

  it('shows compliance the audit activity and the last verification of the chain', async () => {
    const before = await dashboard('compliance');
    expect(before.sections).toEqual(['compliance']);
    const events = before.auditEventsByDay as Bucket[];
    expect(events.length).toBe(14);
    expect(events.at(-1)!.count).toBeGreaterThan(5); // today: creations, grants, logins
    expect(countOf(before.auditOutcomes24h as Bucket[], 'SUCCESS')).toBeGreaterThan(5);
    expect((before.lastVerification as { status: string }).status).toBe('unknown');

    const compliance = await h.t.owner.prisma.staffUser.findFirstOrThrow({ where: { role: 'COMPLIANCE' } });
    await h.t.services.auditConsole.verify(await h.f.staffCtx(compliance));
    const after = await dashboard('compliance');
    expect(after.lastVerification).toMatchObject({ status: 'intact', firstBreak: null });
    expect((after.lastVerification as { events: number }).events).toBeGreaterThan(5);
  });

  it('counts audit activity from the hourly summary kept in the audit transaction, not by counting events (issue 17)', async () => {
    const app = h.t.runtime.pool;
    // The summary agrees with the trail, hour by hour, tenant by tenant, outcome by outcome (as
    // the owner: the application role sees only a transaction's tenant set, ADR 0011).
    const { rows: drift } = await h.t.owner.pool.query(
      `SELECT * FROM (
         SELECT date_trunc('hour', "occurredAt" AT TIME ZONE 'UTC') AS hour, coalesce("tenantId"::text, '-') AS tenant,
                "outcome"::text, count(*)::bigint AS n
           FROM "AuditEvent" GROUP BY 1, 2, 3) e
       FULL JOIN (SELECT "hour", coalesce("tenantId"::text, '-') AS tenant, "outcome"::text, "count" AS n FROM "AuditEventCount") c
         USING ("hour", "tenant", "outcome")
       WHERE e.n IS DISTINCT FROM c.n`,
    );
    expect(drift, JSON.stringify(drift)).toEqual([]);
    // The application role cannot write the summary (only the audit trigger does).
    await expect(app.query(`UPDATE "AuditEventCount" SET "count" = "count" + 1`)).rejects.toThrow(/permission denied/);

    const before = await dashboard('compliance');
    // A staff login is one more audited event: the figures move by exactly one, through the summary.
    const compliance = await h.t.runtime.prisma.staffUser.findFirstOrThrow({ where: { role: 'COMPLIANCE' } });
    await h.t.services.auditConsole.verify(await h.f.staffCtx(compliance));
    const after = await dashboard('compliance');
    expect((after.auditEventsByDay as Bucket[]).at(-1)!.count).toBe((before.auditEventsByDay as Bucket[]).at(-1)!.count + 1);
    expect(countOf(after.auditOutcomes24h as Bucket[], 'SUCCESS')).toBe(
      countOf(before.auditOutcomes24h as Bucket[], 'SUCCESS')! + 1,
    );

    // And the dashboard reads the summary, not AuditEvent: a summary row no event backs shows up.
    const ownerClient = new pg.Client({ connectionString: h.t.db.ownerUrl });
    await ownerClient.connect();
    try {
      await ownerClient.query(
        `INSERT INTO "AuditEventCount" ("hour", "tenantId", "outcome", "count")
         VALUES (date_trunc('hour', now() AT TIME ZONE 'UTC'), $1, 'DENIED', 1000)`,
        [granted.id],
      );
      const forged = await dashboard('compliance');
      expect(countOf(forged.auditOutcomes24h as Bucket[], 'DENIED')).toBe(
        countOf(after.auditOutcomes24h as Bucket[], 'DENIED')! + 1000,
      );
    } finally {
      await ownerClient.query(`DELETE FROM "AuditEventCount" WHERE "count" = 1000 AND "outcome" = 'DENIED'`);
      await ownerClient.end();
    }
  });

  it('shows engineers export jobs and queue health, not customer figures', async () => {
    const data = await dashboard('engineer');
    expect(data.sections).toEqual(['engineering']);
    expect((data.exportJobsByStatus as Bucket[]).map((b) => b.key)).toEqual(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']);
    expect(countOf(data.outboxByStatus as Bucket[], 'PENDING')).toBeGreaterThanOrEqual(1);
    expect(typeof data.oldestPendingOutboxSeconds).toBe('number');
    expect(data).not.toHaveProperty('tenantsByStatus');
  });
});
