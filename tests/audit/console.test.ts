import { WriteSession } from '../../src/db/session.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { AbilityBuilder } from '@casl/ability';
import { createPrismaAbility } from '@casl/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppAbility } from '../../src/modules/access/ability.js';
import type { ServiceContext } from '../../src/lib/context.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import type { AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { contentOfRow } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner } from './helpers.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct', 'all');

/** A deliberately slow sink with a tiny buffer, so the export has to respect back-pressure. */
function slowSink() {
  const chunks: Buffer[] = [];
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  sink.on('drain', () => (drains += 1));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => Buffer.concat(chunks), drains: () => drains };
}

describe('compliance console: search, verify, export', () => {
  let t: TestContext;
  let tenantA: string;
  let tenantB: string;
  let compliance: ServiceContext;
  let support: ServiceContext;
  let engineer: ServiceContext;

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    tenantA = (await f.tenant()).id;
    tenantB = (await f.tenant()).id;
    await appendEvents(t, tenantA, 2_100, 'tenant.update'); // more than one export batch (1,000)
    await appendEvents(t, tenantB, 5, 'user.update');
    compliance = await f.staffCtx(await f.staff('COMPLIANCE'));
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [tenantA] }));
    engineer = await f.staffCtx(await f.staff('ENGINEER'));
  }, 180_000);
  afterAll(async () => t?.close());

  describe('search', () => {
    it('filters by tenant, action, outcome and time, newest first, and pages by keyset exactly once per row', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.services.auditConsole.search(
          compliance,
          { tenantId: tenantB, action: 'user.update', outcome: 'SUCCESS' },
          { limit: 2, cursor },
        );
        seen.push(...page.items.map((e) => e.id));
        for (const e of page.items) expect(e).toMatchObject({ tenantId: tenantB, action: 'user.update', outcome: 'SUCCESS' });
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      const expected = await t.owner.prisma.auditEvent.findMany({
        where: { tenantId: tenantB, action: 'user.update' },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      });
      expect(seen).toEqual(expected.map((e) => e.id.toString()));

      const future = await t.services.auditConsole.search(compliance, { from: new Date(Date.now() + 60_000) });
      expect(future.items).toEqual([]);
      const byActor = await t.services.auditConsole.search(
        compliance,
        { actorId: 'cli:test', tenantId: tenantB },
        { limit: 100 },
      );
      expect(byActor.items.length).toBe(6); // tenant.create + 5
    });

    it('refuses staff without access to the trail, and records the refusal (DENIED)', async () => {
      await expect(t.services.auditConsole.search(support, {})).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
      const denied = await t.owner.prisma.auditEvent.findFirst({
        where: { action: 'audit.search', outcome: 'DENIED', actorId: support.actor.id },
      });
      expect(denied).not.toBeNull();
    });

    it('rejects a malformed cursor and inverted time ranges', async () => {
      await expect(t.services.auditConsole.search(compliance, {}, { cursor: 'not-a-cursor' })).rejects.toMatchObject({
        kind: 'VALIDATION_ERROR',
      });
      await expect(
        t.services.auditConsole.search(compliance, { from: new Date(2030, 1, 1), to: new Date(2020, 1, 1) }),
      ).rejects.toThrow();
    });
  });

  describe('verify', () => {
    it('verifies, records the result as an audit.verify event, and the dashboard reads it back', async () => {
      const result = await t.services.auditConsole.verify(compliance);
      expect(result.status).toBe('intact');
      const last = await t.services.auditConsole.lastVerification(compliance);
      expect(last).toMatchObject({
        status: 'intact',
        chains: result.chains,
        events: result.events,
        actorId: compliance.actor.id,
        tenantId: null,
      });
      const event = await t.owner.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'audit.verify', actorId: compliance.actor.id },
      });
      expect(event.diff).toMatchObject({ result: { from: null, to: { status: 'intact', events: result.events } } });

      const scoped = await t.services.auditConsole.verify(compliance, { tenantId: tenantB });
      expect(scoped).toMatchObject({ status: 'intact', chains: 1, tenantId: tenantB });
      expect(await t.services.auditConsole.lastVerification(compliance, { tenantId: tenantB })).toMatchObject({
        tenantId: tenantB,
        status: 'intact',
      });
    });

    it('refuses support staff (DENIED recorded) and answers not-found for an unknown tenant', async () => {
      await expect(t.services.auditConsole.verify(support)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { action: 'audit.verify', outcome: 'DENIED', actorId: support.actor.id },
        }),
      ).toBe(1);
      await expect(
        t.services.auditConsole.verify(compliance, { tenantId: '00000000-0000-4000-8000-000000000000' }),
      ).rejects.toMatchObject({ kind: 'NOT_FOUND' });
      expect(await t.services.auditConsole.lastVerification(support)).toBeNull();
    });
  });

  describe('export', () => {
    it('streams NDJSON through a cursor with a SHA-256 manifest, and records one audit.export event', async () => {
      const { sink, bytes, text, drains } = slowSink();
      const manifestSink = slowSink();
      const expected = await t.owner.prisma.auditEvent.count({ where: { tenantId: tenantA } });
      expect(expected).toBe(2_102); // tenant.create, 2,100 events, the support grant
      const manifest = await t.services.auditConsole.exportTrail(compliance, { tenantId: tenantA }, 'ndjson', sink, {
        manifestOut: manifestSink.sink,
      });
      const lines = text().trimEnd().split('\n');
      expect(manifest.rows).toBe(expected);
      expect(lines).toHaveLength(expected);
      expect(drains()).toBeGreaterThan(0);
      expect(manifest.sha256).toBe(createHash('sha256').update(bytes()).digest('hex'));
      expect(manifest.bytes).toBe(bytes().length);
      expect(manifest).toMatchObject({
        kind: 'audit-trail',
        format: 'ndjson',
        filters: { tenantId: tenantA },
        requestedBy: { type: 'STAFF', id: compliance.actor.id, role: 'COMPLIANCE' },
      });
      expect(JSON.parse(manifestSink.text())).toEqual(manifest);

      // The exported rows carry what an auditor needs to re-verify the chain offline.
      const rows = lines.map((l) => JSON.parse(l) as AuditEventRow & { occurredAt: string });
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      for (const r of rows)
        expect(hashEvent(contentOfRow({ ...r, occurredAt: new Date(r.occurredAt) }), r.prevHash, r.seq)).toBe(r.hash);

      const event = await t.owner.prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(manifest.auditEventId) } });
      expect(event).toMatchObject({
        action: 'audit.export',
        actorId: compliance.actor.id,
        tenantId: tenantA,
        outcome: 'SUCCESS',
      });
      expect(event.diff).toMatchObject({ export: { to: { rows: expected, sha256: manifest.sha256, format: 'ndjson' } } });
    });

    it('writes CSV with a header, RFC 4180 quoting and spreadsheet formulas neutralised', async () => {
      const ctx = compliance;
      await t.owner.prisma.$transaction((tx) =>
        t.services.audit.record(new WriteSession(TEST_CTX, tx), {
          actorType: 'STAFF',
          actorId: ctx.actor.id,
          actorRole: 'COMPLIANCE',
          tenantId: tenantB,
          action: 'staff.locale.update',
          reason: '=HYPERLINK("http://evil.example","click"), and "quotes"',
          correlationId: 'c-1',
        }),
      );
      const { sink, text } = slowSink();
      const manifest = await t.services.auditConsole.exportTrail(
        ctx,
        { tenantId: tenantB, action: 'staff.locale.update' },
        'csv',
        sink,
      );
      const [header, line, rest] = text().split('\r\n');
      expect(header).toBe(
        'id,chainKey,seq,tenantId,occurredAt,actorType,actorId,actorRole,action,resource,recordId,outcome,reason,diff,ip,userAgent,correlationId,prevHash,hash',
      );
      expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), and ""quotes"""`);
      expect(rest).toBe('');
      expect(manifest.rows).toBe(1);
    });

    it('refuses an engineer (no export right on the trail) and records the refusal', async () => {
      const { sink } = slowSink();
      await expect(t.services.auditConsole.exportTrail(engineer, {}, 'csv', sink)).rejects.toMatchObject({
        code: 'AUTH.FORBIDDEN',
      });
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { action: 'audit.export', outcome: 'DENIED', actorId: engineer.actor.id },
        }),
      ).toBe(1);
    });

    it('produces no manifest when the audit.export event cannot be recorded', async () => {
      await asOwner(t, (c) =>
        c.query(`
          CREATE FUNCTION test_fail_export() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW."action" = 'audit.export' THEN RAISE EXCEPTION 'injected audit failure'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER "AuditEvent_fail_export" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_fail_export();`),
      );
      try {
        const { sink } = slowSink();
        const manifestSink = slowSink();
        await expect(
          t.services.auditConsole.exportTrail(compliance, { tenantId: tenantB }, 'ndjson', sink, {
            manifestOut: manifestSink.sink,
          }),
        ).rejects.toThrow(/injected/);
        expect(manifestSink.text()).toBe('');
      } finally {
        await asOwner(t, (c) => c.query(`DROP TRIGGER "AuditEvent_fail_export" ON "AuditEvent"`));
      }
    });
  });

  it('the last verification shows a broken chain after tampering', async () => {
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await c.query(`UPDATE "AuditEvent" SET "reason" = 'rewritten' WHERE "chainKey" = $1 AND "seq" = 3`, [`tenant:${tenantB}`]);
    });
    const result = await t.services.auditConsole.verify(compliance);
    expect(result.status).toBe('broken');
    expect(result.breaks).toEqual([expect.objectContaining({ chainKey: `tenant:${tenantB}`, seq: '3', reason: 'edited' })]);
    const last = await t.services.auditConsole.lastVerification(compliance);
    expect(last).toMatchObject({ status: 'broken', breaks: [expect.objectContaining({ seq: '3', reason: 'edited' })] });
  });

  // Last: the denials it records go into tenant A's chain, which the export test counts.
  describe('proofs (audit:prove)', () => {
    it('refuses staff without verify on the trail, and an ability limited to some tenants (it carries the event)', async () => {
      const event = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { chainKey: `tenant:${tenantA}` } });
      await expect(t.services.auditConsole.proveInclusion(support, event.id.toString())).rejects.toMatchObject({
        code: 'AUTH.FORBIDDEN',
      });
      await expect(t.services.auditConsole.proveConsistency(support, `tenant:${tenantA}`, 1)).rejects.toMatchObject({
        code: 'AUTH.FORBIDDEN',
      });
      expect(
        await t.owner.prisma.auditEvent.count({
          where: { action: 'audit.prove', outcome: 'DENIED', actorId: support.actor.id },
        }),
      ).toBe(2);
      // May verify, but read only tenant A's events: an inclusion proof (which holds the event) is refused.
      const { can, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);
      can('verify', 'AuditEvent');
      can('read', 'AuditEvent', { tenantId: { in: [tenantA] } });
      const limited: ServiceContext = { ...compliance, ability: build() };
      await expect(t.services.auditConsole.proveInclusion(limited, event.id.toString())).rejects.toMatchObject({
        kind: 'NOT_FOUND',
      });
      // Compliance, who reads the whole trail, gets a proof that verifies.
      await expect(t.services.auditConsole.proveInclusion(compliance, event.id.toString())).resolves.toMatchObject({
        verified: true,
      });
    });
  });
});
