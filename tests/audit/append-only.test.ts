import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services.js';
import { createAuditTrail } from '../../src/modules/audit/audit.service.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';
import { appendEvents, asOwner, verify } from './helpers.js';

describe('the audit tables are append-only in the database', () => {
  let t: TestContext;
  let app: pg.Client;

  beforeAll(async () => {
    t = await createTestContext();
    const tenant = await factories(t.owner.prisma, t.services).tenant();
    await appendEvents(t, tenant.id, 12); // a checkpoint exists at seq 10
    app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await t?.close();
  });

  it.each([
    [`UPDATE "AuditEvent" SET "action" = 'forged'`],
    [`DELETE FROM "AuditEvent"`],
    [`TRUNCATE "AuditEvent"`],
    [`UPDATE "AuditCheckpoint" SET "hash" = repeat('0', 64)`],
    [`DELETE FROM "AuditCheckpoint"`],
    [`TRUNCATE "AuditCheckpoint"`],
    [`UPDATE "AuditChainHead" SET "seq" = 0`],
    [`DELETE FROM "AuditChainHead"`],
    [`TRUNCATE "AuditChainHead"`],
  ])('as the application role: %s is refused', async (sql) => {
    await expect(app.query(sql)).rejects.toThrow(/permission denied/);
  });

  it('as the application role, the head can be locked but not moved (its trigger refuses the one updatable column)', async () => {
    await app.query('BEGIN');
    try {
      await expect(app.query(`SELECT "seq" FROM "AuditChainHead" FOR UPDATE`)).resolves.toBeTruthy();
      await expect(app.query(`UPDATE "AuditChainHead" SET "updatedAt" = now()`)).rejects.toThrow(
        /only advances with an appended audit event/,
      );
    } finally {
      await app.query('ROLLBACK');
    }
  });

  it('as the application role, events and checkpoints can still be inserted and read', async () => {
    // Reading the trail is all-tenants work (compliance): row-level security shows the app role
    // no event without that tenant set (ADR 0011, tests/integration/rls.test.ts).
    await app.query(`BEGIN; SET LOCAL backoffice.all_tenants = 'on'`);
    try {
      const { rows } = await app.query(`SELECT count(*)::int AS n FROM "AuditEvent"`);
      expect(rows[0].n).toBeGreaterThan(0);
      await expect(app.query(`SELECT count(*) FROM "AuditCheckpoint"`)).resolves.toBeTruthy();
      await expect(app.query(`SELECT * FROM backoffice_audit_lock_head('global')`)).resolves.toBeTruthy();
    } finally {
      await app.query('COMMIT');
    }
  });

  it.each([
    [`UPDATE "AuditEvent" SET "action" = 'forged'`, /append-only/],
    [`DELETE FROM "AuditEvent"`, /append-only/],
    [`TRUNCATE "AuditEvent" CASCADE`, /append-only/],
    [`UPDATE "AuditCheckpoint" SET "hash" = repeat('0', 64)`, /append-only/],
    [`DELETE FROM "AuditCheckpoint"`, /append-only/],
    // CASCADE: AuditArchive refers to checkpoints (a plain TRUNCATE stops at that foreign key).
    [`TRUNCATE "AuditCheckpoint" CASCADE`, /append-only/],
    [`TRUNCATE "AuditArchive"`, /append-only/],
    [`UPDATE "AuditChainHead" SET "seq" = "seq" + 1`, /only advances with an appended audit event/],
    [`UPDATE "AuditChainHead" SET "hash" = repeat('f', 64)`, /only advances with an appended audit event/],
    [`DELETE FROM "AuditChainHead"`, /append-only/],
    [`TRUNCATE "AuditChainHead"`, /append-only/],
  ])('even the owner (triggers): %s is refused', async (sql, error) => {
    await asOwner(t, async (c) => expect(c.query(sql)).rejects.toThrow(error));
  });

  it('after all those attempts the trail still verifies intact', async () => {
    expect(await verify(t)).toMatchObject({ status: 'intact', events: 13, checkpoints: 1 });
  });
});

describe('fault injection: when the audit insert fails, the domain change rolls back', () => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => t?.close());

  it('a failing AuditEvent insert (trigger) rolls back a tenant suspension and a staff creation', async () => {
    const f = factories(t.owner.prisma, t.services);
    const tenant = await f.tenant();
    const superadmin = await f.staff('SUPERADMIN');
    const ctx = await f.staffCtx(superadmin);
    const eventsBefore = await t.owner.prisma.auditEvent.count();

    await asOwner(t, (c) =>
      c.query(`
        CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected audit failure'; END $$;
        CREATE TRIGGER "AuditEvent_injected_failure" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_fail_audit();`),
    );
    await expect(t.services.tenants.suspend(ctx, { tenantId: tenant.id, reason: 'fraud review' })).rejects.toThrow(
      /injected audit failure/,
    );
    await expect(
      t.services.staff.create(ctx, {
        email: 'rolled.back@staff.test',
        role: 'ENGINEER',
        password: STRONG_PASSWORD,
        grantTenantIds: [],
      }),
    ).rejects.toThrow(/injected audit failure/);

    const after = await t.owner.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(after.status).toBe('ACTIVE');
    expect(after.suspendedAt).toBeNull();
    expect(await t.owner.prisma.outboxEvent.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await t.owner.prisma.staffUser.count({ where: { email: 'rolled.back@staff.test' } })).toBe(0);
    expect(await t.owner.prisma.auditEvent.count()).toBe(eventsBefore);

    // The same calls succeed, each with exactly one event, once the fault is gone.
    await asOwner(t, (c) => c.query(`DROP TRIGGER "AuditEvent_injected_failure" ON "AuditEvent"`));
    await t.services.tenants.suspend(ctx, { tenantId: tenant.id, reason: 'fraud review' });
    expect((await t.owner.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe('SUSPENDED');
    expect(await t.owner.prisma.auditEvent.count({ where: { action: 'tenant.suspend', recordId: tenant.id } })).toBe(1);
    expect((await verify(t)).status).toBe('intact');
  });

  it('a record() that throws (application-side failure) rolls back the tenant it was recording', async () => {
    const real = createAuditTrail({ signer: t.services.auditKeys.signer, checkpointEvery: 10 });
    const failing = {
      ...real,
      record: async (...args: Parameters<typeof real.record>) => {
        await real.record(...args); // the event is written, then the caller's transaction must still roll back
        throw new Error('audit sink unavailable');
      },
    };
    const services = createServices(t.runtime, failing);
    const slug = `rolled-back-${Date.now().toString(36)}`;
    await expect(factories(t.owner.prisma, services).tenant({ slug })).rejects.toThrow(/audit sink unavailable/);
    expect(await t.owner.prisma.tenant.count({ where: { slug } })).toBe(0);
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { action: 'tenant.create', diff: { path: ['slug', 'to'], equals: slug } },
      }),
    ).toBe(0);
    expect((await verify(t)).status).toBe('intact');
  });
});
