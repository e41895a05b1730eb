import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRepository } from '../../src/modules/audit/audit.repository.js';
import { streamVerify } from '../../src/modules/audit/audit.verify-stream.js';
import { GENESIS_START } from '../../src/modules/audit/audit.checker.js';
import type { VerificationResult } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner, checkpointJob, verify } from './helpers.js';

const same = (r: VerificationResult) => ({ ...r, durationMs: 0, startedAt: '' });

describe('verification that scales: the streaming pass and incremental runs', () => {
  let t: TestContext;
  let tenants: string[];

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    tenants = [];
    for (let i = 0; i < 3; i += 1) {
      const id = (await f.tenant()).id;
      tenants.push(id);
      await appendEvents(t, id, 20 + 7 * i);
    }
    await appendEvents(t, null, 4);
    await checkpointJob(t);
  });
  afterAll(async () => t?.close());

  it('worker threads decode and hash the COPY stream; the pass reports every intact chain itself', async () => {
    const client = await t.owner.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const heads = new Map((await auditRepository.listHeadRows(client)).map((h) => [h.chainKey, h]));
      const plans = [...heads.keys()].map((chainKey) => ({ chainKey, head: heads.get(chainKey)!, start: GENESIS_START() }));
      const reports = await streamVerify(client, plans, {
        keys: t.services.auditKeys,
        checkpointEvery: 10,
        workers: 2,
        batchBytes: 4_096,
      });
      await client.query('COMMIT');
      expect([...reports.keys()].sort()).toEqual([...heads.keys()].sort());
      for (const [chainKey, report] of reports) expect(report.events, chainKey).toBe(Number(heads.get(chainKey)!.seq));
    } finally {
      client.release();
    }
    const perChain = await verify(t, undefined, { streaming: false });
    expect(perChain.status).toBe('intact');
    expect(same(await verify(t, undefined, { streaming: true, workers: 1 }))).toEqual(same(perChain));
  });

  it('a chain the pass finds anything wrong with is verified again one by one: same break as the per-chain pass', async () => {
    const chainKey = `tenant:${tenants[1]}`;
    const original = await asOwner(t, async (c) => {
      const { rows } = await c.query<{ diff: string }>(
        `SELECT "diff"::text AS "diff" FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" = 11`,
        [chainKey],
      );
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await c.query(`UPDATE "AuditEvent" SET "diff" = '{"n": {"to": 99, "from": 98}}' WHERE "chainKey" = $1 AND "seq" = 11`, [
        chainKey,
      ]);
      return rows[0]!.diff;
    });
    const perChain = await verify(t, undefined, { streaming: false });
    expect(perChain.breaks).toEqual([expect.objectContaining({ chainKey, seq: '11', reason: 'edited' })]);
    expect(same(await verify(t, undefined, { streaming: true, workers: 2 }))).toEqual(same(perChain));
    await asOwner(t, (c) =>
      c.query(`UPDATE "AuditEvent" SET "diff" = $1::jsonb WHERE "chainKey" = $2 AND "seq" = 11`, [original, chainKey]),
    );
    expect((await verify(t)).status).toBe('intact');
  });

  it('incremental: starts each chain at the signed head its last run reached, and reads only what follows', async () => {
    const full = await verify(t, undefined, { saveCursors: true });
    expect(full).toMatchObject({ status: 'intact', mode: 'full' });
    const cursors = await t.owner.prisma.auditVerificationCursor.findMany();
    expect(cursors).toHaveLength(4);
    const a = `tenant:${tenants[0]}`;
    await appendEvents(t, tenants[0]!, 15); // chain A: 21 -> 36, record() signs 30
    const incremental = await verify(t, undefined, { incremental: true, saveCursors: true });
    expect(incremental).toMatchObject({ status: 'intact', mode: 'incremental' });
    // Chain A was signed at 21 by the job: 15 new events; the other chains had nothing new.
    expect(incremental.events).toBe(15);
    expect(same(await verify(t, undefined, { incremental: true, streaming: true, workers: 0 }))).toMatchObject({
      mode: 'incremental',
      status: 'intact',
    });
    expect((await t.owner.prisma.auditVerificationCursor.findUniqueOrThrow({ where: { chainKey: a } })).seq).toBe(30n);

    // A new event edited after the cursor is caught by the incremental run ...
    await appendEvents(t, tenants[0]!, 3); // 37..39
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 38`, [a]);
    });
    for (const streaming of [false, true]) {
      const caught = await verify(t, undefined, { incremental: true, streaming, workers: 0 });
      expect(caught.breaks).toEqual([expect.objectContaining({ chainKey: a, seq: '38', reason: 'edited' })]);
    }
    // ... and an old one (before the cursor) only by a full run, which therefore still runs daily.
    await asOwner(t, (c) =>
      c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.update' WHERE "chainKey" = $1 AND "seq" = 38`, [a]),
    );
    await asOwner(t, (c) =>
      c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 5`, [a]),
    );
    expect((await verify(t, undefined, { incremental: true })).status).toBe('intact');
    expect((await verify(t)).breaks).toEqual([expect.objectContaining({ chainKey: a, seq: '5', reason: 'edited' })]);
    await asOwner(t, (c) =>
      c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.update' WHERE "chainKey" = $1 AND "seq" = 5`, [a]),
    );
  });

  it('a cursor is not trusted blindly: one naming a head that does not verify makes that chain start from its first event', async () => {
    const a = `tenant:${tenants[0]}`;
    const cursor = await t.owner.prisma.auditVerificationCursor.findUniqueOrThrow({ where: { chainKey: a } });
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only"`);
      await c.query(`UPDATE "AuditCheckpoint" SET "frontier" = NULL WHERE "id" = $1`, [cursor.checkpointId]);
    });
    const result = await verify(t, undefined, { incremental: true });
    expect(result).toMatchObject({ status: 'intact', mode: 'incremental' });
    expect(result.events).toBe(39); // chain A again from seq 1; the others: nothing new
  });
});
