import type pg from 'pg';
import { hashEvent, GENESIS_HASH } from './audit.hash.js';
import { treeHeadOf } from './audit.heads.js';
import { eventLeafHash, MerkleTree, verifyConsistency, verifyInclusion } from './audit.merkle.js';
import { auditRepository as repo, type AuditEventRow, type CheckpointRow } from './audit.repository.js';
import { checkTreeHead, type KeyRing, type TreeHead } from './audit.signing.js';
import { contentOfBundleEvent, type BundleEvent } from './audit.bundle.js';

/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) of the audit chains against their
 * signed tree heads: `npx backoffice audit:prove`. The proof documents are self-contained: an
 * auditor checks one with the event (or the two heads), the path and the public key alone.
 */

export interface SignedTreeHead extends TreeHead {
  signature: string;
}

export interface InclusionProof {
  type: 'audit-inclusion-proof';
  /** The event, exactly as in an export: its hash is recomputed from these fields. */
  event: BundleEvent;
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 audit path, hex, from the leaf upwards. */
  auditPath: string[];
  signedHead: SignedTreeHead;
}

export interface ConsistencyProof {
  type: 'audit-consistency-proof';
  chainKey: string;
  first: SignedTreeHead;
  second: SignedTreeHead;
  /** RFC 9162 consistency path, hex. */
  path: string[];
}

/** What a proof could not show, in one sentence (the proof is printed anyway: it is the evidence). */
export type ProofOutcome<T> = { proof: T; verified: true } | { proof: T | null; verified: false; problem: string };

export class ProofUnavailable extends Error {}

const signedHeadOf = (row: CheckpointRow): SignedTreeHead => ({ ...treeHeadOf(row)!, signature: row.signature });

/** Reads a chain's leaf hashes 1..size in seq order, checking they form one unbroken chain. */
export async function loadChainTree(client: pg.ClientBase, chainKey: string, size: number): Promise<MerkleTree> {
  const leaves = Buffer.allocUnsafe(size * 32);
  let seq = 0;
  let prev = GENESIS_HASH;
  while (seq < size) {
    const rows = await repo.eventHashesBetweenWith(client, chainKey, String(seq), String(Math.min(size, seq + 50_000)));
    if (!rows.length) break;
    for (const row of rows) {
      if (Number(row.seq) !== seq + 1 || row.prevHash !== prev)
        throw new ProofUnavailable(`the chain ${chainKey} does not link up at seq ${seq + 1}: run audit:verify`);
      eventLeafHash(row.hash).copy(leaves, seq * 32);
      prev = row.hash;
      seq += 1;
    }
  }
  if (seq < size)
    throw new ProofUnavailable(`the chain ${chainKey} has ${seq} events, fewer than the signed size ${size}: run audit:verify`);
  return new MerkleTree(leaves);
}

/** Checks an inclusion proof document: the event's hash, the path to the signed root, the head's signature. */
export function checkInclusionProof(proof: InclusionProof, ring: KeyRing): string | null {
  const e = proof.event;
  const head = proof.signedHead;
  if (hashEvent(contentOfBundleEvent(e), e.prevHash, e.seq) !== e.hash) return `the event's content does not match its hash`;
  if (e.chainKey !== head.chainKey || Number(e.seq) !== proof.leafIndex + 1 || Number(head.treeSize) !== proof.treeSize)
    return 'the proof names another chain, position or size than its signed head';
  const verdict = checkTreeHead(ring, head, head.signature);
  if (verdict !== 'valid') return `the signed head does not verify (${verdict})`;
  const ok = verifyInclusion(
    eventLeafHash(e.hash),
    proof.leafIndex,
    proof.treeSize,
    proof.auditPath.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(head.rootHash, 'hex'),
  );
  return ok ? null : 'the audit path does not lead from the event to the signed root';
}

/** Checks a consistency proof document: both heads' signatures, and that the second tree extends the first. */
export function checkConsistencyProof(proof: ConsistencyProof, ring: KeyRing): string | null {
  for (const head of [proof.first, proof.second]) {
    if (head.chainKey !== proof.chainKey) return 'the heads belong to another chain';
    const verdict = checkTreeHead(ring, head, head.signature);
    if (verdict !== 'valid') return `the signed head at size ${head.treeSize} does not verify (${verdict})`;
  }
  const ok = verifyConsistency(
    Number(proof.first.treeSize),
    Number(proof.second.treeSize),
    Buffer.from(proof.first.rootHash, 'hex'),
    Buffer.from(proof.second.rootHash, 'hex'),
    proof.path.map((h) => Buffer.from(h, 'hex')),
  );
  return ok
    ? null
    : `the tree signed at size ${proof.second.treeSize} does not extend the tree signed at size ${proof.first.treeSize}: history up to ${proof.first.treeSize} was rewritten`;
}

