import type pg from 'pg';
import { checkCheckpointSignature, GENESIS_HASH, hashEvent, signCheckpoint } from './audit.hash.js';
import { auditRepository as repo } from './audit.repository.js';
import { contentOfRow } from './audit.verify.js';

export interface CheckpointAllOptions {
  /** The key in force (signs); retired keys may follow it (they only verify). */
  checkpointKey: string | readonly string[];
  batchSize?: number;
  /** Told about each signed head and each refusal (e.g. the logger: ship these lines off the database). */
  onSigned?: (entry: { chainKey: string; seq: string; hash: string; signature: string }) => void;
  onRefused?: (entry: { chainKey: string; reason: string }) => void;
}

export interface CheckpointAllResult {
  chains: number;
  signed: Array<{ chainKey: string; seq: string; hash: string }>;
  /** Heads not signed because the stretch since the last checkpoint does not verify. */
  refused: Array<{ chainKey: string; reason: string }>;
}

/**
 * The periodic checkpoint job (schedule it every few minutes): signs the head of every chain
 * that moved since its last checkpoint. record() signs every N events, which leaves the last
 * < N events of a chain (its tail) covered by nothing a superuser could not recompute; this job
 * bounds that window in time. Before signing, it verifies the stretch since the last checkpoint
 * (signature, continuity, links, hashes), so it never blesses a tampered tail. It writes no audit
 * event (that would move the global chain on every run); the signed heads go to onSigned.
 */
export async function checkpointAllChains(
  pool: Pick<pg.Pool, 'connect'>,
  options: CheckpointAllOptions,
): Promise<CheckpointAllResult> {
  const keys = typeof options.checkpointKey === 'string' ? [options.checkpointKey] : options.checkpointKey;
  const signingKey = keys[0];
  if (!signingKey) throw new Error('checkpointAllChains needs a checkpoint key');
  const batchSize = options.batchSize ?? 2_000;
  const result: CheckpointAllResult = { chains: 0, signed: [], refused: [] };
  const client = await pool.connect();
  try {
    // One snapshot: each head is read together with the events it points at.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const heads = await repo.listHeads(client);
    result.chains = heads.length;
    for (const head of heads) {
      const headSeq = BigInt(head.seq);
      const fromSeq = head.checkpointSeq === null ? 0n : BigInt(head.checkpointSeq);
      if (headSeq === 0n || headSeq <= fromSeq) continue;
      const refuse = (reason: string) => {
        result.refused.push({ chainKey: head.chainKey, reason });
        options.onRefused?.({ chainKey: head.chainKey, reason });
      };
      if (
        head.checkpointSeq !== null &&
        !checkCheckpointSignature(keys, head.chainKey, head.checkpointSeq, head.checkpointHash!, head.checkpointSignature!)
      ) {
        refuse(`the last checkpoint (seq ${head.checkpointSeq}) has an invalid signature`);
        continue;
      }
      let prevSeq = fromSeq;
      let prevHash = head.checkpointSeq === null ? GENESIS_HASH : head.checkpointHash!;
      let problem: string | null = null;
      let afterId = '9223372036854775807'; // first batch: seq > fromSeq
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
      const signature = signCheckpoint(signingKey, head.chainKey, head.seq, head.hash);
      await repo.insertCheckpointWith(client, { chainKey: head.chainKey, seq: head.seq, hash: head.hash, signature });
      result.signed.push({ chainKey: head.chainKey, seq: head.seq, hash: head.hash });
      options.onSigned?.({ chainKey: head.chainKey, seq: head.seq, hash: head.hash, signature });
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
