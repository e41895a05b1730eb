import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAuditTrail, type TrailState } from '../../bench/lib/audit-trail.js';
import { runAuditProve } from '../../src/cli/commands/audit.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import { signHead } from '../../src/modules/audit/audit.heads.js';
import { eventLeafHash, MerkleFrontier } from '../../src/modules/audit/audit.merkle.js';
import {
  checkConsistencyProof,
  checkInclusionProof,
  inclusionProofOf,
  loadChainTree,
  proveConsistency,
  proveInclusion,
} from '../../src/modules/audit/audit.proof.js';
import { auditRepository, SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { contentOfRow } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { asOwner, verify } from './helpers.js';

const SIZE = 10_000;

describe('Merkle proofs against signed tree heads (audit:prove)', () => {
  let t: TestContext;
  let state: TrailState;
  let chainKey: string;

  beforeAll(async () => {
    t = await createTestContext({ AUDIT_CHECKPOINT_EVERY: '100' });
    // One tenant chain of 10,000 events (and as many in the global chain), heads signed every 100.
    state = await generateAuditTrail(t.db.ownerUrl, {
      tenants: 1,
      events: 2 * SIZE,
      checkpointEvery: 100,
      signer: t.services.auditKeys.signer,
    });
    chainKey = state.chains[0]!.chainKey;
  }, 300_000);
  afterAll(async () => t?.close());

  const inSnapshot = async <T>(fn: (c: pg.PoolClient) => Promise<T>) => {
    const c = await t.owner.pool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  };

  it('the generated trail is a real one: it verifies intact', async () => {
    expect(await verify(t)).toMatchObject({ status: 'intact', events: 2 * SIZE, checkpoints: 200 });
  });

  it('an inclusion proof verifies for every event of the 10,000-event chain, and fails for a changed event', async () => {
    const { rows, tree, head } = await inSnapshot(async (c) => {
      const head = (await auditRepository.latestSignedHeadWith(c, chainKey))!;
      const tree = await loadChainTree(c, chainKey, Number(head.seq));
      const { rows } = await c.query<AuditEventRow>(
        `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 ORDER BY e."seq"`,
        [chainKey],
      );
      return { rows, tree, head };
    });
    expect(head.seq).toBe(String(SIZE));
    expect(rows).toHaveLength(SIZE);
    const ring = t.services.auditKeys.ring;
    for (const row of rows) {
      const proof = inclusionProofOf(row, tree, head);
      const problem = checkInclusionProof(proof, ring);
      if (problem) throw new Error(`event seq ${row.seq}: ${problem}`);
    }
    const proof = inclusionProofOf(rows[4_321]!, tree, head);
    // A changed event: its content no longer gives its hash; with the hash recomputed, the path
    // no longer leads to the signed root; a changed path or a changed head fails too.
    expect(checkInclusionProof({ ...proof, event: { ...proof.event, action: 'tenant.forged' } }, ring)).toMatch(/content/);
    const edited = { ...proof.event, action: 'tenant.forged' };
    edited.hash = hashEvent(contentOfRow({ ...rows[4_321]!, action: 'tenant.forged' }), edited.prevHash, edited.seq);
    expect(checkInclusionProof({ ...proof, event: edited }, ring)).toMatch(/does not lead from the event to the signed root/);
    expect(checkInclusionProof({ ...proof, auditPath: [...proof.auditPath].reverse() }, ring)).toMatch(/audit path/);
    expect(checkInclusionProof({ ...proof, signedHead: { ...proof.signedHead, rootHash: proof.auditPath[0]! } }, ring)).toMatch(
      /signed head does not verify/,
    );
  }, 120_000);

  it('proveInclusion reads the chain from the database and proves an event against the latest signed head', async () => {
    for (const seq of [1, 2_500, SIZE]) {
      const id = (await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { chainKey, seq } })).id.toString();
      const outcome = await proveInclusion(t.owner.pool, id, t.services.auditKeys.ring);
      expect(outcome).toMatchObject({ verified: true, proof: { leafIndex: seq - 1, treeSize: SIZE } });
    }
  });

  it('consistency proofs show that later heads extend earlier ones', async () => {
    for (const [from, to] of [
      [100, 200],
      [300, 10_000],
      [1_000, 9_900],
      [SIZE, SIZE],
    ] as const) {
      const outcome = await proveConsistency(t.owner.pool, chainKey, from, to, t.services.auditKeys.ring);
      expect(outcome.verified, `${from}..${to}`).toBe(true);
      expect(checkConsistencyProof(outcome.proof!, t.services.auditKeys.ring)).toBeNull();
    }
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runAuditProve(t, { consistency: true, from: 500, chain: chainKey }, io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^verified: the tree of 10000 events .* extends the one of 500/);
  });

  it('a consistency proof fails when history between two heads was rewritten (and re-signed with the real key)', async () => {
    // The attacker holds the database and the signing key: event 50 is changed, every later hash
    // recomputed, and a fresh head signed over the rewritten tree at size 10,000.
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      const { rows } = await c.query<AuditEventRow>(
        `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 ORDER BY e."seq"`,
        [chainKey],
      );
      const frontier = MerkleFrontier.empty();
      let prev = '0'.repeat(64);
      const forgedRows: Array<{ id: string; reason: string | null; prevHash: string; hash: string }> = [];
      for (const row of rows) {
        if (Number(row.seq) >= 50) {
          const forged = { ...row, reason: Number(row.seq) === 50 ? 'nothing happened' : row.reason, prevHash: prev };
          forged.hash = hashEvent(contentOfRow(forged), prev, row.seq);
          forgedRows.push({ id: String(row.id), reason: forged.reason ?? null, prevHash: forged.prevHash, hash: forged.hash });
          row.hash = forged.hash;
        }
        prev = row.hash;
        frontier.append(eventLeafHash(row.hash));
      }
      // Every rewritten event in one statement (10,000 single UPDATEs took most of a minute).
      await c.query(
        `UPDATE "AuditEvent" e SET "reason" = f.reason, "prevHash" = f."prevHash", "hash" = f.hash
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS f(id, reason, "prevHash", hash)
          WHERE e."id" = f.id`,
        [
          forgedRows.map((f) => f.id),
          forgedRows.map((f) => f.reason),
          forgedRows.map((f) => f.prevHash),
          forgedRows.map((f) => f.hash),
        ],
      );
      const head = signHead(t.services.auditKeys.signer, { chainKey, frontier, headHash: prev });
      await c.query(
        `INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm", "keyId", "rootHash", "signedAt", "frontier")
         VALUES ($1, $2, $3, $4, 'ed25519', $5, $6, $7, $8)`,
        [head.chainKey, head.seq, head.hash, head.signature, head.keyId, head.rootHash, head.signedAt, head.frontier],
      );
    });
    // The heads at 100 (before the rewrite) and the fresh one at 10,000 no longer fit together.
    const outcome = await proveConsistency(t.owner.pool, chainKey, 100, SIZE, t.services.auditKeys.ring);
    expect(outcome.verified).toBe(false);
    expect(outcome).toMatchObject({
      problem: expect.stringMatching(/does not extend the tree signed at size 100: history up to 100 was rewritten/),
    });
    const err: string[] = [];
    expect(
      await runAuditProve(
        t,
        { consistency: true, from: 100, to: SIZE, chain: chainKey },
        { out: () => {}, err: (l) => err.push(l) },
      ),
    ).toBe(1);
    expect(err.at(-1)).toMatch(/^FAILED: /);
    expect((await proveConsistency(t.owner.pool, chainKey, 200, SIZE, t.services.auditKeys.ring)).verified).toBe(false);
  });

  it('an event edited in the database cannot be proven (its content no longer gives the leaf)', async () => {
    const event = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { chainKey, seq: 7_000 } });
    await asOwner(t, async (c) => {
      await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "id" = $1`, [event.id]);
    });
    const outcome = await proveInclusion(t.owner.pool, event.id.toString(), t.services.auditKeys.ring);
    expect(outcome).toMatchObject({ verified: false, problem: "the event's content does not match its hash" });
  });
});
