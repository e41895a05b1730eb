import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, storableText, type EventContent } from '../../src/modules/audit/audit.hash.js';
import { eventLeafHash } from '../../src/modules/audit/audit.merkle.js';
import { completeRowsEnd, processRows } from '../../src/modules/audit/audit.verify-rows.js';

/** A row as PostgreSQL's binary COPY sends it (text as UTF-8, uuid as 16 bytes, jsonb as 1 + its text). */
function copyRow(id: bigint, seq: bigint, c: EventContent, prevHash: string, hash: string, diffText: string | null): Buffer {
  const field = (b: Buffer | null) => {
    if (b === null) return Buffer.from([0xff, 0xff, 0xff, 0xff]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const int8 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return b;
  };
  const text = (v: string | null) => (v === null ? null : Buffer.from(v, 'utf8'));
  const micros = (BigInt(Date.parse(c.occurredAt)) - 946_684_800_000n) * 1000n;
  const count = Buffer.alloc(2);
  count.writeInt16BE(19);
  return Buffer.concat([
    count,
    ...[
      int8(id),
      text(c.chainKey),
      int8(seq),
      c.tenantId === null ? null : Buffer.from(c.tenantId.replaceAll('-', ''), 'hex'),
      int8(micros),
      text(c.actorType),
      text(c.actorId),
      text(c.actorRole),
      text(c.action),
      text(c.resource),
      text(c.recordId),
      text(c.outcome),
      text(c.reason),
      diffText === null ? null : Buffer.concat([Buffer.from([1]), Buffer.from(diffText, 'utf8')]),
      text(c.ip),
      text(c.userAgent),
      text(c.correlationId),
      text(prevHash),
      text(hash),
    ].map(field),
  ]);
}

/** jsonb's text: keys by (length, bytes), ", " and ": " between items (not the canonical form). */
function jsonbText(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonbText).join(', ')}]`;
  const keys = Object.keys(v).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText((v as Record<string, unknown>)[k])}`).join(', ')}}`;
}

const tricky = fc.option(
  fc
    .string({ unit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\t', '\u0001', '€', '😀', '\u2028', '/', ' ') })
    .map(storableText),
  { nil: null },
);

describe('the streaming verifier decodes COPY rows and recomputes the exact hash', () => {
  it('accepts every correctly hashed row and refuses it once a field changes (quotes, escapes, unicode, NULLs)', () => {
    fc.assert(
      fc.property(
        tricky,
        tricky,
        tricky,
        fc.option(fc.dictionary(fc.string().map(storableText), fc.jsonValue()), { nil: null }),
        fc.boolean(),
        (actorId, reason, userAgent, diff, tenant) => {
          const tenantId = tenant ? randomUUID() : null;
          const c: EventContent = {
            chainKey: tenantId ? `tenant:${tenantId}` : 'global',
            tenantId,
            occurredAt: '2025-03-04T05:06:07.089Z',
            actorType: 'STAFF',
            actorId,
            actorRole: 'SUPPORT',
            action: 'tenant.suspend',
            resource: 'Tenant',
            recordId: tenantId,
            outcome: 'SUCCESS',
            reason,
            diff: diff === null ? null : (JSON.parse(JSON.stringify(diff)) as Record<string, unknown>),
            ip: '10.0.0.1',
            userAgent,
            correlationId: 'req-1',
          };
          const hash = hashEvent(c, GENESIS_HASH, '7');
          const diffText = c.diff === null ? null : jsonbText(c.diff);
          const good = copyRow(41n, 7n, c, GENESIS_HASH, hash, diffText);
          const edited = copyRow(42n, 7n, { ...c, reason: `${reason ?? ''}x` }, GENESIS_HASH, hash, diffText);
          const batch = processRows(Buffer.concat([good, edited]));
          expect(batch.count).toBe(2);
          expect([...batch.ok]).toEqual([1, 0]);
          expect(batch.chainKeys).toEqual([c.chainKey]);
          expect([batch.ids[0], batch.seqs[0]]).toEqual([41n, 7]);
          const hashes = Buffer.from(batch.hashes.buffer, batch.hashes.byteOffset, 96);
          expect(hashes.subarray(0, 32).toString('hex')).toBe(GENESIS_HASH);
          expect(hashes.subarray(32, 64).toString('hex')).toBe(hash);
          expect(hashes.subarray(64, 96)).toEqual(eventLeafHash(hash));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a prevHash or hash that is not 64 lowercase hex digits, and splits a stream at whole rows', () => {
    const c: EventContent = {
      chainKey: 'global',
      tenantId: null,
      occurredAt: '2025-03-04T05:06:07.089Z',
      actorType: 'SYSTEM',
      actorId: 'cli:test',
      actorRole: 'SYSTEM',
      action: 'test.event',
      resource: null,
      recordId: null,
      outcome: 'SUCCESS',
      reason: null,
      diff: null,
      ip: null,
      userAgent: null,
      correlationId: null,
    };
    const upper = GENESIS_HASH.toUpperCase().replace(/0/g, 'A');
    const hash = hashEvent(c, upper, '1');
    const row = copyRow(1n, 1n, c, upper, hash, null);
    expect([...processRows(row).ok]).toEqual([0]);
    const ok = copyRow(2n, 1n, c, GENESIS_HASH, hashEvent(c, GENESIS_HASH, '1'), null);
    const stream = Buffer.concat([ok, ok.subarray(0, 30)]);
    expect(completeRowsEnd(stream, 0)).toEqual({ end: ok.length, trailer: false });
    expect(completeRowsEnd(Buffer.concat([ok, Buffer.from([0xff, 0xff])]), 0)).toEqual({ end: ok.length, trailer: true });
  });
});
