import { eventLeafHash, MerkleFrontier } from './audit.merkle.js';
import type { CheckpointRow, NewSignedHead } from './audit.repository.js';
import { signTreeHead, type SigningKey, type TreeHead } from './audit.signing.js';

/**
 * Signed tree heads: building them from a chain's event hashes, and their anchor form (the line
 * appended outside the database). Pure code: the callers read and write the rows.
 */

/** The tree head a checkpoint row signs (null for a legacy HMAC checkpoint). */
export function treeHeadOf(
  row: Pick<CheckpointRow, 'chainKey' | 'seq' | 'hash' | 'rootHash' | 'keyId' | 'signedAt'>,
): TreeHead | null {
  if (!row.rootHash || !row.keyId || !row.signedAt) return null;
  return {
    chainKey: row.chainKey,
    treeSize: row.seq,
    rootHash: row.rootHash,
    headHash: row.hash,
    keyId: row.keyId,
    signedAt: row.signedAt,
  };
}

/**
 * The Merkle frontier stored with a signed head, if it is there and folds to the signed root
 * (helper data is never trusted: a frontier that does not match is ignored).
 */
export function trustedFrontier(row: Pick<CheckpointRow, 'seq' | 'rootHash' | 'frontier'> | null): MerkleFrontier | null {
  if (!row?.frontier || !row.rootHash) return null;
  try {
    const frontier = MerkleFrontier.fromHex(Number(row.seq), row.frontier);
    return frontier.root().toString('hex') === row.rootHash ? frontier : null;
  } catch {
    return null;
  }
}

/** The head of `frontier` (which already holds every event up to the head), signed now. */
export function signHead(
  key: SigningKey,
  args: { chainKey: string; frontier: MerkleFrontier; headHash: string; at?: Date },
): NewSignedHead {
  const head: TreeHead = {
    chainKey: args.chainKey,
    treeSize: String(args.frontier.size),
    rootHash: args.frontier.root().toString('hex'),
    headHash: args.headHash,
    keyId: key.keyId,
    signedAt: (args.at ?? new Date()).toISOString(),
  };
  return {
    chainKey: head.chainKey,
    seq: head.treeSize,
    hash: head.headHash,
    rootHash: head.rootHash,
    keyId: head.keyId,
    signedAt: head.signedAt,
    signature: signTreeHead(key, head),
    frontier: args.frontier.toHex(),
  };
}

/**
 * Extends a frontier with consecutive events (seq order, starting right after the frontier's
 * size). Returns null when the rows are not one unbroken stretch of the chain (a gap, a
 * duplicate, a link that does not hold): such a chain is not signed.
 */
export function extendFrontier(
  frontier: MerkleFrontier,
  lastHash: string,
  rows: ReadonlyArray<{ seq: string; prevHash: string; hash: string }>,
): MerkleFrontier | null {
  const next = frontier.clone();
  let prev = lastHash;
  for (const row of rows) {
    if (Number(row.seq) !== next.size + 1 || row.prevHash !== prev) return null;
    next.append(eventLeafHash(row.hash));
    prev = row.hash;
  }
  return next;
}

/** A signed head as anchored outside the database: one self-contained, verifiable JSON line. */
export interface AnchorRecord {
  type: 'audit-tree-head';
  chainKey: string;
  treeSize: string;
  rootHash: string;
  headHash: string;
  keyId: string;
  signedAt: string;
  signature: string;
}

export function anchorOf(
  head: Pick<NewSignedHead, 'chainKey' | 'seq' | 'hash' | 'rootHash' | 'keyId' | 'signedAt' | 'signature'>,
): AnchorRecord {
  return {
    type: 'audit-tree-head',
    chainKey: head.chainKey,
    treeSize: head.seq,
    rootHash: head.rootHash,
    headHash: head.hash,
    keyId: head.keyId,
    signedAt: head.signedAt,
    signature: head.signature,
  };
}

/** The outbox event that carries signed heads to the anchor sinks (file, compliance mail). */
export const HEADS_SIGNED_EVENT = 'audit.heads.signed';
export interface HeadsSignedPayload {
  /** 'record': signed every N events inside a write; 'job': the periodic checkpoint run. */
  source: 'record' | 'job';
  heads: AnchorRecord[];
}
