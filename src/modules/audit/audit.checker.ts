import { checkCheckpointSignature, GENESIS_HASH } from './audit.hash.js';
import { treeHeadOf, type AnchorRecord } from './audit.heads.js';
import { MerkleFrontier } from './audit.merkle.js';
import type { CheckpointRow, HeadRow } from './audit.repository.js';
import { checkTreeHead, type HeadCheck, type VerifierKeys } from './audit.signing.js';

/**
 * Why a chain is broken (docs/audit.md, "Verification"):
 * - edited: an event's content no longer matches its hash, or an event was replaced (its hash
 *   recomputed) so that its successor, or the head, no longer links to it;
 * - deleted: a sequence number is missing (a gap, the head, a signed head or an anchor is ahead
 *   of the last event, or an event links to a predecessor that no longer exists);
 * - inserted: an event that is not linked where it stands (its successor links past it, or it
 *   stands beyond the chain head);
 * - reordered: an event links to a predecessor that stands after it;
 * - checkpoint_mismatch: the links are consistent but a signed head disagrees (the chain was
 *   recomputed), a signature does not verify or names a key that is not trusted, or expected
 *   checkpoints are missing;
 * - anchor_mismatch: the chain and its signed heads agree, but a signed head anchored outside
 *   the database disagrees: the database was rewritten together with fresh checkpoints.
 */
export type BreakReason = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint_mismatch' | 'anchor_mismatch';

export interface ChainBreak {
  chainKey: string;
  tenantId: string | null;
  /** Where the chain first breaks (for a deletion: the first missing sequence number). */
  seq: string;
  /** The event standing there, or null when it is missing. */
  eventId: string | null;
  reason: BreakReason;
  /** One sentence for humans (English; the reason is the stable, translatable part). */
  detail: string;
}

export type PlainBreak = Omit<ChainBreak, 'chainKey' | 'tenantId'>;

/** Where a chain's verification starts: genesis, or a signed head already verified (incremental). */
export interface CheckerStart {
  seq: number;
  hash: Buffer;
  frontier: MerkleFrontier;
}

export const GENESIS_START = (): CheckerStart => ({
  seq: 0,
  hash: Buffer.from(GENESIS_HASH, 'hex'),
  frontier: MerkleFrontier.empty(),
});

/**
 * What the checker found at an event, when the event itself is the problem. The precise
 * verifier turns it into a break (classifying edits, insertions, reorders by looking around);
 * the streaming verifier hands the chain to the precise one.
 */
export type EventAnomaly =
  | { kind: 'gap'; missingFrom: number; next: { seq: number; id: string } }
  | { kind: 'repeat'; seq: number; id: string }
  | { kind: 'backwards'; seq: number; id: string }
  | { kind: 'beyond-head'; seq: number; id: string; headSeq: string }
  | { kind: 'link-or-content'; seq: number; id: string; linkOk: boolean; contentOk: boolean };

export type Finding = { kind: 'break'; brk: PlainBreak } | EventAnomaly;

/** An event as the checker needs it: its position, its links and whether its content matched its hash. */
export interface CheckedEvent {
  seq: number;
  id: string | (() => string);
  prevHash: Buffer;
  hash: Buffer;
  /** The Merkle leaf hash of the event (SHA-256(0x00 || hash)). */
  leaf: Buffer;
  /** Recomputed hash equals the stored one (and both are well-formed). */
  contentOk: boolean;
}

interface PreparedCheckpoint {
  row: CheckpointRow;
  seq: number;
  hash: Buffer;
  root: Buffer | null;
}

export interface CheckerOptions {
  chainKey: string;
  keys: VerifierKeys;
  /** Checkpoints of the chain beyond the start, in (seq, id) order. */
  checkpoints: readonly CheckpointRow[];
  /** Verified anchors of the chain beyond the start, by tree size (several per size are fine). */
  anchors?: readonly AnchorRecord[];
  /** The chain's head (database head row, or a bundle's last signed head); null if it has none. */
  head: { seq: string; hash: string } | null;
  start?: CheckerStart;
  checkpointEvery?: number | undefined;
  /**
   * Checks a signed head's signature. Default: at once, against keys.ring. The streaming
   * verifier passes its own (verdicts computed in parallel); 'deferred' means "trust for now,
   * the caller settles it before declaring the chain intact".
   */
  checkSignature?: (cp: CheckpointRow) => HeadCheck | 'deferred';
}

const id = (e: CheckedEvent) => (typeof e.id === 'string' ? e.id : e.id());

/**
 * The rules of one chain, fed one event at a time in order: continuity of seq, links, recomputed
 * hashes (by the caller), the Merkle tree, every checkpoint (signature with a trusted key, head
 * hash and root at its size), a checkpoint at least every N events, anchored heads, and at the end
 * the head and anything signed beyond the last event. Synchronous and allocation-light: the
 * streaming verifier feeds it ten million events.
 */
