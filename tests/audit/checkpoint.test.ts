import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointAllChains } from '../../src/modules/audit/audit.checkpoint.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import { SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { contentOfRow, verifyChains } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner, KEY, verify } from './helpers.js';

const DISABLE = [
  `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`,
  `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_extend_chain"`,
  `ALTER TABLE "AuditChainHead" DISABLE TRIGGER "AuditChainHead_advance_only"`,
];

/** Rewrites the content of events >= fromSeq and recomputes their hashes and the head consistently. */
async function rewriteTail(c: pg.Client, chainKey: string, fromSeq: number) {
  for (const sql of DISABLE) await c.query(sql);
  const { rows } = await c.query<AuditEventRow>(
    `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 AND e."seq" >= $2 ORDER BY e."seq"`,
    [chainKey, fromSeq - 1],
  );
  let prevHash = rows.shift()!.hash;
  for (const row of rows) {
    const forged = { ...row, reason: 'rewritten' };
    const hash = hashEvent(contentOfRow(forged), prevHash, row.seq);
    await c.query(`UPDATE "AuditEvent" SET "reason" = 'rewritten', "prevHash" = $1, "hash" = $2 WHERE "id" = $3`, [
      prevHash,
      hash,
      row.id,
    ]);
    prevHash = hash;
  }
  await c.query(`UPDATE "AuditChainHead" SET "hash" = $1 WHERE "chainKey" = $2`, [prevHash, chainKey]);
}

