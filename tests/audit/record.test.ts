import { WriteSession } from '../../src/db/session.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { chainHash, contentDigest, GENESIS_HASH, hashEvent } from '../../src/modules/audit/audit.hash.js';
import { contentOfRow } from '../../src/modules/audit/audit.verify.js';
import { SELECT_EVENT_SQL, type AuditEventRow } from '../../src/modules/audit/audit.repository.js';
import { actorFields } from '../../src/modules/audit/audit.service.js';
import { cliContext } from '../../src/cli/system-context.js';
import { appendEvents, chainRows, verify } from './helpers.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct', 'all');

describe('audit.record: the chain as written', () => {
  let t: TestContext;
  let tenantId: string;

  beforeAll(async () => {
    t = await createTestContext();
    tenantId = (await factories(t.owner.prisma, t.services).tenant()).id;
  });
  afterAll(async () => t?.close());

  it('appends events with consecutive seq, each linked to the previous hash, and advances the head', async () => {
    await appendEvents(t, tenantId, 12);
    const rows = await chainRows(t, `tenant:${tenantId}`);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    const head = await t.owner.prisma.auditChainHead.findUniqueOrThrow({ where: { chainKey: `tenant:${tenantId}` } });
    expect(head.seq.toString()).toBe(rows.at(-1)!.seq);
    expect(head.hash).toBe(rows.at(-1)!.hash);
    // AUDIT_CHECKPOINT_EVERY=10 in tests: one signed checkpoint at seq 10.
    const cps = await t.owner.prisma.auditCheckpoint.findMany({ where: { chainKey: `tenant:${tenantId}` } });
    expect(cps.map((c) => Number(c.seq))).toEqual([10]);
    expect(cps[0]!.hash).toBe(rows[9]!.hash);
  });

  it('computes in SQL exactly the hash the verifier recomputes in TypeScript', async () => {
    const { rows } = await t.owner.pool.query<AuditEventRow>(
      `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."chainKey" = $1 ORDER BY e."seq"`,
      [`tenant:${tenantId}`],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const content = contentOfRow(row);
      expect(chainHash(row.prevHash, row.seq, contentDigest(content))).toBe(row.hash);
      expect(hashEvent(content, row.prevHash, row.seq)).toBe(row.hash);
    }
  });

  it('stores exactly what it hashed, even for awkward text (NUL, lone surrogates, unicode, big numbers)', async () => {
    const ctx = cliContext('test');
    await t.owner.prisma.$transaction((tx) =>
      t.services.audit.record(new WriteSession(TEST_CTX, tx), {
        ...actorFields(ctx),
        userAgent: 'agent\u0000with nul and lone \uD800 surrogate ✓',
        tenantId,
        action: 'user.rectify',
        reason: 'naïve café 日本 \uDC00',
        diff: {
          amount: { from: '12.30', to: '1e21' },
          n: { from: 1e21, to: 0.30000000000000004 },
          nested: { list: [1, null, 'x\u0000'] },
        },
      }),
    );
    const result = await verify(t, tenantId);
    expect(result.status).toBe('intact');
    const stored = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.rectify' } });
    expect(stored.userAgent).toBe('agentwith nul and lone \uFFFD surrogate ✓');
  });

  it('redacts personal data before it is hashed and stored', async () => {
    const ctx = cliContext('test');
    await t.owner.prisma.$transaction((tx) =>
      t.services.audit.record(new WriteSession(TEST_CTX, tx), {
        ...actorFields(ctx),
        tenantId,
        action: 'user.consent_update',
        recordId: 'jane.doe@example.com',
        reason: 'customer jane.doe@example.com called',
        diff: { email: { from: 'a@b.example', to: 'c@d.example' }, status: { from: 'ACTIVE', to: 'SUSPENDED' } },
      }),
    );
    const stored = await t.owner.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.consent_update' } });
    const text = JSON.stringify(stored, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toMatch(/@example/);
    expect(stored.diff).toEqual({ email: { from: '[redacted]', to: '[redacted]' }, status: { from: 'ACTIVE', to: 'SUSPENDED' } });
    expect((await verify(t, tenantId)).status).toBe('intact');
  });

  it('refuses, in the database, an event that does not extend the head of its chain (even from the app role)', async () => {
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      const [last] = (await chainRows(t, `tenant:${tenantId}`)).slice(-1);
      const insert = (seq: string, prevHash: string) =>
        app.query(
          `INSERT INTO "AuditEvent" ("chainKey","seq","tenantId","occurredAt","actorType","actorId","actorRole","action","outcome","prevHash","hash")
           VALUES ($1, $2, $3, now(), 'SYSTEM', 'x', 'SYSTEM', 'forged.event', 'SUCCESS', $4, repeat('a', 64))`,
          [`tenant:${tenantId}`, seq, tenantId, prevHash],
        );
      await expect(insert(String(Number(last!.seq) + 2), last!.hash)).rejects.toThrow(/does not extend the head/);
      await expect(insert(String(Number(last!.seq) + 1), GENESIS_HASH)).rejects.toThrow(/does not extend the head/);
      await expect(app.query(`UPDATE "AuditChainHead" SET "seq" = 1`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM "AuditChainHead"`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`TRUNCATE "AuditChainHead"`)).rejects.toThrow(/permission denied/);
      await expect(
        app.query(`INSERT INTO "AuditChainHead" ("chainKey","seq","hash") VALUES ('global', 5, repeat('0',64))`),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    expect((await verify(t)).status).toBe('intact');
  });
});