export class ChainChecker {
  readonly chainKey: string;
  private readonly keys: VerifierKeys;
  private readonly cps: PreparedCheckpoint[];
  private readonly anchors: Array<{ record: AnchorRecord; size: number; root: Buffer; hash: Buffer }>;
  private readonly head: { seq: string; hash: string } | null;
  private readonly every: number | null;
  private readonly checkSignature: (cp: CheckpointRow) => HeadCheck | 'deferred';
  private cpIndex = 0;
  private anchorIndex = 0;
  readonly frontier: MerkleFrontier;
  /** The last event accepted. */
  prevSeq: number;
  prevHash: Buffer;
  private lastId: CheckedEvent['id'] | null = null;
  private lastCheckpointSeq: number;
  events = 0;
  checkpoints = 0;
  anchorsChecked = 0;
  /** Legacy HMAC checkpoints whose signature could not be checked (no HMAC key configured). */
  legacyUnverified = 0;
  /** Signed heads whose signature was deferred by checkSignature (ids). */
  readonly deferred: CheckpointRow[] = [];
  /** The latest signed head passed intact: where the next incremental run may start. */
  lastSignedHead: CheckpointRow | null = null;

  constructor(options: CheckerOptions) {
    this.chainKey = options.chainKey;
    this.keys = options.keys;
    this.head = options.head;
    this.every = options.checkpointEvery ?? null;
    const start = options.start ?? GENESIS_START();
    this.frontier = start.frontier.clone();
    this.prevSeq = start.seq;
    this.prevHash = Buffer.from(start.hash);
    this.lastCheckpointSeq = start.seq;
    this.cps = options.checkpoints.map((row) => ({
      row,
      seq: Number(row.seq),
      hash: Buffer.from(row.hash, 'hex'),
      root: row.rootHash ? Buffer.from(row.rootHash, 'hex') : null,
    }));
    this.anchors = [...(options.anchors ?? [])]
      .filter((a) => Number(a.treeSize) > start.seq)
      .sort((a, b) => Number(a.treeSize) - Number(b.treeSize))
      .map((record) => ({
        record,
        size: Number(record.treeSize),
        root: Buffer.from(record.rootHash, 'hex'),
        hash: Buffer.from(record.headHash, 'hex'),
      }));
    this.checkSignature =
      options.checkSignature ??
      ((cp) => {
        const tree = treeHeadOf(cp);
        return tree ? checkTreeHead(this.keys.ring, tree, cp.signature) : 'bad-signature';
      });
  }

  /** Signature of a checkpoint of either kind; null when valid (or legacy and uncheckable), else why not. */
  private signatureProblem(cp: PreparedCheckpoint): string | null {
    if (cp.row.algorithm === 'hmac-sha256') {
      if (!this.keys.hmac.length) {
        this.legacyUnverified += 1;
        return null;
      }
      return checkCheckpointSignature(this.keys.hmac, this.chainKey, cp.row.seq, cp.row.hash, cp.row.signature)
        ? null
        : `The legacy checkpoint at seq ${cp.seq} does not carry a valid HMAC signature (forged or altered, or signed with another key).`;
    }
    const verdict = this.checkSignature(cp.row);
    if (verdict === 'deferred') {
      this.deferred.push(cp.row);
      return null;
    }
    if (verdict === 'unknown-key')
      return `The signed head at seq ${cp.seq} names key ${cp.row.keyId ?? '-'}, which is not a trusted audit key: it was signed with another key.`;
    if (verdict === 'bad-signature')
      return `The signed head at seq ${cp.seq} does not carry a valid signature of key ${cp.row.keyId ?? '-'} (forged or altered).`;
    return null;
  }

  private brk(seq: number, eventId: string | null, reason: PlainBreak['reason'], detail: string): Finding {
    return { kind: 'break', brk: { seq: String(seq), eventId, reason, detail } };
  }

