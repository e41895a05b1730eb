import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { type ChainBreak } from './audit.checker.js';
import { hashEvent, type EventContent } from './audit.hash.js';
import type { AnchorRecord } from './audit.heads.js';
import { eventLeafHash } from './audit.merkle.js';
import { auditRepository as repo, type AuditEventRow, type CheckpointRow } from './audit.repository.js';
import { keyRingOf, type AuditKeySet, type KeyRing, type PublishedKey, type VerifierKeys } from './audit.signing.js';
import {
  groupAnchors,
  startFromSignedHead,
  tenantOf,
  verifyChainFrom,
  type ChainSource,
  type VerificationResult,
} from './audit.verify.js';

/**
 * Audit bundles: an export an outsider verifies with no database and no secret (docs/audit.md,
 * "Bundles"). One NDJSON file:
 *
 *   {"type":"bundle", format, version, createdAt, chains, ...}      header
 *   {"type":"key", kty, crv, x, kid, alg, use, status}              the public keys (JWKs)
 *   then per chain, in chain order:
 *   {"type":"chain", chainKey, tenantId, size, headSeq}             size = its latest signed head
 *   {"type":"checkpoint", id, chainKey, seq, hash, signature, algorithm, keyId, rootHash, signedAt}
 *   {"type":"event", id, chainKey, seq, tenantId, occurredAt, ... prevHash, hash}   seq 1..size
 *   {"type":"end", chains, events, checkpoints}
 *
 * A chain is exported up to its latest signed head, so every event in a bundle is covered by a
 * signature; events recorded after it are in the next bundle. The standalone verifier
 * (tools/verify-audit-bundle.mjs) reads the same format.
 */

export const BUNDLE_FORMAT = 'backoffice-audit-bundle';

/** An event line's fields, exactly as exported (all strings, the diff as JSON). */
export type BundleEvent = Omit<AuditEventRow, 'occurredAt'> & { type: 'event'; occurredAt: string };

const eventLine = (row: AuditEventRow): string =>
  JSON.stringify({ type: 'event', ...row, occurredAt: row.occurredAt.toISOString(), diff: row.diff ?? null });

const checkpointLine = (cp: CheckpointRow): string => {
  const { frontier: _frontier, ...fields } = cp;
  return JSON.stringify({ type: 'checkpoint', ...fields });
};

export interface BundleWriteOptions {
  /** Chains to include; all when absent. */
  chainKeys?: readonly string[];
  keySet: AuditKeySet;
  /** Written into the header (who asked, which filter), informative only. */
  meta?: Record<string, unknown>;
  batchSize?: number;
  /**
   * Stretches of chains instead of whole chains (an archive of old months, audit.archive.ts):
   * per chain, the signed head it starts after (null: genesis) and the signed head it ends at.
   * Without it, a chain whose oldest months were archived starts at its latest archive's head.
   */
  segments?: ReadonlyMap<string, { start: CheckpointRow | null; end: CheckpointRow }>;
}

export interface BundleSummary {
  chains: number;
  events: number;
  checkpoints: number;
  /** Per chain: the signed size exported, and the database head at the snapshot (events after the signed size are not in the bundle). */
  sizes: Array<{ chainKey: string; size: string; headSeq: string | null }>;
}

/**
 * Writes a bundle from the client's snapshot (the caller opens a REPEATABLE READ transaction, so
 * heads, checkpoints and events are of one moment). `write` receives text and may apply
 * back-pressure.
 */
