import type pg from 'pg';
import type { WriteSession } from '../../db/session.js';
import { GENESIS_HASH, hashEvent } from './audit.hash.js';
import {
  anchorOf,
  extendFrontier,
  HEADS_SIGNED_EVENT,
  signHead,
  treeHeadOf,
  trustedFrontier,
  type AnchorRecord,
  type HeadsSignedPayload,
} from './audit.heads.js';
import { eventLeafHash, MerkleFrontier } from './audit.merkle.js';
import { auditRepository as repo, type CheckpointRow, type RecordedEvent } from './audit.repository.js';
import { checkTreeHead, type KeyRing, type SigningKey } from './audit.signing.js';
import { contentOfRow } from './audit.verify.js';

/** Where the tree of a chain can be continued from: its latest signed head, when it checks out. */
function startingPoint(head: CheckpointRow | null, ring: KeyRing | null): { frontier: MerkleFrontier; hash: string } | null {
  if (!head) return { frontier: MerkleFrontier.empty(), hash: GENESIS_HASH };
  const tree = treeHeadOf(head);
  if (!tree || (ring && checkTreeHead(ring, tree, head.signature) !== 'valid')) return null;
  const frontier = trustedFrontier(head);
  return frontier ? { frontier, hash: head.hash } : null;
}

/**
 * Signs the chain's tree head inside the writer's transaction (record() does this every N
 * events, with the head row still locked): the tree is continued from the latest signed head's
 * frontier with the hashes of the events since (at most N rows), so the cost does not grow with
 * the chain. The head is also written to the outbox, which anchors it outside the database once
 * the transaction commits. A chain whose recent stretch does not link up is not signed here (the
 * checkpoint job refuses it and reports it; verification finds the missing head).
 */
export async function signHeadInTransaction(
  session: WriteSession,
  signer: SigningKey,
  chainKey: string,
  created: RecordedEvent,
): Promise<void> {
  const found = await repo.signedHeadAndHashesSince(session, chainKey, created.seq);
  let start = startingPoint(found.head, null);
  let rows = found.rows;
  if (!start) {
    // The latest head's frontier is missing or does not match its root: rebuild from the first event.
    start = { frontier: MerkleFrontier.empty(), hash: GENESIS_HASH };
    rows = await repo.eventHashesBetween(session, chainKey, 0n, created.seq);
  }
  const frontier = extendFrontier(start.frontier, start.hash, rows);
  if (!frontier || BigInt(frontier.size) !== created.seq || rows[rows.length - 1]?.hash !== created.hash) return;
  const head = signHead(signer, { chainKey, frontier, headHash: created.hash });
  const payload: HeadsSignedPayload = { source: 'record', heads: [anchorOf(head)] };
  await repo.insertSignedHeadWithOutbox(session, head, { type: HEADS_SIGNED_EVENT, payload });
}

export interface CheckpointAllOptions {
  /** Signs the heads. */
  signer: SigningKey;
  /** Verifies the latest signed head before the tree is continued from it (active and retired keys). */
  ring: KeyRing;
  batchSize?: number;
  /** Only these chains (exports sign the heads they are about to include). */
  chainKeys?: readonly string[];
  /** Told about each signed head and each refusal (e.g. the logger: ship these lines off the database). */
  onSigned?: (entry: AnchorRecord) => void;
  onRefused?: (entry: { chainKey: string; reason: string }) => void;
}

export interface CheckpointAllResult {
  chains: number;
  signed: Array<{ chainKey: string; seq: string; hash: string; rootHash: string }>;
  /** Heads not signed because the stretch since the last signed head does not verify. */
  refused: Array<{ chainKey: string; reason: string }>;
}

/**
 * The periodic checkpoint job (schedule it every few minutes): signs the tree head of every
 * chain that moved since its latest signed head. record() signs every N events, which leaves the
 * last < N events of a chain (its tail) covered by nothing; this job bounds that window in time.
 * Before signing it checks the latest signed head (signature, frontier) and verifies every event
 * since (continuity, links, hashes), so it never blesses a tampered tail. A chain with no signed
 * head yet (new, or only legacy HMAC checkpoints) is verified from its first event. It writes no
 * audit event (that would move the global chain on every run); all heads of a run go to the
 * outbox as one event (anchored in the file sink and mailed to compliance) and to `onSigned`.
 */
export async function checkpointAllChains(
  pool: Pick<pg.Pool, 'connect'>,
  options: CheckpointAllOptions,
): Promise<CheckpointAllResult> {
  const batchSize = options.batchSize ?? 2_000;
  const result: CheckpointAllResult = { chains: 0, signed: [], refused: [] };
  const anchors: AnchorRecord[] = [];
  const client = await pool.connect();
  try {
    // One snapshot: each head is read together with the events it points at.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const only = options.chainKeys ? new Set(options.chainKeys) : null;
    const heads = (await repo.listHeads(client)).filter((h) => !only || only.has(h.chainKey));
    result.chains = heads.length;
    for (const head of heads) {
      const headSeq = BigInt(head.seq);
      if (headSeq === 0n || (head.signedSeq !== null && headSeq <= BigInt(head.signedSeq))) continue;
      const refuse = (reason: string) => {
        result.refused.push({ chainKey: head.chainKey, reason });
        options.onRefused?.({ chainKey: head.chainKey, reason });
      };
      const latest = head.signedSeq === null ? null : await repo.latestSignedHeadWith(client, head.chainKey);
      const start = startingPoint(latest, options.ring);
      if (!start) {
        refuse(`the latest signed head (seq ${latest?.seq}) does not verify (signature or tree)`);
        continue;
      }
      const frontier = start.frontier;
      let prevSeq = BigInt(frontier.size);
      let prevHash = start.hash;
      let problem: string | null = null;
      let afterId = '9223372036854775807'; // first batch: seq > the signed size
      scan: for (;;) {
        const rows = await repo.eventsAfter(client, head.chainKey, prevSeq.toString(), afterId, batchSize);
        for (const row of rows) {
          const seq = BigInt(row.seq);
          if (seq > headSeq) break scan;
          if (seq !== prevSeq + 1n) problem = `sequence breaks at seq ${prevSeq + 1n}`;
          else if (row.prevHash !== prevHash) problem = `event at seq ${seq} does not link to its predecessor`;
          else if (hashEvent(contentOfRow(row), row.prevHash, row.seq) !== row.hash)
            problem = `event at seq ${seq} does not match its hash`;
          if (problem) break scan;
          frontier.append(eventLeafHash(row.hash));
          prevSeq = seq;
          prevHash = row.hash;
          afterId = row.id;
        }
        if (rows.length < batchSize) break;
      }
      if (!problem && (prevSeq !== headSeq || prevHash !== head.hash))
        problem = `the head (seq ${headSeq}) does not match the last event (seq ${prevSeq})`;
      if (problem) {
        refuse(problem);
        continue;
      }
      const signed = signHead(options.signer, { chainKey: head.chainKey, frontier, headHash: head.hash });
      await repo.insertSignedHeadWith(client, signed);
      const anchor = anchorOf(signed);
      anchors.push(anchor);
      result.signed.push({ chainKey: signed.chainKey, seq: signed.seq, hash: signed.hash, rootHash: signed.rootHash });
      options.onSigned?.(anchor);
    }
    if (anchors.length) {
      const payload: HeadsSignedPayload = { source: 'job', heads: anchors };
      await repo.insertHeadsOutboxWith(client, { type: HEADS_SIGNED_EVENT, payload });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return result;
}
