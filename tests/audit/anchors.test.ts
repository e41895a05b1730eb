import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAuditVerify } from '../../src/cli/commands/audit.js';
import { WriteSession } from '../../src/db/session.js';
import { cliContext } from '../../src/cli/system-context.js';
import { actorFields } from '../../src/modules/audit/audit.service.js';
import { createAnchorConsumer, readAnchors } from '../../src/modules/audit/audit.anchor.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import { HEADS_SIGNED_EVENT, signHead } from '../../src/modules/audit/audit.heads.js';
import { eventLeafHash, MerkleFrontier } from '../../src/modules/audit/audit.merkle.js';
import { SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { contentOfRow } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner, checkpointJob, verify } from './helpers.js';

const COMPLIANCE = 'compliance@backoffice.test';

/**
 * The attacker holds the database (superuser) AND the signing key: they rewrite a chain, recompute
 * every hash and re-sign every head. The database is then consistent with itself; only the heads
 * anchored outside it tell.
 */
async function rewriteWithFreshHeads(t: TestContext, chainKey: string, fromSeq: number, upTo?: number) {
  await asOwner(t, async (c: pg.Client) => {
    for (const sql of [
      `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`,
      `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_extend_chain"`,
      `ALTER TABLE "AuditChainHead" DISABLE TRIGGER "AuditChainHead_advance_only"`,
      `ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only"`,
    ])
      await c.query(sql);
    if (upTo !== undefined) await c.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" > $2`, [chainKey, upTo]);
    const { rows } = await c.query<AuditEventRow>(
      `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 ORDER BY e."seq"`,
      [chainKey],
    );
    await c.query(`DELETE FROM "AuditCheckpoint" WHERE "chainKey" = $1`, [chainKey]);
    const frontier = MerkleFrontier.empty();
    let prev = '0'.repeat(64);
    for (const row of rows) {
      if (Number(row.seq) >= fromSeq) {
        const forged = { ...row, reason: Number(row.seq) === fromSeq ? 'rewritten' : row.reason };
        const hash = hashEvent(contentOfRow(forged), prev, row.seq);
        await c.query(`UPDATE "AuditEvent" SET "reason" = $1, "prevHash" = $2, "hash" = $3 WHERE "id" = $4`, [
          forged.reason,
          prev,
          hash,
          row.id,
        ]);
        row.hash = hash;
      }
      prev = row.hash;
      frontier.append(eventLeafHash(row.hash));
      if (Number(row.seq) % 10 === 0 || Number(row.seq) === rows.length) {
        const head = signHead(t.services.auditKeys.signer, { chainKey, frontier, headHash: row.hash });
        await c.query(
          `INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm", "keyId", "rootHash", "signedAt", "frontier")
           VALUES ($1, $2, $3, $4, 'ed25519', $5, $6, $7, $8)`,
          [head.chainKey, head.seq, head.hash, head.signature, head.keyId, head.rootHash, head.signedAt, head.frontier],
        );
      }
    }
    await c.query(`UPDATE "AuditChainHead" SET "seq" = $1, "hash" = $2 WHERE "chainKey" = $3`, [rows.length, prev, chainKey]);
  });
}

