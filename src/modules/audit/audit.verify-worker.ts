import { parentPort, workerData } from 'node:worker_threads';
import { keyRingOf, checkTreeHead, type AuditKeySet, type TreeHead } from './audit.signing.js';
import { processRows, type RowBatch } from './audit.verify-rows.js';

/**
 * A worker thread of the streaming verifier (audit.verify-stream.ts): decodes and hashes batches
 * of COPY rows, and checks signed heads' signatures, in parallel with the main thread.
 */
export type WorkerRequest =
  | { type: 'rows'; seqNo: number; buffer: ArrayBuffer }
  | { type: 'heads'; seqNo: number; heads: Array<{ id: string; head: TreeHead; signature: string }> };
export type WorkerResponse =
  | { type: 'rows'; seqNo: number; batch: RowBatch }
  | { type: 'heads'; seqNo: number; verdicts: Array<[string, string]> }
  | { type: 'error'; seqNo: number; message: string };

const ring = keyRingOf(workerData as AuditKeySet);
const port = parentPort!;
port.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.type === 'rows') {
      const batch = processRows(Buffer.from(msg.buffer));
      const reply: WorkerResponse = { type: 'rows', seqNo: msg.seqNo, batch };
      port.postMessage(reply, [
        batch.ids.buffer,
        batch.chain.buffer,
        batch.seqs.buffer,
        batch.hashes.buffer,
        batch.ok.buffer,
      ] as ArrayBuffer[]);
    } else {
      const verdicts = msg.heads.map((h): [string, string] => [h.id, checkTreeHead(ring, h.head, h.signature)]);
      port.postMessage({ type: 'heads', seqNo: msg.seqNo, verdicts } satisfies WorkerResponse);
    }
  } catch (err) {
    port.postMessage({
      type: 'error',
      seqNo: msg.seqNo,
      message: err instanceof Error ? err.message : String(err),
    } satisfies WorkerResponse);
  }
});