export async function writeAuditBundle(
  client: pg.ClientBase,
  write: (text: string) => Promise<void> | void,
  options: BundleWriteOptions,
): Promise<BundleSummary> {
  const batchSize = options.batchSize ?? 2_000;
  const heads = new Map((await repo.listHeadRows(client)).map((h) => [h.chainKey, h.seq]));
  const all = await repo.listChainKeys(client);
  const wanted = options.chainKeys ? new Set(options.chainKeys) : null;
  const chainKeys = all.filter((k) => !wanted || wanted.has(k));
  const summary: BundleSummary = { chains: chainKeys.length, events: 0, checkpoints: 0, sizes: [] };
  await write(
    `${JSON.stringify({
      type: 'bundle',
      format: BUNDLE_FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      chains: chainKeys.length,
      hashing: 'events: SHA-256 chain (docs/audit.md); tree: RFC 9162 over event hashes; heads: Ed25519',
      ...options.meta,
    })}\n`,
  );
  for (const key of options.keySet.keys) await write(`${JSON.stringify({ type: 'key', ...key })}\n`);
  const archived = new Map((await repo.listArchiveBoundaries(client)).map((b) => [b.chainKey, b.checkpoint]));
  for (const chainKey of chainKeys) {
    const segment = options.segments?.get(chainKey);
    const signed = segment ? segment.end : await repo.latestSignedHeadWith(client, chainKey);
    const size = signed?.seq ?? '0';
    // Where the stretch starts: after a signed head (its frontier continues the tree), or at genesis.
    const start = segment ? segment.start : (archived.get(chainKey) ?? null);
    summary.sizes.push({ chainKey, size, headSeq: heads.get(chainKey) ?? null });
    await write(
      `${JSON.stringify({
        type: 'chain',
        chainKey,
        tenantId: tenantOf(chainKey),
        size,
        headSeq: heads.get(chainKey) ?? null,
        ...(start ? { start: { type: 'start', ...start } } : {}),
      })}\n`,
    );
    const FIRST = start ? start.seq : '-9223372036854775808';
    const FIRST_ID = start ? '9223372036854775807' : '-9223372036854775808';
    let afterSeq = FIRST;
    let afterId = FIRST_ID;
    for (;;) {
      const cps = await repo.checkpointsAfter(client, chainKey, afterSeq, afterId, batchSize);
      let text = '';
      for (const cp of cps) if (BigInt(cp.seq) <= BigInt(size)) text += `${checkpointLine(cp)}\n`;
      summary.checkpoints += cps.filter((cp) => BigInt(cp.seq) <= BigInt(size)).length;
      if (text) await write(text);
      if (cps.length < batchSize || BigInt(cps[cps.length - 1]!.seq) > BigInt(size)) break;
      afterSeq = cps[cps.length - 1]!.seq;
      afterId = cps[cps.length - 1]!.id;
    }
    afterSeq = FIRST;
    afterId = FIRST_ID;
    for (;;) {
      const rows = await repo.eventsAfter(client, chainKey, afterSeq, afterId, batchSize);
      let text = '';
      let done = rows.length < batchSize;
      for (const row of rows) {
        if (BigInt(row.seq) > BigInt(size)) {
          done = true;
          break;
        }
        text += `${eventLine(row)}\n`;
        summary.events += 1;
      }
      if (text) await write(text);
      if (done) break;
      afterSeq = rows[rows.length - 1]!.seq;
      afterId = rows[rows.length - 1]!.id;
    }
  }
  await write(
    `${JSON.stringify({ type: 'end', chains: summary.chains, events: summary.events, checkpoints: summary.checkpoints })}\n`,
  );
  return summary;
}

// --- offline verification ----------------------------------------------------------------

/** A bundle that is not one (unreadable header, a line that is not JSON outside any chain). */
export type StreamBundleOptions = Pick<BundleWriteOptions, 'chainKeys' | 'keySet' | 'meta'>;

export interface StreamedBundle {
  events: number;
  bytes: number;
  sha256: string;
  chains: BundleSummary['sizes'];
}

/**
 * Streams a bundle into `out` from one REPEATABLE READ snapshot on a connection of its own, with
 * its SHA-256 (the export manifest's). The caller ends the stream.
 */
