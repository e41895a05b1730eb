import { createHash, createHmac, hash as oneShotHash, timingSafeEqual } from 'node:crypto';

/** The previous hash of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Chain of an event: one per tenant, plus one for events with no tenant. */
export const chainKeyFor = (tenantId: string | null | undefined): string => (tenantId ? `tenant:${tenantId}` : 'global');

/**
 * The hashed content of an event: every column except id, seq, prevHash and hash (those three
 * enter the link hash, see chainHash). Values are exactly what is stored, so a verifier can
 * recompute the digest from a row read back from the database.
 */
export interface EventContent {
  chainKey: string;
  tenantId: string | null;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resource: string | null;
  recordId: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
}

/** JSON with object keys sorted at every depth: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** SHA-256 of the canonical serialisation of an event's content. */
export function contentDigest(content: EventContent): string {
  return sha256(canonicalJson(content));
}

/**
 * The event's hash: SHA-256 over the canonical JSON of `{contentDigest, prevHash, seq}`. The
 * database computes the same expression when it appends the event (it alone knows seq and
 * prevHash at that moment, under the chain head's lock), so the writer needs one round trip.
 * The SQL twin is backoffice_audit_append() (migration 006); a test pins both to the same value.
 */
export function chainHash(prevHash: string, seq: bigint | string, digest: string): string {
  return sha256(canonicalJson({ contentDigest: digest, prevHash, seq: seq.toString() }));
}

/** Hash of an event from its content, previous hash and sequence number. */
export const hashEvent = (content: EventContent, prevHash: string, seq: bigint | string): string =>
  chainHash(prevHash, seq, contentDigest(content));

// Lone UTF-16 surrogates cannot be stored as UTF-8 (the driver would turn them into U+FFFD, so the
// stored text would differ from the hashed text) and PostgreSQL rejects NUL: replace both before
// hashing, so what is hashed is exactly what is stored.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as PostgreSQL stores it: no NUL, no lone surrogates. */
export const storableText = (value: string): string => value.replace(UNSTORABLE, (m) => (m === '\u0000' ? '' : '\uFFFD'));

const CHECKPOINT_DOMAIN = 'backoffice.audit.checkpoint.v1';

/** HMAC-SHA256 signature of a chain head, with a key that lives in configuration. */
export function signCheckpoint(key: string, chainKey: string, seq: bigint | string, hash: string): string {
  return createHmac('sha256', key).update(`${CHECKPOINT_DOMAIN}\n${chainKey}\n${seq.toString()}\n${hash}`).digest('hex');
}

/**
 * True when one of the keys (current first, then retired ones kept for verification) signed this
 * chain head. Constant-time comparison.
 */
export function checkCheckpointSignature(
  keys: string | readonly string[],
  chainKey: string,
  seq: bigint | string,
  hash: string,
  signature: string,
): boolean {
  const given = Buffer.from(signature, 'hex');
  return (typeof keys === 'string' ? [keys] : keys).some((key) => {
    const expected = Buffer.from(signCheckpoint(key, chainKey, seq, hash), 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/**
 * canonicalJson for values that came out of JSON.parse (no undefined, Date or bigint inside):
 * the same text, about twice as fast. The streaming verifier recomputes ten million digests with
 * it; tests/audit/hash.test.ts holds it to canonicalJson on random JSON.
 */
export function canonicalParsedJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i ? ',' : '') + canonicalParsedJson(value[i]);
    return `${out}]`;
  }
  const keys = Object.keys(value);
  // Most objects of a diff are {from, to}: two keys, compared once instead of sorted.
  if (keys.length === 2) {
    if (keys[1]! < keys[0]!) keys.reverse();
  } else if (keys.length > 2) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const k = keys[i]!;
    out += `${i ? ',' : ''}${quotedKey(k)}:${canonicalParsedJson((value as Record<string, unknown>)[k])}`;
  }
  return `${out}}`;
}

// Diff keys repeat (field names, from, to): their JSON text is kept rather than recomputed.
const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q);
  }
  return q;
}

const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/**
 * The canonical text of an event's content as stored: the fields in key order, the diff given
 * as the JSON text PostgreSQL returns. Equal to canonicalJson(content) (tested), without the
 * generic sort of fifteen keys per event.
 */
export function canonicalStoredContent(c: Omit<EventContent, 'diff'> & { diffText: string | null }): string {
  return (
    `{"action":${str(c.action)},"actorId":${str(c.actorId)},"actorRole":${str(c.actorRole)},"actorType":${str(c.actorType)}` +
    `,"chainKey":${str(c.chainKey)},"correlationId":${str(c.correlationId)}` +
    `,"diff":${c.diffText === null ? 'null' : canonicalParsedJson(JSON.parse(c.diffText))}` +
    `,"ip":${str(c.ip)},"occurredAt":${str(c.occurredAt)},"outcome":${str(c.outcome)},"reason":${str(c.reason)}` +
    `,"recordId":${str(c.recordId)},"resource":${str(c.resource)},"tenantId":${str(c.tenantId)},"userAgent":${str(c.userAgent)}}`
  );
}

/** chainHash with the content digest computed from the stored form (see canonicalStoredContent). */
export function storedEventHash(
  c: Omit<EventContent, 'diff'> & { diffText: string | null },
  prevHash: string,
  seq: string,
): string {
  const digest = oneShotHash('sha256', canonicalStoredContent(c), 'hex');
  return oneShotHash(
    'sha256',
    `{"contentDigest":"${digest}","prevHash":${JSON.stringify(prevHash)},"seq":${JSON.stringify(seq)}}`,
    'hex',
  );
}