describe('anchoring signed heads outside the database', () => {
  let t: TestContext;
  let dir: string;
  let chainKey: string;
  let tenantId: string;

  /** Delivers the outbox (the worker's job) with the anchor sinks: the directory and compliance's mailbox. */
  async function deliverOutbox() {
    const mailer = t.services.mail.createMailer();
    const dispatcher = t.services.outbox.createDispatcher({
      mailer,
      consumers: { [HEADS_SIGNED_EVENT]: createAnchorConsumer({ path: `${dir}/`, email: COMPLIANCE, mailer }) },
    });
    while ((await dispatcher.dispatchOnce()).claimed > 0);
  }

  beforeEach(async () => {
    t = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'audit-anchors-'));
    tenantId = (await factories(t.owner.prisma, t.services).tenant()).id;
    chainKey = `tenant:${tenantId}`;
    await appendEvents(t, tenantId, 24); // 25 events: heads signed by record() at 10 and 20
    await checkpointJob(t); // and by the job at 25 (and the global chain's head)
    await deliverOutbox();
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('every signed head reaches the anchor file (after commit, through the outbox), and the job run is mailed to compliance', async () => {
    const { anchors, files } = await readAnchors(dir);
    expect(files).toBe(1);
    expect(readdirSync(dir)[0]).toMatch(/^audit-anchors-\d{4}-\d{2}-\d{2}\.ndjson$/);
    expect(anchors.filter((a) => a.chainKey === chainKey).map((a) => a.treeSize)).toEqual(['10', '20', '25']);
    const heads = await t.owner.prisma.auditCheckpoint.findMany({ where: { chainKey }, orderBy: { seq: 'asc' } });
    expect(anchors.filter((a) => a.chainKey === chainKey).map((a) => a.signature)).toEqual(heads.map((h) => h.signature));
    // Redelivery appends nothing new that counts (the reader drops exact duplicates).
    const consumer = createAnchorConsumer({ path: `${dir}/` });
    const event = await t.owner.prisma.outboxEvent.findFirstOrThrow({ where: { type: HEADS_SIGNED_EVENT } });
    await consumer(event);
    expect((await readAnchors(dir)).anchors).toHaveLength(anchors.length);
    // One mail for the job's run (not one per hundred events), carrying its heads.
    const mails = await t.owner.prisma.mailMessage.findMany({ where: { to: COMPLIANCE } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`"chainKey":"${chainKey}","treeSize":"25"`);
  });

  it('a head signed in a transaction that rolls back is never anchored (the outbox row rolls back with it)', async () => {
    const before = await t.owner.prisma.outboxEvent.count({ where: { type: HEADS_SIGNED_EVENT } });
    const ctx = cliContext('test');
    await expect(
      t.owner.prisma.$transaction(async (tx) => {
        for (let i = 0; i < 5; i += 1)
          await t.services.audit.record(new WriteSession(ctx, tx), {
            ...actorFields(ctx),
            tenantId,
            action: 'tenant.suspend',
            resource: 'Tenant',
          });
        throw new Error('the change fails after its events (seq 26..30, head 30 signed) were recorded');
      }),
    ).rejects.toThrow(/the change fails/);
    expect(await t.owner.prisma.outboxEvent.count({ where: { type: HEADS_SIGNED_EVENT } })).toBe(before);
    await appendEvents(t, tenantId, 5); // the real seq 26..30
    await deliverOutbox();
    const thirty = (await readAnchors(dir)).anchors.filter((a) => a.chainKey === chainKey && a.treeSize === '30');
    const head = await t.owner.prisma.auditCheckpoint.findFirstOrThrow({ where: { chainKey, seq: 30 } });
    expect(thirty.map((a) => a.signature)).toEqual([head.signature]);
  });

  it('catches a database rewritten together with fresh signed heads (the key was available)', async () => {
    await rewriteWithFreshHeads(t, chainKey, 5);
    // The database alone cannot tell: its chain, tree and signatures are consistent.
    expect((await verify(t)).status).toBe('intact');
    const { anchors } = await readAnchors(dir);
    const result = await verify(t, undefined, { anchors });
    expect(result.status).toBe('broken');
    expect(result.breaks).toEqual([expect.objectContaining({ chainKey, seq: '10', reason: 'anchor_mismatch' })]);
    // The same through the command, as an auditor runs it: exit 1 and the break.
    const lines: string[] = [];
    const code = await runAuditVerify(
      t,
      { record: false, anchors: dir },
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`chain=${chainKey} (tenant `);
    expect(lines.join('\n')).toMatch(/seq=10 id=\d+ reason=anchor_mismatch: The head signed at .* anchored outside the database/);
    // The streaming pass agrees.
    expect((await verify(t, undefined, { anchors, streaming: true, workers: 0 })).breaks).toEqual(result.breaks);
  });

  it('catches a database restored (or cut back) to an earlier state with re-signed heads: the anchors reach further', async () => {
    await rewriteWithFreshHeads(t, chainKey, 100, 15); // keep events 1..15, sign heads 10 and 15
    expect((await verify(t)).status).toBe('intact');
    const result = await verify(t, undefined, { anchors: (await readAnchors(dir)).anchors });
    expect(result.breaks).toEqual([expect.objectContaining({ chainKey, seq: '16', eventId: null, reason: 'deleted' })]);
    expect(result.breaks[0]!.detail).toMatch(/anchored outside the database .* proves the chain reached seq 20/);
  });

  it('an untouched database agrees with its anchors; forged anchor lines are ignored and counted', async () => {
    const { anchors } = await readAnchors(dir);
    const forged = { ...anchors[0]!, rootHash: 'f'.repeat(64) };
    const result = await verify(t, undefined, { anchors: [...anchors, forged] });
    expect(result).toMatchObject({
      status: 'intact',
      anchors: { heads: anchors.length + 1, checked: anchors.length, invalid: 1 },
    });
  });
});