export async function streamAuditBundle(
  pool: Pick<pg.Pool, 'connect'>,
  options: StreamBundleOptions,
  out: Writable,
): Promise<StreamedBundle> {
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (text: string) => {
    const buf = Buffer.from(text, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const summary = await writeAuditBundle(client, write, options);
    await client.query('COMMIT');
    return { events: summary.events, bytes, sha256: hash.digest('hex'), chains: summary.sizes };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export class BundleFormatError extends Error {}

/** The hashed content of a bundle event: its text values exactly as written in the bundle. */
export function contentOfBundleEvent(e: BundleEvent): EventContent {
  return {
    chainKey: e.chainKey,
    tenantId: e.tenantId,
    occurredAt: e.occurredAt,
    actorType: e.actorType,
    actorId: e.actorId,
    actorRole: e.actorRole,
    action: e.action,
    resource: e.resource,
    recordId: e.recordId,
    outcome: e.outcome,
    reason: e.reason,
    diff: e.diff ?? null,
    ip: e.ip,
    userAgent: e.userAgent,
    correlationId: e.correlationId,
  };
}

interface Line {
  n: number;
  value: Record<string, unknown> | null;
}

/** Lines of a bundle file, parsed, with one line of look-ahead. */
class LineReader {
  private readonly it: AsyncIterator<string>;
  private held: Line | null = null;
  private n = 0;
  constructor(file: string) {
    this.it = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })[
      Symbol.asyncIterator
    ]();
  }
  async next(): Promise<Line | null> {
    if (this.held) {
      const h = this.held;
      this.held = null;
      return h;
    }
    for (;;) {
      const r = await this.it.next();
      if (r.done) return null;
      this.n += 1;
      if (!r.value.trim()) continue;
      try {
        const value = JSON.parse(r.value) as unknown;
        return {
          n: this.n,
          value: value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null,
        };
      } catch {
        return { n: this.n, value: null };
      }
    }
  }
  pushBack(line: Line): void {
    this.held = line;
  }
}

const isEventLine = (v: Record<string, unknown> | null): v is BundleEvent & Record<string, unknown> => v?.type === 'event';

/** A bundle event as the chain checker's row: bigints as text, the time kept as written. */
function rowOf(e: BundleEvent): AuditEventRow & { occurredAtText: string } {
  return { ...e, occurredAt: new Date(e.occurredAt), occurredAtText: e.occurredAt };
}

/** Re-reads one chain's events of the bundle (only when a break must be explained). */
async function* chainEventsFrom(file: string, chainKey: string): AsyncGenerator<BundleEvent> {
  const reader = new LineReader(file);
  let inChain = false;
  for (let line = await reader.next(); line; line = await reader.next()) {
    if (line.value?.type === 'chain') {
      if (inChain) return;
      inChain = line.value.chainKey === chainKey;
    } else if (inChain && isEventLine(line.value)) yield line.value;
  }
}

function bundleSource(file: string, chainKey: string, live: AsyncIterable<AuditEventRow>): ChainSource {
  const scan = async <T>(
    pick: (e: BundleEvent, next: () => Promise<BundleEvent | undefined>) => T | undefined,
  ): Promise<T | undefined> => {
    const it = chainEventsFrom(file, chainKey)[Symbol.asyncIterator]();
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const found = pick(r.value, async () => {
        const n = await it.next();
        return n.done ? undefined : n.value;
      });
      if (found !== undefined) return found instanceof Promise ? ((await found) as T) : found;
    }
    return undefined;
  };
  return {
    events: () => live,
    findByHash: async (hash) => (await scan((e) => (e.hash === hash ? { id: e.id, seq: e.seq } : undefined))) ?? null,
    eventAfter: async (row) => {
      const after = await scan((e, next) => (e.id === row.id && e.seq === row.seq ? next() : undefined));
      return after ? rowOf(after) : undefined;
    },
    findBySeq: async (seq) => (await scan((e) => (e.seq === seq ? { id: e.id } : undefined))) ?? null,
  };
}

export interface BundleVerification extends VerificationResult {
  mode: 'bundle';
  /** Where the public keys came from: the bundle itself, or a key set the auditor trusts (--keys). */
  keys: { source: 'bundle' | 'trusted'; ids: string[]; untrustedInBundle: string[] };
  /** Events the bundle says exist beyond each chain's signed size (not in the bundle, not verified). */
  unsigned: number;
}

