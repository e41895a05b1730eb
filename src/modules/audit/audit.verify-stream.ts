import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { ChainChecker, type ChainPlan, type ChainReport, type CheckedEvent } from './audit.checker.js';
import { treeHeadOf, type AnchorRecord } from './audit.heads.js';
import { auditRepository as repo, type CheckpointRow } from './audit.repository.js';
import { keySetOfRing, type HeadCheck, type TreeHead, type VerifierKeys } from './audit.signing.js';
import { completeRowsEnd, processRows, type RowBatch } from './audit.verify-rows.js';
import type { WorkerRequest, WorkerResponse } from './audit.verify-worker.js';

/**
 * The streaming pass of verification (docs/audit.md, "Verification that scales"): the whole
 * table (or, incrementally, everything after the chains' last verified heads) in one binary
 * COPY ordered by id, which within a chain is the order of seq. The main thread cuts the stream
 * into batches of whole rows; worker threads decode them and recompute every hash; the main
 * thread feeds each chain's ChainChecker in order (links, Merkle tree, signed heads, anchors).
 * Signed heads' signatures are checked by the workers meanwhile. A chain where anything looks
 * wrong is left out of the result: the caller verifies it again one by one, which names its
 * first broken event exactly.
 */

export interface StreamOptions {
  keys: VerifierKeys;
  checkpointEvery?: number | undefined;
  anchorsByChain?: ReadonlyMap<string, AnchorRecord[]> | undefined;
  /** Worker threads (0: everything in this thread). Default: the number of cores. */
  workers?: number | undefined;
  /** Bytes of COPY data per batch. */
  batchBytes?: number;
}

const COPY_HEADER = 19; // "PGCOPY\n\377\r\n\0", flags, header extension length (0)

interface Hasher {
  rows(buffer: Buffer): Promise<RowBatch>;
  heads(heads: Array<{ id: string; head: TreeHead; signature: string }>): Promise<Array<[string, string]>>;
  close(): Promise<void>;
}

function inlineHasher(keys: VerifierKeys): Hasher {
  return {
    rows: (buffer) => Promise.resolve(processRows(buffer)),
    heads: async (heads) => {
      const { checkTreeHead } = await import('./audit.signing.js');
      return heads.map((h): [string, string] => [h.id, checkTreeHead(keys.ring, h.head, h.signature)]);
    },
    close: () => Promise.resolve(),
  };
}