describe('checkpointAllChains: the periodic checkpoint job', () => {
  let t: TestContext;
  let tenantId: string;
  let chainKey: string;

  beforeEach(async () => {
    t = await createTestContext();
    tenantId = (await factories(t.runtime.prisma, t.services).tenant()).id;
    chainKey = `tenant:${tenantId}`;
    await appendEvents(t, tenantId, 24); // 25 events; record() signs seq 10 and 20
    await appendEvents(t, null, 3);
  });
  afterEach(async () => t?.close());

  it('signs every head that moved since its last checkpoint, and only those', async () => {
    const first = await checkpointAllChains(t.runtime.pool, { checkpointKey: KEY });
    expect(first.refused).toEqual([]);
    expect(first.signed.map((s) => `${s.chainKey}@${s.seq}`).sort()).toEqual([`${chainKey}@25`, 'global@3'].sort());
    expect((await checkpointAllChains(t.runtime.pool, { checkpointKey: KEY })).signed).toEqual([]);
    await appendEvents(t, tenantId, 2);
    const third = await checkpointAllChains(t.runtime.pool, { checkpointKey: KEY });
    expect(third.signed).toEqual([expect.objectContaining({ chainKey, seq: '27' })]);
    expect(await verify(t)).toMatchObject({ status: 'intact', checkpoints: 5 });
  });

  it('closes the tail gap: a tail rewritten after the last in-transaction checkpoint is caught once the job has signed the head', async () => {
    // Without the job, a consistent rewrite of the last events (21..25) goes unnoticed: the
    // signed checkpoints stop at 20. This is the gap the job exists for.
    await asOwner(t, (c) => rewriteTail(c, chainKey, 23));
    expect((await verify(t)).status).toBe('intact');

    const fresh = await createTestContext();
    try {
      const tenant = (await factories(fresh.runtime.prisma, fresh.services).tenant()).id;
      await appendEvents(fresh, tenant, 24);
      await checkpointAllChains(fresh.runtime.pool, { checkpointKey: KEY });
      await asOwner(fresh, (c) => rewriteTail(c, `tenant:${tenant}`, 23));
      const result = await verify(fresh);
      expect(result.breaks).toEqual([
        expect.objectContaining({ chainKey: `tenant:${tenant}`, seq: '25', reason: 'checkpoint_mismatch' }),
      ]);
      expect(result.breaks[0]!.detail).toContain('after seq 20 up to 25');
    } finally {
      await fresh.close();
    }
  });

  it('after the job, deleting the last events (and moving the head back) is reported as a deletion', async () => {
    await checkpointAllChains(t.runtime.pool, { checkpointKey: KEY });
    await asOwner(t, async (c) => {
      for (const sql of DISABLE) await c.query(sql);
      const { rows } = await c.query(`SELECT "hash" FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" = 23`, [chainKey]);
      await c.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" > 23`, [chainKey]);
      await c.query(`UPDATE "AuditChainHead" SET "seq" = 23, "hash" = $1 WHERE "chainKey" = $2`, [rows[0].hash, chainKey]);
    });
    const result = await verify(t);
    expect(result.breaks).toEqual([expect.objectContaining({ chainKey, seq: '24', eventId: null, reason: 'deleted' })]);
  });

  it('refuses to sign a head whose recent events do not verify (it never blesses tampering)', async () => {
    await asOwner(t, async (c) => {
      for (const sql of DISABLE) await c.query(sql);
      await c.query(`UPDATE "AuditEvent" SET "action" = 'forged' WHERE "chainKey" = $1 AND "seq" = 22`, [chainKey]);
    });
    const result = await checkpointAllChains(t.runtime.pool, { checkpointKey: KEY });
    expect(result.refused).toEqual([{ chainKey, reason: 'event at seq 22 does not match its hash' }]);
    expect(result.signed.map((s) => s.chainKey)).toEqual(['global']);
    expect(await t.runtime.prisma.auditCheckpoint.count({ where: { chainKey } })).toBe(2);
  });

  it('supports key rotation: old checkpoints verify with the retired key kept second; new ones are signed with the new key', async () => {
    const NEW_KEY = 'rotated-audit-checkpoint-key-0123456789abcdef';
    const onlyNew = await verifyChains(t.runtime.pool, { checkpointKey: NEW_KEY });
    expect(onlyNew.breaks[0]).toMatchObject({ chainKey, seq: '10', reason: 'checkpoint_mismatch' });

    const signed = await checkpointAllChains(t.runtime.pool, { checkpointKey: [NEW_KEY, KEY] });
    expect(signed.refused).toEqual([]);
    expect(await verifyChains(t.runtime.pool, { checkpointKey: [NEW_KEY, KEY], checkpointEvery: 10 })).toMatchObject({
      status: 'intact',
      checkpoints: 4,
    });
    const latest = await t.runtime.prisma.auditCheckpoint.findFirstOrThrow({ where: { chainKey }, orderBy: { seq: 'desc' } });
    expect(latest.seq).toBe(25n);
    // The newest checkpoint verifies with the new key alone.
    const { checkCheckpointSignature } = await import('../../src/modules/audit/audit.hash.js');
    expect(checkCheckpointSignature(NEW_KEY, chainKey, latest.seq, latest.hash, latest.signature)).toBe(true);
    expect(checkCheckpointSignature(KEY, chainKey, latest.seq, latest.hash, latest.signature)).toBe(false);
  });

  it('streams in keyset batches: tiny batches give the same result and find the same break', async () => {
    const whole = await verify(t);
    const batched = await verifyChains(t.runtime.pool, { checkpointKey: KEY, checkpointEvery: 10, batchSize: 3 });
    expect({ ...batched, durationMs: 0, startedAt: '' }).toEqual({ ...whole, durationMs: 0, startedAt: '' });
    await asOwner(t, async (c) => {
      for (const sql of DISABLE) await c.query(sql);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 1000 WHERE "chainKey" = $1 AND "seq" = 12`, [chainKey]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 12 WHERE "chainKey" = $1 AND "seq" = 16`, [chainKey]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 16 WHERE "chainKey" = $1 AND "seq" = 1000`, [chainKey]);
    });
    const broken = await verifyChains(t.runtime.pool, { checkpointKey: KEY, batchSize: 3 });
    expect(broken.breaks).toEqual([expect.objectContaining({ chainKey, seq: '12', reason: 'reordered' })]);
  });
});
