import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Chain of an event: one per tenant, plus one for events with no tenant. */
export const chainKeyFor = (tenantId: string | null | undefined): string => (tenantId ? `tenant:${tenantId}` : 'global');

/** The hashed content of an event; every column except id and hash. */
export interface HashedContent {
  chainKey: string;
  seq: string;
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
  prevHash: string;
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

/** SHA-256 over the canonical serialisation of the content, which includes the previous hash. */
export function hashEvent(content: HashedContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** HMAC-SHA256 signature of a chain head, with a key that lives in configuration. */
export function signCheckpoint(key: string, chainKey: string, seq: bigint | string, hash: string): string {
  return createHmac('sha256', key).update(`${chainKey}\n${seq.toString()}\n${hash}`).digest('hex');
}

export function checkCheckpointSignature(
  key: string,
  chainKey: string,
  seq: bigint | string,
  hash: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signCheckpoint(key, chainKey, seq, hash), 'hex');
  const given = Buffer.from(signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