/** A pool of worker threads; requests are spread round-robin, answers matched by number. */
function workerHasher(keys: VerifierKeys, count: number): Hasher {
  const url = new URL('./audit.verify-worker.mjs', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(url, { workerData: keySetOfRing(keys.ring) }));
  const pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | null = null;
  for (const w of workers) {
    w.on('message', (msg: WorkerResponse) => {
      const p = pending.get(msg.seqNo);
      pending.delete(msg.seqNo);
      if (!p) return;
      if (msg.type === 'error') p.reject(new Error(`verification worker: ${msg.message}`));
      else p.resolve(msg);
    });
    w.on('error', (err) => {
      failed = err;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  }
  const send = (req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> => {
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      pending.set(req.seqNo, { resolve, reject });
      workers[req.seqNo % workers.length]!.postMessage(req, transfer);
    });
  };
  return {
    async rows(buffer) {
      // A copy the worker can own (the COPY chunks are views into the socket's buffers).
      const own = new ArrayBuffer(buffer.length);
      new Uint8Array(own).set(buffer);
      const res = await send({ type: 'rows', seqNo: next++, buffer: own }, [own]);
      return (res as Extract<WorkerResponse, { type: 'rows' }>).batch;
    },
    async heads(heads) {
      const res = await send({ type: 'heads', seqNo: next++, heads });
      return (res as Extract<WorkerResponse, { type: 'heads' }>).verdicts;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Verifies the planned chains in one pass; returns the reports of the chains found intact. */
export async function streamVerify(
  client: pg.ClientBase,
  plans: readonly ChainPlan[],
  options: StreamOptions,
): Promise<Map<string, ChainReport>> {
  const workerCount = options.workers ?? availableParallelism();
  const hasher = workerCount > 0 ? workerHasher(options.keys, workerCount) : inlineHasher(options.keys);
  try {
    return await run(client, plans, options, hasher);
  } finally {
    await hasher.close();
  }
}

async function run(
  client: pg.ClientBase,
  plans: readonly ChainPlan[],
  options: StreamOptions,
  hasher: Hasher,
): Promise<Map<string, ChainReport>> {
  const batchBytes = options.batchBytes ?? 1 << 20;
  const planned = new Map(plans.map((p) => [p.chainKey, p]));
  const checkpoints = new Map<string, CheckpointRow[]>();
  for (const cp of await repo.checkpointsBeyond(
    client,
    plans.map((p) => ({ chainKey: p.chainKey, seq: p.start.seq })),
  )) {
    const plan = planned.get(cp.chainKey);
    if (!plan || Number(cp.seq) <= plan.start.seq) continue;
    const list = checkpoints.get(cp.chainKey) ?? [];
    list.push(cp);
    checkpoints.set(cp.chainKey, list);
  }

  // Signatures of every signed head, checked by the workers while the events stream.
  const verdicts = new Map<string, string>();
  const heads: Array<{ id: string; head: TreeHead; signature: string }> = [];
  for (const list of checkpoints.values())
    for (const cp of list) {
      const head = cp.algorithm === 'ed25519' ? treeHeadOf(cp) : null;
      if (head) heads.push({ id: cp.id, head, signature: cp.signature });
    }
  const signatureWork: Array<Promise<void>> = [];
  for (let i = 0; i < heads.length; i += 2_000)
    signatureWork.push(
      hasher.heads(heads.slice(i, i + 2_000)).then((list) => {
        for (const [id, verdict] of list) verdicts.set(id, verdict);
      }),
    );

  const checkers = new Map<string, ChainChecker>();
  const suspect = new Set<string>();
  for (const plan of plans)
    checkers.set(
      plan.chainKey,
      new ChainChecker({
        chainKey: plan.chainKey,
        keys: options.keys,
        checkpoints: checkpoints.get(plan.chainKey) ?? [],
        anchors: options.anchorsByChain?.get(plan.chainKey),
        head: plan.head,
        start: plan.start,
        checkpointEvery: options.checkpointEvery,
        checkSignature: (cp): HeadCheck | 'deferred' => (verdicts.get(cp.id) as HeadCheck | undefined) ?? 'deferred',
      }),
    );

  // The lowest id to read: everything for a full run; after the cursors for an incremental one.
  const lowest = await repo.firstEventIdToVerify(
    client,
    plans.map((p) => ({ chainKey: p.chainKey, seq: String(p.start.seq + 1) })),
  );

  const apply = (batch: RowBatch) => {
    const byIndex = batch.chainKeys.map((k) => {
      if (suspect.has(k)) return null;
      const checker = checkers.get(k);
      if (!checker) suspect.add(k); // an event of a chain nobody planned for (a tenant filter is not streamed)
      return checker ?? null;
    });
    const view = Buffer.from(batch.hashes.buffer, batch.hashes.byteOffset, batch.hashes.byteLength);
    for (let r = 0; r < batch.count; r += 1) {
      const checker = byIndex[batch.chain[r]!];
      if (!checker) continue;
      const seq = batch.seqs[r]!;
      if (seq <= planned.get(checker.chainKey)!.start.seq) continue; // already verified (incremental)
      const o = r * 96;
      const ids = batch.ids;
      const event: CheckedEvent = {
        seq,
        id: () => ids[r]!.toString(),
        prevHash: view.subarray(o, o + 32),
        hash: view.subarray(o + 32, o + 64),
        leaf: view.subarray(o + 64, o + 96),
        contentOk: batch.ok[r] === 1,
      };
      if (checker.push(event)) {
        suspect.add(checker.chainKey);
        byIndex[batch.chain[r]!] = null;
      }
    }
  };

  if (lowest !== null) {
    const stream = repo.copyEventsFrom(client, lowest);

    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let headerLeft = COPY_HEADER;
    const inFlight: Array<Promise<RowBatch>> = [];
    const maxInFlight = 4;
    const drainOne = async () => apply(await inFlight.shift()!);
    const flush = async (final: boolean) => {
      let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      if (headerLeft > 0) {
        const skip = Math.min(headerLeft, buf.length);
        buf = buf.subarray(skip);
        headerLeft -= skip;
      }
      const { end } = completeRowsEnd(buf, 0);
      const rest = buf.subarray(end);
      pending = rest.length ? [Buffer.from(rest)] : [];
      pendingBytes = rest.length;
      if (end > 0) {
        inFlight.push(hasher.rows(buf.subarray(0, end)));
        if (inFlight.length >= maxInFlight) await drainOne();
      }
      if (final) while (inFlight.length) await drainOne();
    };
    for await (const chunk of stream) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= batchBytes) await flush(false);
    }
    await flush(true);
  }
  await Promise.all(signatureWork);

  const reports = new Map<string, ChainReport>();
  for (const plan of plans) {
    if (suspect.has(plan.chainKey)) continue;
    const checker = checkers.get(plan.chainKey)!;
    if (checker.finish()) continue;
    if (checker.deferred.some((cp) => verdicts.get(cp.id) !== 'valid')) continue;
    reports.set(plan.chainKey, {
      chainKey: plan.chainKey,
      events: checker.events,
      checkpoints: checker.checkpoints,
      headSeq: plan.head?.seq ?? null,
      break: null,
      lastSignedHead: checker.lastSignedHead,
      legacyUnverified: checker.legacyUnverified,
      anchorsChecked: checker.anchorsChecked,
    });
  }
  return reports;
}
