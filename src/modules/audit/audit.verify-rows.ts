import { hash as oneShotHash } from 'node:crypto';
import { canonicalParsedJson } from './audit.hash.js';

/**
 * The per-event work of the streaming verifier, on one batch of rows in PostgreSQL's binary COPY
 * format (docs/audit.md, "Verification that scales"): decode each row, recompute its hash from
 * its content, and hand back what the sequential part needs in compact arrays (cheap to move
 * between threads). Pure: runs on a worker thread, or inline.
 */

/** Columns of the COPY, in this order (see STREAM_COLUMNS_SQL). */
export const STREAM_COLUMNS = [
  'id',
  'chainKey',
  'seq',
  'tenantId',
  'occurredAt',
  'actorType',
  'actorId',
  'actorRole',
  'action',
  'resource',
  'recordId',
  'outcome',
  'reason',
  'diff',
  'ip',
  'userAgent',
  'correlationId',
  'prevHash',
  'hash',
] as const;
export const STREAM_COLUMNS_SQL = STREAM_COLUMNS.map((c) => `"${c}"`).join(', ');

export interface RowBatch {
  count: number;
  /** Event ids. */
  ids: BigInt64Array;
  /** Index into chainKeys, per row. */
  chain: Uint32Array;
  chainKeys: string[];
  seqs: Float64Array;
  /** Per row, 96 bytes: prevHash, hash, Merkle leaf hash. */
  hashes: Uint8Array;
  /** Per row: 1 when the recomputed hash equals the stored one and both hashes are well-formed. */
  ok: Uint8Array;
}

/** Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_MS = 946_684_800_000;

function uuidAt(buf: Buffer, p: number): string {
  const h = buf.toString('hex', p, p + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Splits whole rows off the front of a binary COPY stream. Returns the end of the last complete
 * row (0 when none), and whether the trailer was seen.
 */
export function completeRowsEnd(buf: Buffer, from: number): { end: number; trailer: boolean } {
  let p = from;
  let end = from;
  while (p + 2 <= buf.length) {
    const fields = buf.readInt16BE(p);
    if (fields === -1) return { end, trailer: true };
    let q = p + 2;
    let whole = true;
    for (let f = 0; f < fields; f += 1) {
      if (q + 4 > buf.length) {
        whole = false;
        break;
      }
      const len = buf.readInt32BE(q);
      q += 4 + (len > 0 ? len : 0);
      if (q > buf.length) {
        whole = false;
        break;
      }
    }
    if (!whole) break;
    p = q;
    end = q;
  }
  return { end, trailer: false };
}

