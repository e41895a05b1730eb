import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verify as cryptoVerify } from 'node:crypto';
import { checkpointAllChains } from '../../src/modules/audit/audit.checkpoint.js';
import { hashEvent, signCheckpoint } from '../../src/modules/audit/audit.hash.js';
import { eventLeafHash, MerkleTree } from '../../src/modules/audit/audit.merkle.js';
import { SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { checkTreeHead, createAuditKeys, generateSigningKey } from '../../src/modules/audit/audit.signing.js';
import { contentOfRow } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner, chainRows, checkpointJob, HMAC_KEY, verify } from './helpers.js';

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
    tenantId = (await factories(t.owner.prisma, t.services).tenant()).id;
    chainKey = `tenant:${tenantId}`;
    await appendEvents(t, tenantId, 24); // 25 events; record() signs seq 10 and 20
    await appendEvents(t, null, 3);
  });
  afterEach(async () => t?.close());

  it('signs every head that moved since its last checkpoint, and only those', async () => {
    const first = await checkpointJob(t);
    expect(first.refused).toEqual([]);
    expect(first.signed.map((s) => `${s.chainKey}@${s.seq}`).sort()).toEqual([`${chainKey}@25`, 'global@3'].sort());
    expect((await checkpointJob(t)).signed).toEqual([]);
    await appendEvents(t, tenantId, 2);
    const third = await checkpointJob(t);
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
      const tenant = (await factories(fresh.owner.prisma, fresh.services).tenant()).id;
      await appendEvents(fresh, tenant, 24);
      await checkpointJob(fresh);
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
    await checkpointJob(t);
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
    const result = await checkpointJob(t);
    expect(result.refused).toEqual([{ chainKey, reason: 'event at seq 22 does not match its hash' }]);
    expect(result.signed.map((s) => s.chainKey)).toEqual(['global']);
    expect(await t.owner.prisma.auditCheckpoint.count({ where: { chainKey } })).toBe(2);
  });

  it('refuses to continue a tree from a signed head whose signature does not verify', async () => {
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only"`);
      await c.query(
        `UPDATE "AuditCheckpoint" SET "signedAt" = "signedAt" + interval '1 second' WHERE "chainKey" = $1 AND "seq" = 20`,
        [chainKey],
      );
    });
    const result = await checkpointJob(t);
    expect(result.refused).toEqual([{ chainKey, reason: 'the latest signed head (seq 20) does not verify (signature or tree)' }]);
  });

  it('each head signs the chain, the Merkle tree size and root, the key id and the time, with Ed25519', async () => {
    const heads = await t.owner.prisma.auditCheckpoint.findMany({ where: { chainKey }, orderBy: { seq: 'asc' } });
    expect(heads.map((h) => [h.seq, h.algorithm, h.keyId])).toEqual([
      [10n, 'ed25519', t.services.auditKeys.signer.keyId],
      [20n, 'ed25519', t.services.auditKeys.signer.keyId],
    ]);
    const rows = await asOwner(t, (c) =>
      c.query<{ hash: string }>(`SELECT "hash" FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" <= 20 ORDER BY "seq"`, [
        chainKey,
      ]),
    );
    const tree = new MerkleTree(rows.rows.map((r) => eventLeafHash(r.hash)));
    const h20 = heads[1]!;
    expect(h20.rootHash).toBe(tree.root(20).toString('hex'));
    expect(h20.hash).toBe(rows.rows[19]!.hash);
    const head = {
      chainKey,
      treeSize: '20',
      rootHash: h20.rootHash!,
      headHash: h20.hash,
      keyId: h20.keyId!,
      signedAt: h20.signedAt!.toISOString(),
    };
    expect(checkTreeHead(t.services.auditKeys.ring, head, h20.signature)).toBe('valid');
    expect(checkTreeHead(t.services.auditKeys.ring, { ...head, treeSize: '19' }, h20.signature)).toBe('bad-signature');
    // The signature is checked with node:crypto's own Ed25519 over the documented message.
    const message = ['backoffice.audit.tree-head.v1', chainKey, '20', h20.rootHash, h20.hash, h20.keyId, head.signedAt].join(
      '\n',
    );
    expect(
      cryptoVerify(null, Buffer.from(message), t.services.auditKeys.signer.publicKey, Buffer.from(h20.signature, 'hex')),
    ).toBe(true);
  });

  it('supports key rotation: heads signed before verify with the retired public key; new ones are signed with the new key', async () => {
    const oldKeys = t.services.auditKeys;
    const next = generateSigningKey();
    const rotated = createAuditKeys({ signingKey: next.privateKey, retiredPublicKeys: [oldKeys.signer.x] });
    const newOnly = createAuditKeys({ signingKey: next.privateKey });
    // Without the retired key, the old heads name a key nobody trusts.
    const onlyNew = await verify(t, undefined, { keys: newOnly });
    expect(onlyNew.breaks[0]).toMatchObject({ chainKey, seq: '10', reason: 'checkpoint_mismatch' });
    expect(onlyNew.breaks[0]!.detail).toMatch(/not a trusted audit key/);

    const signed = await checkpointAllChains(t.owner.pool, { signer: rotated.signer, ring: rotated.ring });
    expect(signed.refused).toEqual([]);
    expect(await verify(t, undefined, { keys: rotated })).toMatchObject({ status: 'intact', checkpoints: 4 });
    const latest = await t.owner.prisma.auditCheckpoint.findFirstOrThrow({ where: { chainKey }, orderBy: { seq: 'desc' } });
    expect([latest.seq, latest.keyId]).toEqual([25n, next.keyId]);
    expect(rotated.keySet.keys.map((k) => [k.kid, k.status])).toEqual([
      [next.keyId, 'active'],
      [oldKeys.signer.keyId, 'retired'],
    ]);
  });

  it('keeps verifying HMAC checkpoints written before Ed25519, with the legacy key', async () => {
    // A trail from before this release: an HMAC checkpoint of the head, no tree.
    const head = (await chainRows(t, chainKey))[14]!;
    await asOwner(t, (c) =>
      c.query(
        `INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm") VALUES ($1, 15, $2, $3, 'hmac-sha256')`,
        [chainKey, head.hash, signCheckpoint(HMAC_KEY, chainKey, '15', head.hash)],
      ),
    );
    expect(await verify(t)).toMatchObject({ status: 'intact', checkpoints: 3, legacyUnverified: 0 });
    // Without the legacy key it cannot be checked (and says so); the signed tree heads cover the same events.
    const withoutHmac = { ...t.services.auditKeys, hmac: [] };
    expect(await verify(t, undefined, { keys: withoutHmac })).toMatchObject({ status: 'intact', legacyUnverified: 1 });
    // A forged HMAC checkpoint is refused with the key.
    const row16 = (await chainRows(t, chainKey))[15]!;
    await asOwner(t, (c) =>
      c.query(
        `INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm") VALUES ($1, 16, $2, $3, 'hmac-sha256')`,
        [chainKey, row16.hash, signCheckpoint('attacker-guess-of-the-legacy-key-0123456789', chainKey, '16', row16.hash)],
      ),
    );
    const forged = await verify(t);
    expect(forged.breaks[0]).toMatchObject({ chainKey, seq: '16', reason: 'checkpoint_mismatch' });
    expect(forged.breaks[0]!.detail).toMatch(/legacy checkpoint at seq 16 does not carry a valid HMAC signature/);
  });

  it('streams in keyset batches: tiny batches give the same result and find the same break', async () => {
    const whole = await verify(t);
    const batched = await verify(t, undefined, { batchSize: 3 });
    expect({ ...batched, durationMs: 0, startedAt: '' }).toEqual({ ...whole, durationMs: 0, startedAt: '' });
    await asOwner(t, async (c) => {
      for (const sql of DISABLE) await c.query(sql);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 1000 WHERE "chainKey" = $1 AND "seq" = 12`, [chainKey]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 12 WHERE "chainKey" = $1 AND "seq" = 16`, [chainKey]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 16 WHERE "chainKey" = $1 AND "seq" = 1000`, [chainKey]);
    });
    const broken = await verify(t, undefined, { batchSize: 3, checkpointEvery: undefined });
    expect(broken.breaks).toEqual([expect.objectContaining({ chainKey, seq: '12', reason: 'reordered' })]);
  });
});
