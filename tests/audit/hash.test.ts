import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chainHash,
  chainKeyFor,
  checkCheckpointSignature,
  contentDigest,
  GENESIS_HASH,
  canonicalParsedJson,
  canonicalStoredContent,
  hashEvent,
  signCheckpoint,
  storedEventHash,
  storableText,
  type EventContent,
} from '../../src/modules/audit/audit.hash.js';
import { redactDetails } from '../../src/modules/audit/audit.redact.js';

const content: EventContent = {
  chainKey: 'global',
  tenantId: null,
  occurredAt: '2025-01-02T03:04:05.678Z',
  actorType: 'SYSTEM',
  actorId: 'cli:test',
  actorRole: 'SYSTEM',
  action: 'tenant.create',
  resource: 'Tenant',
  recordId: null,
  outcome: 'SUCCESS',
  reason: null,
  diff: { b: 1, a: { d: [1, 2], c: null } },
  ip: null,
  userAgent: null,
  correlationId: 'c-1',
};

describe('canonical form and chain hash', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, e: undefined })).toBe('{"a":{"c":"x","d":[1,null]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('is stable through a JSON round trip (what jsonb gives back) for redacted details', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const stored = redactDetails({ v: value });
        expect(canonicalJson(JSON.parse(JSON.stringify(stored)))).toBe(canonicalJson(stored));
      }),
    );
  });

  it('links the content digest, the previous hash and the sequence number', () => {
    const h1 = hashEvent(content, GENESIS_HASH, '1');
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(h1).toBe(chainHash(GENESIS_HASH, 1n, contentDigest(content)));
    expect(hashEvent(content, GENESIS_HASH, '2')).not.toBe(h1); // position is hashed
    expect(hashEvent(content, 'f'.repeat(64), '1')).not.toBe(h1); // predecessor is hashed
    expect(hashEvent({ ...content, reason: 'x' }, GENESIS_HASH, '1')).not.toBe(h1); // content is hashed
    expect(hashEvent({ ...content, diff: { a: { c: null, d: [1, 2] }, b: 1 } }, GENESIS_HASH, '1')).toBe(h1); // key order is not
  });

  it('names one chain per tenant and one global chain', () => {
    expect(chainKeyFor('7b4c0c36-6a55-4b8e-9a39-6f0f1fb1e111')).toBe('tenant:7b4c0c36-6a55-4b8e-9a39-6f0f1fb1e111');
    expect(chainKeyFor(null)).toBe('global');
  });

  it('makes text storable: no NUL, lone surrogates replaced, pairs kept', () => {
    expect(storableText('a\u0000b')).toBe('ab');
    expect(storableText('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(storableText('emoji 😀 ok')).toBe('emoji 😀 ok');
  });

  it('signs checkpoints with HMAC and checks them with any of the configured keys', () => {
    const sig = signCheckpoint('key-one-0123456789abcdef0123456789', 'global', 10n, 'a'.repeat(64));
    expect(checkCheckpointSignature('key-one-0123456789abcdef0123456789', 'global', '10', 'a'.repeat(64), sig)).toBe(true);
    expect(
      checkCheckpointSignature(
        ['key-two-0123456789abcdef0123456789', 'key-one-0123456789abcdef0123456789'],
        'global',
        10n,
        'a'.repeat(64),
        sig,
      ),
    ).toBe(true);
    expect(checkCheckpointSignature('key-two-0123456789abcdef0123456789', 'global', 10n, 'a'.repeat(64), sig)).toBe(false);
    expect(checkCheckpointSignature('key-one-0123456789abcdef0123456789', 'global', 11n, 'a'.repeat(64), sig)).toBe(false);
    expect(checkCheckpointSignature('key-one-0123456789abcdef0123456789', 'tenant:x', 10n, 'a'.repeat(64), sig)).toBe(false);
    expect(checkCheckpointSignature('key-one-0123456789abcdef0123456789', 'global', 10n, 'a'.repeat(64), 'zz')).toBe(false);
  });
});

describe("the streaming verifier's fast canonical form (same text as canonicalJson)", () => {
  it('canonicalParsedJson equals canonicalJson on any JSON value, as PostgreSQL returns it (jsonb reorders keys)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        expect(canonicalParsedJson(parsed)).toBe(canonicalJson(parsed));
        // Keys in another order (what jsonb's text gives): the same canonical text.
        const reordered = JSON.parse(
          JSON.stringify(parsed, (_k, v: unknown) =>
            v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
          ),
        ) as unknown;
        expect(canonicalParsedJson(reordered)).toBe(canonicalJson(parsed));
      }),
      { numRuns: 500 },
    );
  });

  it('canonicalStoredContent and storedEventHash equal contentDigest / chainHash of the same event', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: null });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: null }),
        (actorId, reason, userAgent, diff) => {
          const c: EventContent = { ...content, actorId, reason: reason === null ? null : storableText(reason), userAgent, diff };
          const stored = { ...c, diffText: diff === null ? null : JSON.stringify(diff) };
          expect(canonicalStoredContent(stored)).toBe(canonicalJson(c));
          expect(storedEventHash(stored, GENESIS_HASH, '17')).toBe(hashEvent(c, GENESIS_HASH, '17'));
        },
      ),
      { numRuns: 300 },
    );
  });
});