async function inSnapshot<T>(pool: Pick<pg.Pool, 'connect'>, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The inclusion proof document of one stored event in a chain's tree, against one of its signed heads. */
export function inclusionProofOf(row: AuditEventRow, tree: MerkleTree, head: CheckpointRow): InclusionProof {
  const size = Number(head.seq);
  return {
    type: 'audit-inclusion-proof',
    event: { type: 'event', ...row, occurredAt: row.occurredAt.toISOString(), diff: row.diff ?? null },
    leafIndex: Number(row.seq) - 1,
    treeSize: size,
    auditPath: tree.inclusionProof(Number(row.seq) - 1, size).map((b) => b.toString('hex')),
    signedHead: signedHeadOf(head),
  };
}

/**
 * The inclusion proof of one event against the latest signed head of its chain. Fails (with the
 * proof when there is one) if the database no longer matches that head.
 */
export async function proveInclusion(
  pool: Pick<pg.Pool, 'connect'>,
  eventId: string,
  ring: KeyRing,
): Promise<ProofOutcome<InclusionProof>> {
  if (!/^\d{1,19}$/.test(eventId)) throw new ProofUnavailable(`${eventId} is not an event id`);
  return inSnapshot(pool, async (client) => {
    const row = await repo.findEventById(client, eventId);
    if (!row) throw new ProofUnavailable(`there is no audit event ${eventId}`);
    const head = await repo.latestSignedHeadWith(client, row.chainKey);
    if (!head || BigInt(head.seq) < BigInt(row.seq))
      throw new ProofUnavailable(
        `no signed head covers event ${eventId} (seq ${row.seq} of ${row.chainKey}) yet: run npx backoffice audit:checkpoint`,
      );
    const size = Number(head.seq);
    const tree = await loadChainTree(client, row.chainKey, size);
    const proof = inclusionProofOf(row, tree, head);
    if (tree.root(size).toString('hex') !== head.rootHash)
      return { proof, verified: false, problem: `the chain no longer matches its head signed at size ${size}: run audit:verify` };
    const problem = checkInclusionProof(proof, ring);
    return problem ? { proof, verified: false, problem } : { proof, verified: true };
  });
}

/**
 * A consistency proof between two signed heads of a chain (sizes `from` < `to`; `to` defaults to
 * the latest signed head), computed from the events in the database.
 */
export async function proveConsistency(
  pool: Pick<pg.Pool, 'connect'>,
  chainKey: string,
  from: number,
  to: number | undefined,
  ring: KeyRing,
): Promise<ProofOutcome<ConsistencyProof>> {
  return inSnapshot(pool, async (client) => {
    const first = await repo.signedHeadAt(client, chainKey, String(from));
    if (!first) throw new ProofUnavailable(`${chainKey} has no signed head at size ${from}`);
    const second =
      to === undefined
        ? await repo.latestSignedHeadWith(client, chainKey)
        : await repo.signedHeadAt(client, chainKey, String(to));
    if (!second) throw new ProofUnavailable(`${chainKey} has no signed head at size ${to}`);
    const size = Number(second.seq);
    if (size < from) throw new ProofUnavailable(`the second head (size ${size}) must not be smaller than the first (${from})`);
    const tree = await loadChainTree(client, chainKey, size);
    const proof: ConsistencyProof = {
      type: 'audit-consistency-proof',
      chainKey,
      first: signedHeadOf(first),
      second: signedHeadOf(second),
      path: tree.consistencyProof(from, size).map((b) => b.toString('hex')),
    };
    if (tree.root(size).toString('hex') !== second.rootHash)
      return { proof, verified: false, problem: `the chain no longer matches its head signed at size ${size}: run audit:verify` };
    const problem = checkConsistencyProof(proof, ring);
    return problem ? { proof, verified: false, problem } : { proof, verified: true };
  });
}