export interface BundleVerifyOptions {
  /** The published key set the auditor trusts; without it, the bundle's own keys are used (and named in the result). */
  trustedKeys?: AuditKeySet;
  /** Signed heads anchored outside the database: each must agree with the bundle's chains. */
  anchors?: readonly AnchorRecord[];
}

/**
 * Verifies a bundle file with no database and no secret: every event's hash from its content,
 * the links, the Merkle tree against every signed head, each head's Ed25519 signature with a
 * trusted key, and that every event is covered by the chain's last signed head. Streams the file
 * (memory: one chain's checkpoints). Reports "intact" or the first broken event of each chain.
 */
export async function verifyBundleFile(file: string, options: BundleVerifyOptions = {}): Promise<BundleVerification> {
  const started = performance.now();
  const reader = new LineReader(file);
  const header = await reader.next();
  if (!header?.value || header.value.type !== 'bundle' || header.value.format !== BUNDLE_FORMAT)
    throw new BundleFormatError(`${file} is not an audit bundle (its first line must be the ${BUNDLE_FORMAT} header)`);
  const bundleKeys: PublishedKey[] = [];
  let line = await reader.next();
  for (; line?.value?.type === 'key'; line = await reader.next()) {
    const { type: _type, ...key } = line.value;
    bundleKeys.push(key as unknown as PublishedKey);
  }
  let ring: KeyRing;
  try {
    ring = keyRingOf(options.trustedKeys ?? { keys: bundleKeys });
  } catch (err) {
    throw new BundleFormatError(
      `the ${options.trustedKeys ? 'trusted' : 'bundle'} key set is invalid: ${(err as Error).message}`,
    );
  }
  const trustedIds = [...ring.keys()];
  const keys: VerifierKeys = { ring, hmac: [] };
  const anchorGroups = options.anchors ? groupAnchors(options.anchors, keys) : null;
  const result: BundleVerification = {
    status: 'intact',
    tenantId: null,
    mode: 'bundle',
    chains: 0,
    events: 0,
    checkpoints: 0,
    legacyUnverified: 0,
    ...(anchorGroups ? { anchors: { heads: options.anchors!.length, checked: 0, invalid: anchorGroups.invalid.length } } : {}),
    breaks: [],
    startedAt: new Date().toISOString(),
    durationMs: 0,
    keys: {
      source: options.trustedKeys ? 'trusted' : 'bundle',
      ids: trustedIds,
      untrustedInBundle: bundleKeys.map((k) => k.kid).filter((kid) => !ring.has(kid)),
    },
    unsigned: 0,
  };
  const seenChains = new Set<string>();
  if (line) reader.pushBack(line);
  for (line = await reader.next(); line; line = await reader.next()) {
    const v = line.value;
    if (v?.type === 'end') break;
    if (v?.type !== 'chain' || typeof v.chainKey !== 'string')
      throw new BundleFormatError(
        `line ${line.n}: expected a chain header, found ${v ? `a "${String(v.type)}" line` : 'text that is not JSON'}`,
      );
    const chainKey = v.chainKey;
    seenChains.add(chainKey);
    result.chains += 1;
    const checkpoints: CheckpointRow[] = [];
    let l = await reader.next();
    for (; l?.value?.type === 'checkpoint'; l = await reader.next()) {
      const { type: _t, ...cp } = l.value;
      checkpoints.push({ ...(cp as unknown as CheckpointRow), frontier: null });
    }
    if (l) reader.pushBack(l);
    // An archived stretch starts after a signed head, which must verify (trusted key, frontier = root).
    const startRow = v.start && typeof v.start === 'object' ? (v.start as unknown as CheckpointRow) : null;
    const start = startRow ? startFromSignedHead(startRow, keys) : null;
    // The last signed head of the stretch (a chain with nothing after its start: the start itself).
    const signed = checkpoints.filter((c) => c.algorithm === 'ed25519').at(-1) ?? startRow ?? undefined;
    result.unsigned += v.headSeq && signed ? Math.max(0, Number(v.headSeq) - Number(signed.seq)) : 0;
    // The chain's events, read from the file as the checker asks for them; a line that is not an
    // event of this chain ends them. A line that is not JSON is a corrupted event.
    let corrupt: ChainBreak | null = null;
    const live = async function* (): AsyncGenerator<AuditEventRow> {
      let lastSeq = 0;
      for (let e = await reader.next(); e; e = await reader.next()) {
        if (e.value === null) {
          corrupt ??= {
            chainKey,
            tenantId: tenantOf(chainKey),
            seq: String(lastSeq + 1),
            eventId: null,
            reason: 'edited',
            detail: `Line ${e.n} of the bundle, where the event at seq ${lastSeq + 1} should be, is not a JSON object: it was altered.`,
          };
          continue;
        }
        if (!isEventLine(e.value)) {
          reader.pushBack(e);
          return;
        }
        lastSeq = Number(e.value.seq);
        yield rowOf(e.value);
      }
    };
    const events = live();
    // The checker stops at the first break: it must not close the generator, which is drained below.
    const unclosable: AsyncIterable<AuditEventRow> = { [Symbol.asyncIterator]: () => ({ next: () => events.next() }) };
    const report = await verifyChainFrom({
      chainKey,
      source: bundleSource(file, chainKey, unclosable),
      checkpoints,
      head: signed ? { seq: signed.seq, hash: signed.hash } : { seq: '0', hash: '0'.repeat(64) },
      keys,
      anchors: anchorGroups?.byChain.get(chainKey),
      ...(start ? { start } : {}),
      toChecked: (row) => {
        const e = row as AuditEventRow & { occurredAtText: string };
        const ok = /^[0-9a-f]{64}$/.test(e.hash) && /^[0-9a-f]{64}$/.test(e.prevHash);
        return {
          seq: Number(e.seq),
          id: e.id,
          prevHash: ok ? Buffer.from(e.prevHash, 'hex') : Buffer.alloc(32, 0xff),
          hash: ok ? Buffer.from(e.hash, 'hex') : Buffer.alloc(32, 0xee),
          leaf: ok ? eventLeafHash(e.hash) : Buffer.alloc(32),
          contentOk:
            ok &&
            hashEvent(contentOfBundleEvent({ ...e, type: 'event', occurredAt: e.occurredAtText }), e.prevHash, e.seq) === e.hash,
        };
      },
    });
    // A corrupted line met while the checker read is the first problem; then drain what it did
    // not read (it stops at the first break).
    const badStart: ChainBreak | null =
      startRow && !start
        ? {
            chainKey,
            tenantId: tenantOf(chainKey),
            seq: String(startRow.seq),
            eventId: null,
            reason: 'checkpoint_mismatch',
            detail: `The signed head this stretch of the chain starts after (seq ${String(startRow.seq)}) does not verify with a trusted key, or its tree does not match its root.`,
          }
        : null;
    const brk = badStart ?? corrupt ?? report.break;
    for (let r = await events.next(); !r.done; r = await events.next());
    result.events += report.events;
    result.checkpoints += report.checkpoints;
    if (result.anchors) result.anchors.checked += report.anchorsChecked;
    if (brk) result.breaks.push(brk);
  }
  // Anchored chains the bundle leaves out entirely.
  for (const [chainKey, anchors] of anchorGroups?.byChain ?? []) {
    if (seenChains.has(chainKey)) continue;
    result.breaks.push({
      chainKey,
      tenantId: tenantOf(chainKey),
      seq: '1',
      eventId: null,
      reason: 'deleted',
      detail: `Heads anchored outside the database prove this chain reached seq ${Math.max(...anchors.map((a) => Number(a.treeSize)))}, but the bundle does not contain it.`,
    });
  }
  result.status = result.breaks.length ? 'broken' : 'intact';
  result.durationMs = Math.round(performance.now() - started);
  return result;
}