  /** Feeds the next event; returns what is wrong, or null. After a finding, the checker must not be fed again. */
  push(e: CheckedEvent): Finding | null {
    const seq = e.seq;
    if (seq > this.prevSeq + 1) return { kind: 'gap', missingFrom: this.prevSeq + 1, next: { seq, id: id(e) } };
    if (seq === this.prevSeq) return { kind: 'repeat', seq, id: id(e) };
    if (seq < this.prevSeq) return { kind: 'backwards', seq, id: id(e) };
    if (this.head && seq > Number(this.head.seq)) return { kind: 'beyond-head', seq, id: id(e), headSeq: this.head.seq };
    const linkOk = e.prevHash.equals(this.prevHash);
    if (!linkOk || !e.contentOk) return { kind: 'link-or-content', seq, id: id(e), linkOk, contentOk: e.contentOk };

    this.frontier.append(e.leaf);
    let root: Buffer | null = null;
    const rootNow = () => (root ??= this.frontier.root());
    while (this.cpIndex < this.cps.length && this.cps[this.cpIndex]!.seq <= seq) {
      const cp = this.cps[this.cpIndex]!;
      const at = cp.seq === seq ? id(e) : null;
      const problem = this.signatureProblem(cp);
      if (problem) return this.brk(cp.seq, at, 'checkpoint_mismatch', problem);
      if (cp.seq < seq || !cp.hash.equals(e.hash))
        return this.brk(
          cp.seq,
          at,
          'checkpoint_mismatch',
          `The signed checkpoint at seq ${cp.seq} disagrees with the chain: the events after seq ${this.lastCheckpointSeq} up to ${cp.seq} were rewritten with consistent hashes.`,
        );
      if (cp.root && !cp.root.equals(rootNow()))
        return this.brk(
          cp.seq,
          at,
          'checkpoint_mismatch',
          `The signed head at seq ${cp.seq} does not match the Merkle tree of the chain: events up to seq ${cp.seq} were rewritten with consistent hashes.`,
        );
      this.checkpoints += 1;
      this.lastCheckpointSeq = cp.seq;
      if (cp.row.algorithm === 'ed25519') this.lastSignedHead = cp.row;
      this.cpIndex += 1;
    }
    if (this.every && seq - this.lastCheckpointSeq >= this.every)
      return this.brk(
        seq,
        id(e),
        'checkpoint_mismatch',
        `No signed checkpoint covers seq ${this.lastCheckpointSeq + 1} to ${seq}, though one is written every ${this.every} events: checkpoints were deleted.`,
      );
    while (this.anchorIndex < this.anchors.length && this.anchors[this.anchorIndex]!.size <= seq) {
      const a = this.anchors[this.anchorIndex]!;
      if (a.size === seq && (!a.root.equals(rootNow()) || !a.hash.equals(e.hash)))
        return this.brk(
          seq,
          id(e),
          'anchor_mismatch',
          `The head signed at ${a.record.signedAt} and anchored outside the database (size ${a.size}) does not match the chain: the database was rewritten together with its signed heads.`,
        );
      this.anchorsChecked += 1;
      this.anchorIndex += 1;
    }
    this.events += 1;
    this.prevSeq = seq;
    // Copied: the event's buffers may be views into a large batch that must not stay alive.
    e.hash.copy(this.prevHash);
    this.lastId = e.id;
    return null;
  }

  /** The id of the last accepted event (null at the start). */
  get lastEventId(): string | null {
    if (this.lastId === null || typeof this.lastId === 'string') return this.lastId;
    this.lastId = this.lastId();
    return this.lastId;
  }

  /** The end of the chain: what is signed, anchored or recorded beyond the last event, and the head. */
  finish(): Finding | null {
    if (this.cpIndex < this.cps.length) {
      const cp = this.cps[this.cpIndex]!;
      const problem = this.signatureProblem(cp);
      if (problem) return this.brk(cp.seq, null, 'checkpoint_mismatch', problem);
      return this.brk(
        this.prevSeq + 1,
        null,
        'deleted',
        `A signed checkpoint proves the chain reached seq ${cp.seq}, but it ends at seq ${this.prevSeq}: the events after it were deleted.`,
      );
    }
    if (this.anchorIndex < this.anchors.length) {
      const a = this.anchors[this.anchorIndex]!;
      return this.brk(
        this.prevSeq + 1,
        null,
        'deleted',
        `A head anchored outside the database (signed at ${a.record.signedAt}) proves the chain reached seq ${a.size}, but it ends at seq ${this.prevSeq}: the events after it were deleted.`,
      );
    }
    if (!this.head) {
      if (this.prevSeq > 0)
        return this.brk(
          this.prevSeq + 1,
          null,
          'deleted',
          'The chain head row is missing: the chain cannot be extended and its end cannot be checked.',
        );
      return null;
    }
    const headSeq = Number(this.head.seq);
    if (headSeq > this.prevSeq)
      return this.brk(
        this.prevSeq + 1,
        null,
        'deleted',
        `The chain head is at seq ${headSeq} but the last event is at seq ${this.prevSeq}: the events after it were deleted.`,
      );
    if (this.head.hash !== this.prevHash.toString('hex'))
      return this.brk(
        this.prevSeq,
        this.lastEventId,
        'edited',
        `The chain head records another hash for the event at seq ${this.prevSeq}: that event was replaced.`,
      );
    return null;
  }
}

/** What a verification found about one chain. */
export interface ChainReport {
  chainKey: string;
  events: number;
  checkpoints: number;
  headSeq: string | null;
  break: ChainBreak | null;
  /** The latest signed head verified intact (incremental runs start there next time). */
  lastSignedHead: CheckpointRow | null;
  legacyUnverified: number;
  anchorsChecked: number;
}

/** The chains to verify, their heads and where each starts (genesis, or its cursor's signed head). */
export interface ChainPlan {
  chainKey: string;
  head: HeadRow | null;
  start: CheckerStart;
}
