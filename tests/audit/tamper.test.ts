import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAuditVerify } from '../../src/cli/commands/audit.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import { signHead } from '../../src/modules/audit/audit.heads.js';
import { eventLeafHash, MerkleFrontier } from '../../src/modules/audit/audit.merkle.js';
import { generateSigningKey, parseSigningKey } from '../../src/modules/audit/audit.signing.js';
import { SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { contentOfRow, type ChainBreak } from '../../src/modules/audit/audit.verify.js';
import { createTestContext, TEST_SECRETS, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, asOwner, chainRows, verify } from './helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/**
 * The attacker: a database superuser who first switches off the append-only triggers (as anyone
 * with that power could) and then rewrites history.
 */
const DISABLE = [
  `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`,
  `ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_extend_chain"`,
  `ALTER TABLE "AuditChainHead" DISABLE TRIGGER "AuditChainHead_advance_only"`,
  `ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only"`,
];

/** Runs the attack as the superuser, triggers disabled first. */
async function tamper(t: TestContext, attack: (c: pg.Client) => Promise<unknown>): Promise<void> {
  await asOwner(t, async (c) => {
    for (const sql of DISABLE) await c.query(sql);
    await attack(c);
  });
}

async function eventRows(c: pg.Client, chainKey: string, fromSeq = 1): Promise<AuditEventRow[]> {
  const { rows } = await c.query<AuditEventRow>(
    `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 AND e."seq" >= $2 ORDER BY e."seq"`,
    [chainKey, fromSeq],
  );
  return rows;
}

/** Recomputes every hash from `fromSeq` on so the links are consistent again, and moves the head. */
async function rehashFrom(c: pg.Client, chainKey: string, fromSeq: number): Promise<void> {
  const rows = await eventRows(c, chainKey, fromSeq - 1);
  let prevHash = fromSeq === 1 ? '0'.repeat(64) : rows.shift()!.hash;
  for (const row of rows) {
    const hash = hashEvent(contentOfRow(row), prevHash, row.seq);
    await c.query(`UPDATE "AuditEvent" SET "prevHash" = $1, "hash" = $2 WHERE "id" = $3`, [prevHash, hash, row.id]);
    prevHash = hash;
  }
  await c.query(
    `UPDATE "AuditChainHead" SET "hash" = $1, "seq" = (SELECT max("seq") FROM "AuditEvent" WHERE "chainKey" = $2) WHERE "chainKey" = $2`,
    [prevHash, chainKey],
  );
}

describe('tamper detection (attacker = database superuser with the triggers disabled)', () => {
  let t: TestContext;
  let tenantA: string;
  let tenantB: string;
  let chainA: string;
  let ids: Map<number, string>; // seq -> event id of chain A before tampering
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeEach(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    tenantA = (await f.tenant()).id; // seq 1: tenant.create
    tenantB = (await f.tenant()).id;
    chainA = `tenant:${tenantA}`;
    await appendEvents(t, tenantA, 24); // chain A: 25 events, checkpoints at 10 and 20
    await appendEvents(t, tenantB, 4);
    await appendEvents(t, null, 3);
    ids = new Map((await chainRows(t, chainA)).map((r) => [Number(r.seq), r.id]));
  });
  afterEach(async () => t.close());

  /**
   * Verification (library and CLI) must report exactly this first break, in chain A only; the
   * per-chain pass alone reports the same as the default (the streaming pass, which hands the
   * chains it finds anything wrong with to the per-chain pass).
   */
  async function expectBreak(expected: Omit<ChainBreak, 'chainKey' | 'tenantId' | 'detail'>) {
    const result = await verify(t);
    expect(result.status).toBe('broken');
    expect(result.breaks).toHaveLength(1);
    expect(result.breaks[0]).toMatchObject({ chainKey: chainA, tenantId: tenantA, ...expected });
    const streamed = await verify(t, undefined, { streaming: false });
    expect(streamed.breaks).toEqual(result.breaks);
    expect({ ...streamed, durationMs: 0, startedAt: '' }).toEqual({ ...result, durationMs: 0, startedAt: '' });

    const lines: string[] = [];
    const code = await runAuditVerify(t, { record: true }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(1);
    const text = lines.join('\n');
    expect(text).toMatch(/^BROKEN: 1 of 3 chain\(s\) broken/);
    expect(text).toContain(`chain=${chainA}`);
    expect(text).toContain(`seq=${expected.seq} id=${expected.eventId ?? '-'} reason=${expected.reason}`);
    // The other tenant's chain still verifies.
    expect((await verify(t, tenantB)).status).toBe('intact');
    return result.breaks[0]!;
  }

  it('an untouched database verifies intact, with its counts (library, CLI exit 0)', async () => {
    const result = await verify(t);
    // Chains: A (25), B (1 + 4), global (3) and none else; checkpoints at A:10, A:20.
    expect(result).toMatchObject({ status: 'intact', chains: 3, events: 33, checkpoints: 2, breaks: [] });
    const lines: string[] = [];
    expect(await runAuditVerify(t, { record: true }, { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^intact: 3 chain\(s\), 33 event\(s\), 2 checkpoint\(s\) verified in/)]);
    // The CLI recorded its verification (global chain), which itself verifies.
    expect(await verify(t)).toMatchObject({ status: 'intact', events: 34 });
  });

  it('detects an edited event', async () => {
    await tamper(t, (c) =>
      c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 7`, [chainA]),
    );
    await expectBreak({ seq: '7', eventId: ids.get(7)!, reason: 'edited' });
  });

  it('detects an edited event whose own hash was recomputed (the successor no longer links to it)', async () => {
    await tamper(t, async (c) => {
      const [row] = await eventRows(c, chainA, 7);
      const forged = { ...row!, reason: 'nothing to see' };
      await c.query(`UPDATE "AuditEvent" SET "reason" = $1, "hash" = $2 WHERE "id" = $3`, [
        forged.reason,
        hashEvent(contentOfRow(forged), forged.prevHash, forged.seq),
        row!.id,
      ]);
    });
    await expectBreak({ seq: '7', eventId: ids.get(7)!, reason: 'edited' });
  });

  it('detects a deleted event (a gap)', async () => {
    await tamper(t, (c) => c.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" = 7`, [chainA]));
    await expectBreak({ seq: '7', eventId: null, reason: 'deleted' });
  });

  it('detects a deleted event even when the later events were renumbered to hide the gap', async () => {
    await tamper(t, async (c) => {
      await c.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" = 7`, [chainA]);
      for (let seq = 8; seq <= 25; seq += 1)
        await c.query(`UPDATE "AuditEvent" SET "seq" = "seq" - 1 WHERE "chainKey" = $1 AND "seq" = $2`, [chainA, seq]);
      await c.query(`UPDATE "AuditChainHead" SET "seq" = 24 WHERE "chainKey" = $1`, [chainA]);
    });
    await expectBreak({ seq: '7', eventId: null, reason: 'deleted' });
  });

  it('detects the last events deleted (the head is ahead of the chain)', async () => {
    await tamper(t, (c) => c.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" >= 24`, [chainA]));
    await expectBreak({ seq: '24', eventId: null, reason: 'deleted' });
  });

  it('detects a forged event inserted in the middle (correctly hashed, later events shifted)', async () => {
    let forgedId = '';
    await tamper(t, async (c) => {
      for (let seq = 25; seq >= 7; seq -= 1)
        await c.query(`UPDATE "AuditEvent" SET "seq" = "seq" + 1 WHERE "chainKey" = $1 AND "seq" = $2`, [chainA, seq]);
      const [prev] = await eventRows(c, chainA, 6);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO "AuditEvent" ("chainKey","seq","tenantId","occurredAt","actorType","actorId","actorRole","action","outcome","prevHash","hash")
         VALUES ($1, 7, $2, $3, 'SYSTEM', 'cli:test', 'SYSTEM', 'tenant.reactivate', 'SUCCESS', $4, repeat('0', 64)) RETURNING "id"::text AS id`,
        [chainA, tenantA, prev!.occurredAt, prev!.hash],
      );
      forgedId = rows[0]!.id;
      const [forged] = await eventRows(c, chainA, 7);
      await c.query(`UPDATE "AuditEvent" SET "hash" = $1 WHERE "id" = $2`, [
        hashEvent(contentOfRow(forged!), prev!.hash, '7'),
        forgedId,
      ]);
      await c.query(`UPDATE "AuditChainHead" SET "seq" = 26 WHERE "chainKey" = $1`, [chainA]);
    });
    await expectBreak({ seq: '7', eventId: forgedId, reason: 'inserted' });
  });

  it('detects a forged event appended behind the head', async () => {
    let forgedId = '';
    await tamper(t, async (c) => {
      const [last] = await eventRows(c, chainA, 25);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO "AuditEvent" ("chainKey","seq","tenantId","occurredAt","actorType","actorId","actorRole","action","outcome","prevHash","hash")
         VALUES ($1, 26, $2, now(), 'SYSTEM', 'cli:test', 'SYSTEM', 'tenant.reactivate', 'SUCCESS', $3, repeat('0', 64)) RETURNING "id"::text AS id`,
        [chainA, tenantA, last!.hash],
      );
      forgedId = rows[0]!.id;
      const [forged] = await eventRows(c, chainA, 26);
      await c.query(`UPDATE "AuditEvent" SET "hash" = $1 WHERE "id" = $2`, [
        hashEvent(contentOfRow(forged!), last!.hash, '26'),
        forgedId,
      ]);
    });
    await expectBreak({ seq: '26', eventId: forgedId, reason: 'inserted' });
  });

  it('detects two events swapped', async () => {
    await tamper(t, async (c) => {
      await c.query(`UPDATE "AuditEvent" SET "seq" = 1000 WHERE "chainKey" = $1 AND "seq" = 7`, [chainA]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 7 WHERE "chainKey" = $1 AND "seq" = 8`, [chainA]);
      await c.query(`UPDATE "AuditEvent" SET "seq" = 8 WHERE "chainKey" = $1 AND "seq" = 1000`, [chainA]);
    });
    await expectBreak({ seq: '7', eventId: ids.get(8)!, reason: 'reordered' });
  });

  it('detects a whole chain recomputed with forged content (hashes consistent, checkpoint disagrees)', async () => {
    await tamper(t, async (c) => {
      await c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 3`, [chainA]);
      await rehashFrom(c, chainA, 1);
    });
    const brk = await expectBreak({ seq: '10', eventId: ids.get(10)!, reason: 'checkpoint_mismatch' });
    expect(brk.detail).toContain('after seq 0 up to 10');
  });

  it('detects a recomputed chain whose checkpoints were deleted too (checkpoints are expected every N events)', async () => {
    await tamper(t, async (c) => {
      await c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 3`, [chainA]);
      await rehashFrom(c, chainA, 1);
      await c.query(`DELETE FROM "AuditCheckpoint" WHERE "chainKey" = $1`, [chainA]);
    });
    await expectBreak({ seq: '10', eventId: ids.get(10)!, reason: 'checkpoint_mismatch' });
  });

  /** Rewrites chain A from seq 3 and re-signs its heads (10, 20) over the rewritten tree with `key`, naming `keyId`. */
  async function rewriteAndResign(key: ReturnType<typeof parseSigningKey>, keyId = key.keyId) {
    await tamper(t, async (c) => {
      await c.query(`UPDATE "AuditEvent" SET "action" = 'tenant.forged' WHERE "chainKey" = $1 AND "seq" = 3`, [chainA]);
      await rehashFrom(c, chainA, 1);
      const rows = await eventRows(c, chainA);
      const frontier = MerkleFrontier.empty();
      for (const row of rows) {
        frontier.append(eventLeafHash(row.hash));
        if (row.seq !== '10' && row.seq !== '20') continue;
        const head = signHead(key, { chainKey: chainA, frontier, headHash: row.hash });
        // The attacker may also claim the real key's id: the signature then does not verify with it.
        await c.query(
          `UPDATE "AuditCheckpoint" SET "hash" = $1, "rootHash" = $2, "keyId" = $3, "signature" = $4, "signedAt" = $5::timestamptz
           WHERE "chainKey" = $6 AND "seq" = $7`,
          [head.hash, head.rootHash, keyId, head.signature, head.signedAt, chainA, row.seq],
        );
      }
    });
  }

  it('refuses heads re-signed with another key: a recomputed chain whose signed heads name a key nobody trusts', async () => {
    await rewriteAndResign(parseSigningKey(generateSigningKey().privateKey));
    const brk = await expectBreak({ seq: '10', eventId: ids.get(10)!, reason: 'checkpoint_mismatch' });
    expect(brk.detail).toMatch(/not a trusted audit key/);
  });

  it('refuses heads re-signed with another key that claim the real key id (the signature does not verify)', async () => {
    await rewriteAndResign(parseSigningKey(generateSigningKey().privateKey), t.services.auditKeys.signer.keyId);
    const brk = await expectBreak({ seq: '10', eventId: ids.get(10)!, reason: 'checkpoint_mismatch' });
    expect(brk.detail).toMatch(/does not carry a valid signature/);
  });

  it('with the real key, a consistent rewrite passes the database alone (what anchors are for: tests/audit/anchors.test.ts)', async () => {
    await rewriteAndResign(parseSigningKey(TEST_SECRETS.auditSigningKey));
    expect((await verify(t)).status).toBe('intact');
  });

  it('the real `backoffice audit:verify` command: exit 0 and "intact", then non-zero with the first broken event', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: t.db.appUrl,
      DATABASE_OWNER_URL: t.db.ownerUrl,
      AUDIT_SIGNING_KEY: TEST_SECRETS.auditSigningKey,
      AUDIT_CHECKPOINT_EVERY: '10',
      DATA_DIR: dataDir,
    };
    const cli = (...args: string[]) =>
      run(process.execPath, [join(ROOT, 'bin/backoffice.js'), 'audit:verify', ...args], { env, cwd: ROOT });
    const ok = await cli('--no-record');
    expect(ok.stdout).toMatch(/^intact: 3 chain\(s\), 33 event\(s\), 2 checkpoint\(s\)/);

    const slug = (await t.owner.prisma.tenant.findUniqueOrThrow({ where: { id: tenantA } })).slug;
    await tamper(t, (c) => c.query(`UPDATE "AuditEvent" SET "diff" = '{}' WHERE "chainKey" = $1 AND "seq" = 12`, [chainA]));
    const failed = await cli('--tenant', slug).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(`chain=${chainA} (tenant ${slug}) seq=12 id=${ids.get(12)} reason=edited`);
  }, 120_000);
});