const isLowerHex = (buf: Buffer, at: number): boolean => {
  for (let i = at; i < at + 64; i += 1) {
    const c = buf[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
};

/**
 * The canonical text of a row's content (canonicalJson of its EventContent, keys sorted), built
 * as UTF-8 bytes straight from the COPY row: a text value needing no JSON escape (no quote,
 * backslash or control character; valid UTF-8 as PostgreSQL sends it) is copied as is, which is
 * exactly what JSON.stringify would produce; anything else goes through JSON.stringify. The diff
 * is parsed and re-serialised with sorted keys (jsonb orders keys its own way). Held to
 * canonicalJson by tests/audit/verify-rows.test.ts.
 */
class Canonical {
  buf = Buffer.allocUnsafe(1 << 16);
  n = 0;
  private ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = bigger;
  }
  lit(b: Buffer): void {
    this.ensure(b.length);
    const out = this.buf;
    let n = this.n;
    for (let i = 0; i < b.length; i += 1) out[n++] = b[i]!;
    this.n = n;
  }
  str(s: string): void {
    this.ensure(s.length * 3);
    this.n += this.buf.write(s, this.n, 'utf8');
  }
  /** A text column as a JSON value (null for SQL NULL). */
  text(src: Buffer, start: number, len: number): void {
    if (len < 0) return this.lit(NULL);
    // Copy while scanning (small copies by hand: Buffer#copy costs more than the bytes); on a byte
    // that needs escaping, start over with JSON.stringify.
    this.ensure(len + 2);
    const out = this.buf;
    const from = this.n;
    let n = from;
    out[n++] = 0x22;
    for (let i = start; i < start + len; i += 1) {
      const c = src[i]!;
      if (c < 0x20 || c === 0x22 || c === 0x5c) {
        this.n = from;
        return this.str(JSON.stringify(src.toString('utf8', start, start + len)));
      }
      out[n++] = c;
    }
    out[n++] = 0x22;
    this.n = n;
  }
}
const NULL = Buffer.from('null');
const K = (s: string) => Buffer.from(s);
const KEYS = {
  action: K('{"action":'),
  actorId: K(',"actorId":'),
  actorRole: K(',"actorRole":'),
  actorType: K(',"actorType":'),
  chainKey: K(',"chainKey":'),
  correlationId: K(',"correlationId":'),
  diff: K(',"diff":'),
  ip: K(',"ip":'),
  occurredAt: K(',"occurredAt":'),
  outcome: K(',"outcome":'),
  reason: K(',"reason":'),
  recordId: K(',"recordId":'),
  resource: K(',"resource":'),
  tenantId: K(',"tenantId":'),
  userAgent: K(',"userAgent":'),
  end: K('}'),
};

/** The chain hash the row should carry: SHA-256 of {contentDigest, prevHash, seq} (see chainHash). */
function expectedHash(buf: Buffer, starts: Int32Array, lens: Int32Array, seq: bigint, c: Canonical): string {
  c.n = 0;
  c.lit(KEYS.action);
  c.text(buf, starts[8]!, lens[8]!);
  c.lit(KEYS.actorId);
  c.text(buf, starts[6]!, lens[6]!);
  c.lit(KEYS.actorRole);
  c.text(buf, starts[7]!, lens[7]!);
  c.lit(KEYS.actorType);
  c.text(buf, starts[5]!, lens[5]!);
  c.lit(KEYS.chainKey);
  c.text(buf, starts[1]!, lens[1]!);
  c.lit(KEYS.correlationId);
  c.text(buf, starts[16]!, lens[16]!);
  c.lit(KEYS.diff);
  // jsonb's binary form: a version byte (1), then the JSON text.
  if (lens[13]! < 0) c.lit(NULL);
  else c.str(canonicalParsedJson(JSON.parse(buf.toString('utf8', starts[13]! + 1, starts[13]! + lens[13]!))));
  c.lit(KEYS.ip);
  c.text(buf, starts[14]!, lens[14]!);
  c.lit(KEYS.occurredAt);
  const micros = buf.readInt32BE(starts[4]) * 4_294_967_296 + buf.readUInt32BE(starts[4]! + 4);
  c.str(`"${new Date(Math.floor(micros / 1000) + PG_EPOCH_MS).toISOString()}"`);
  c.lit(KEYS.outcome);
  c.text(buf, starts[11]!, lens[11]!);
  c.lit(KEYS.reason);
  c.text(buf, starts[12]!, lens[12]!);
  c.lit(KEYS.recordId);
  c.text(buf, starts[10]!, lens[10]!);
  c.lit(KEYS.resource);
  c.text(buf, starts[9]!, lens[9]!);
  c.lit(KEYS.tenantId);
  if (lens[3]! < 0) c.lit(NULL);
  else c.str(`"${uuidAt(buf, starts[3]!)}"`);
  c.lit(KEYS.userAgent);
  c.text(buf, starts[15]!, lens[15]!);
  c.lit(KEYS.end);
  const digest = oneShotHash('sha256', c.buf.subarray(0, c.n), 'hex');
  const prevHash = buf.toString('latin1', starts[17], starts[17]! + 64);
  return oneShotHash('sha256', `{"contentDigest":"${digest}","prevHash":"${prevHash}","seq":"${seq}"}`, 'hex');
}

/** Decodes and checks every row of a buffer holding whole rows only. */
export function processRows(buf: Buffer): RowBatch {
  // First pass: count rows.
  let count = 0;
  for (let p = 0; p < buf.length;) {
    const fields = buf.readInt16BE(p);
    p += 2;
    for (let f = 0; f < fields; f += 1) {
      const len = buf.readInt32BE(p);
      p += 4 + (len > 0 ? len : 0);
    }
    count += 1;
  }
  const batch: RowBatch = {
    count,
    ids: new BigInt64Array(count),
    chain: new Uint32Array(count),
    chainKeys: [],
    seqs: new Float64Array(count),
    hashes: new Uint8Array(count * 96),
    ok: new Uint8Array(count),
  };
  const chainIndex = new Map<string, number>();
  const out = Buffer.from(batch.hashes.buffer, batch.hashes.byteOffset, batch.hashes.byteLength);
  const text = (start: number, len: number): string | null => (len < 0 ? null : buf.toString('utf8', start, start + len));
  const cb = new Canonical();
  // 0x00 || hash: the Merkle leaf's input, reused for every row.
  const leafInput = Buffer.alloc(33);
  const starts = new Int32Array(STREAM_COLUMNS.length);
  const lens = new Int32Array(STREAM_COLUMNS.length);
  let p = 0;
  for (let r = 0; r < count; r += 1) {
    const fields = buf.readInt16BE(p);
    p += 2;
    if (fields !== STREAM_COLUMNS.length) throw new Error(`unexpected COPY row of ${fields} fields`);
    for (let f = 0; f < fields; f += 1) {
      const len = buf.readInt32BE(p);
      p += 4;
      starts[f] = p;
      lens[f] = len;
      p += len > 0 ? len : 0;
    }
    batch.ids[r] = buf.readBigInt64BE(starts[0]);
    const chainKey = text(starts[1]!, lens[1]!)!;
    let ci = chainIndex.get(chainKey);
    if (ci === undefined) {
      ci = batch.chainKeys.length;
      chainIndex.set(chainKey, ci);
      batch.chainKeys.push(chainKey);
    }
    batch.chain[r] = ci;
    const seqBig = buf.readBigInt64BE(starts[2]);
    const seq = Number(seqBig);
    batch.seqs[r] = seq;
    const hashText = lens[18] === 64 ? buf.toString('latin1', starts[18], starts[18]! + 64) : null;
    // A prevHash that is not 64 lowercase hex digits cannot verify: the per-chain pass explains it.
    const wellFormed =
      lens[17] === 64 &&
      isLowerHex(buf, starts[17]!) &&
      hashText !== null &&
      expectedHash(buf, starts, lens, seqBig, cb) === hashText;
    batch.ok[r] = wellFormed ? 1 : 0;
    const o = r * 96;
    if (wellFormed) {
      out.write(buf.toString('latin1', starts[17], starts[17]! + 64), o, 32, 'hex');
      out.write(hashText, o + 32, 32, 'hex');
      leafInput.write(hashText, 1, 32, 'hex');
      (oneShotHash('sha256', leafInput, 'buffer') as unknown as Buffer).copy(out, o + 64);
    }
  }
  return batch;
}
