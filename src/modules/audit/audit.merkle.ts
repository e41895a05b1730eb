import { hash } from 'node:crypto';

/**
 * Merkle trees over a chain's events, hashed as RFC 9162 (Certificate Transparency v2) §2.1:
 * a leaf is SHA-256(0x00 || data), an interior node SHA-256(0x01 || left || right), the empty
 * tree SHA-256(""), and a tree of n > 1 leaves splits at k, the largest power of two below n.
 * The leaf data of an event is its 32-byte chain hash (docs/audit.md, "Merkle tree").
 *
 * Pure code: no I/O. Sizes and indexes are numbers (exact up to 2^53); bit operations are done
 * with arithmetic, because JavaScript's bitwise operators truncate to 32 bits.
 */

export const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const sha256 = (data: Buffer): Buffer => hash('sha256', data, 'buffer');

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = sha256(Buffer.alloc(0));

/** The hash of a leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, data]));
}

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) throw new RangeError('Merkle children must be 32-byte hashes');
  return sha256(Buffer.concat([NODE_PREFIX, left, right], 1 + 2 * HASH_BYTES));
}

/** The leaf hash of an audit event: its chain hash (64 hex digits) as 32 bytes of leaf data. */
export function eventLeafHash(eventHashHex: string): Buffer {
  return leafHash(Buffer.from(eventHashHex, 'hex'));
}

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** The largest power of two strictly smaller than n (n >= 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  if (!(n >= 2)) throw new RangeError('splitPoint needs n >= 2');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2(n) when n is a power of two, else -1. */
function exactLog2(n: number): number {
  if (n < 1) return -1;
  let h = 0;
  for (; n % 2 === 0; n /= 2) h += 1;
  return n === 1 ? h : -1;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) c += 1;
  return c;
}

/**
 * The compact range [0, size) of a growing tree: the roots of its perfect subtrees, largest
 * first (one per bit set in `size`). Enough to append leaves and to compute the root at the
 * current size in O(log n) memory: how a verifier streams millions of events, and what a
 * checkpoint stores (`frontier`) so the next one can continue without re-reading the chain.
 */
export class MerkleFrontier {
  private constructor(
    private count: number,
    private readonly nodes: Buffer[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Restores a frontier (e.g. from a checkpoint); throws when the node count does not fit the size. */
  static from(size: number, nodes: readonly Buffer[]): MerkleFrontier {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('invalid tree size');
    if (nodes.length !== popcount(size) || nodes.some((n) => n.length !== HASH_BYTES))
      throw new RangeError(`a frontier of size ${size} has ${popcount(size)} nodes of 32 bytes`);
    return new MerkleFrontier(
      size,
      nodes.map((n) => Buffer.from(n)),
    );
  }

  /** Parses the stored form (the nodes' hex, concatenated). */
  static fromHex(size: number, text: string): MerkleFrontier {
    if (!/^(?:[0-9a-f]{64})*$/.test(text)) throw new RangeError('invalid frontier text');
    const nodes: Buffer[] = [];
    for (let i = 0; i < text.length; i += 64) nodes.push(Buffer.from(text.slice(i, i + 64), 'hex'));
    return MerkleFrontier.from(size, nodes);
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf hash (already prefixed: see leafHash / eventLeafHash). */
  append(leaf: Buffer): void {
    let node = leaf;
    for (let s = this.count; isOdd(s); s = half(s)) node = nodeHash(this.nodes.pop()!, node);
    // A leaf kept as is is copied: it may be a view into a large buffer that must not stay alive.
    this.nodes.push(node === leaf ? Buffer.from(leaf) : node);
    this.count += 1;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let r = this.nodes[this.nodes.length - 1]!;
    for (let i = this.nodes.length - 2; i >= 0; i -= 1) r = nodeHash(this.nodes[i]!, r);
    return r;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.count, [...this.nodes]);
  }

  toHex(): string {
    return this.nodes.map((n) => n.toString('hex')).join('');
  }
}

/**
 * A whole tree held in memory (every level, about 64 bytes per leaf), for proofs: the root at
 * any size, RFC 9162 inclusion proofs (PATH) and consistency proofs (PROOF) in O(log² n).
 */
export class MerkleTree {
  /** levels[h] holds the roots of the complete subtrees of 2^h leaves, 32 bytes each. */
  private readonly levels: Buffer[];
  readonly size: number;

  constructor(leafHashes: readonly Buffer[] | Buffer) {
    const level0 = Buffer.isBuffer(leafHashes) ? leafHashes : Buffer.concat(leafHashes);
    if (level0.length % HASH_BYTES !== 0) throw new RangeError('leaf hashes must be 32 bytes each');
    this.size = level0.length / HASH_BYTES;
    this.levels = [level0];
    for (let below = level0; below.length >= 2 * HASH_BYTES;) {
      const count = Math.floor(below.length / HASH_BYTES / 2);
      const level = Buffer.allocUnsafe(count * HASH_BYTES);
      for (let i = 0; i < count; i += 1)
        nodeHash(
          below.subarray(2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES),
          below.subarray((2 * i + 1) * HASH_BYTES, (2 * i + 2) * HASH_BYTES),
        ).copy(level, i * HASH_BYTES);
      this.levels.push(level);
      below = level;
    }
  }

  /** The leaf hash at an index. */
  leaf(index: number): Buffer {
    this.checkSize(index + 1);
    return this.levels[0]!.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  /** MTH(D[lo:hi]); lo is always aligned to the largest power of two in the RFC's recursion. */
  private subtree(lo: number, hi: number): Buffer {
    const n = hi - lo;
    const h = exactLog2(n);
    if (h >= 0 && lo % n === 0) {
      const i = lo / n;
      return this.levels[h]!.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
    }
    const k = splitPoint(n);
    return nodeHash(this.subtree(lo, lo + k), this.subtree(lo + k, hi));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is beyond ${this.size} leaves`);
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /** PATH(index, D[0:size]): the inclusion proof of one leaf in the tree of `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const path: Buffer[] = [];
    const walk = (m: number, lo: number, hi: number): void => {
      const n = hi - lo;
      if (n === 1) return;
      const k = splitPoint(n);
      if (m < k) {
        walk(m, lo, lo + k);
        path.push(this.subtree(lo + k, hi));
      } else {
        walk(m - k, lo + k, hi);
        path.push(this.subtree(lo, lo + k));
      }
    };
    walk(index, 0, size);
    return path;
  }

  /** PROOF(first, D[0:second]): that the tree of `second` leaves extends the tree of `first`. */
  consistencyProof(first: number, second: number = this.size): Buffer[] {
    this.checkSize(second);
    if (!Number.isSafeInteger(first) || first < 0 || first > second)
      throw new RangeError(`no consistency proof from ${first} to ${second}`);
    if (first === 0 || first === second) return [];
    const proof: Buffer[] = [];
    const sub = (m: number, lo: number, hi: number, whole: boolean): void => {
      const n = hi - lo;
      if (m === n) {
        if (!whole) proof.push(this.subtree(lo, hi));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        sub(m, lo, lo + k, whole);
        proof.push(this.subtree(lo + k, hi));
      } else {
        sub(m - k, lo + k, hi, false);
        proof.push(this.subtree(lo, lo + k));
      }
    };
    sub(first, 0, second, true);
    return proof;
  }
}

/** RFC 9162 §2.1.3.2: does `proof` show that the leaf hash is at `index` in the tree of `size` with `root`? */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (proof.some((p) => p.length !== HASH_BYTES)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree (second, secondRoot) extends (first, firstRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (proof.some((p) => p.length !== HASH_BYTES)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = exactLog2(first) >= 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
