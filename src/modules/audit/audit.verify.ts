import type pg from 'pg';
import { checkCheckpointSignature, GENESIS_HASH, hashEvent, type EventContent } from './audit.hash.js';
import { auditRepository as repo, type AuditEventRow, type CheckpointRow, type HeadRow } from './audit.repository.js';

/**
 * Why a chain is broken (docs/audit.md, "Verification"):
 * - edited: an event's content no longer matches its hash, or an event was replaced (its hash
 *   recomputed) so that its successor, or the head, no longer links to it;
 * - deleted: a sequence number is missing (a gap, the head or a signed checkpoint is ahead of the
 *   last event, or an event links to a predecessor that no longer exists);
 * - inserted: an event that is not linked where it stands (its successor links past it, or it
 *   stands beyond the chain head);
 * - reordered: an event links to a predecessor that stands after it;
 * - checkpoint_mismatch: the links are consistent but a signed checkpoint disagrees (the chain was
 *   recomputed), a checkpoint's signature does not verify, or expected checkpoints are missing.
 */
export type BreakReason = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint_mismatch';

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

export interface ChainReport {
  chainKey: string;
  events: number;
  checkpoints: number;
  headSeq: string | null;
  break: ChainBreak | null;
}

export interface VerificationResult {
  status: 'intact' | 'broken';
  tenantId: string | null;
  chains: number;
  events: number;
  checkpoints: number;
  /** The first break of each broken chain, in chain order. */
  breaks: ChainBreak[];
  startedAt: string;
  durationMs: number;
}

export interface VerifyOptions {
  /** Only this tenant's chain; all chains (tenants and the global one) when absent. */
  tenantId?: string | null;
  /** The checkpoint key in force, or [current, ...retired] keys (key rotation). */
  checkpointKey: string | readonly string[];
  /**
   * When given, a chain must carry a signed checkpoint at least every N events (record() writes
   * one every N): a longer stretch without one means checkpoints were deleted.
   */
  checkpointEvery?: number;
  /** Rows per round trip (keyset batches; memory stays flat whatever the chain length). */
  batchSize?: number;
}

type Connectable = Pick<pg.Pool, 'connect'>;

const tenantOf = (chainKey: string): string | null => (chainKey.startsWith('tenant:') ? chainKey.slice(7) : null);

/** The hashed content of a stored event row. */
export function contentOfRow(row: AuditEventRow): EventContent {
  return {
    chainKey: row.chainKey,
    tenantId: row.tenantId,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    resource: row.resource,
    recordId: row.recordId,
    outcome: row.outcome,
    reason: row.reason,
    diff: row.diff ?? null,
    ip: row.ip,
    userAgent: row.userAgent,
    correlationId: row.correlationId,
  };
}

/** Keyset-batched stream of rows in (seq, id) order. */
async function* streamBySeq<T extends { seq: string; id: string }>(
  fetch: (afterSeq: string, afterId: string) => Promise<T[]>,
  batchSize: number,
): AsyncGenerator<T> {
  let afterSeq = '-9223372036854775808';
  let afterId = '-9223372036854775808';
  for (;;) {
    const rows = await fetch(afterSeq, afterId);
    yield* rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    afterSeq = last.seq;
    afterId = last.id;
  }
}

interface Linked {
  seq: bigint;
  hash: string;
  id: string | null;
}

/**
 * Verifies one chain in the client's snapshot: stream events in seq order, recompute every hash,
 * check links, continuity, checkpoints (signature and hash) and the head. Stops at the first break.
 */
export async function verifyChain(
  client: pg.ClientBase,
  chainKey: string,
  options: Required<Pick<VerifyOptions, 'checkpointKey' | 'batchSize'>> & Pick<VerifyOptions, 'checkpointEvery'>,
): Promise<ChainReport> {
  const { batchSize } = options;
  const every = options.checkpointEvery ? BigInt(options.checkpointEvery) : null;
  const head: HeadRow | null = await repo.findHead(client, chainKey);
  const report: ChainReport = { chainKey, events: 0, checkpoints: 0, headSeq: head?.seq ?? null, break: null };
  const broken = (seq: bigint, eventId: string | null, reason: BreakReason, detail: string): ChainReport => {
    report.break = { chainKey, tenantId: tenantOf(chainKey), seq: seq.toString(), eventId, reason, detail };
    return report;
  };

  const events = streamBySeq((s, i) => repo.eventsAfter(client, chainKey, s, i, batchSize), batchSize);
  const cps = streamBySeq((s, i) => repo.checkpointsAfter(client, chainKey, s, i, batchSize), batchSize);
  let nextCp = await cps.next();
  const signatureOk = (cp: CheckpointRow) =>
    checkCheckpointSignature(options.checkpointKey, chainKey, cp.seq, cp.hash, cp.signature);

  let prev: Linked = { seq: 0n, hash: GENESIS_HASH, id: null };
  let lastCheckpointSeq = 0n;
  for await (const row of events) {
    const seq = BigInt(row.seq);
    if (seq > prev.seq + 1n) {
      const missing = seq - 1n === prev.seq + 1n ? `seq ${prev.seq + 1n}` : `seq ${prev.seq + 1n} to ${seq - 1n}`;
      return broken(
        prev.seq + 1n,
        null,
        'deleted',
        `The events at ${missing} are missing (the next present event is id ${row.id} at seq ${seq}).`,
      );
    }
    if (seq <= prev.seq)
      return broken(seq, row.id, 'inserted', `Event ${row.id} repeats seq ${seq}: it was inserted next to the original.`);
    if (head && seq > BigInt(head.seq))
      return broken(
        seq,
        row.id,
        'inserted',
        `Event ${row.id} stands beyond the chain head (seq ${head.seq}): it was inserted without extending the chain.`,
      );

    const linkOk = row.prevHash === prev.hash;
    const contentOk = hashEvent(contentOfRow(row), row.prevHash, row.seq) === row.hash;
    if (!linkOk || !contentOk) return classify(client, chainKey, prev, row, seq, linkOk, contentOk, broken);

    while (!nextCp.done && BigInt(nextCp.value.seq) <= seq) {
      const cp = nextCp.value;
      const cpSeq = BigInt(cp.seq);
      if (!signatureOk(cp))
        return broken(
          cpSeq,
          cpSeq === seq ? row.id : null,
          'checkpoint_mismatch',
          `The checkpoint at seq ${cpSeq} does not carry a valid signature (forged or altered, or signed with another key).`,
        );
      if (cpSeq < seq || cp.hash !== row.hash)
        return broken(
          cpSeq,
          cpSeq === seq ? row.id : null,
          'checkpoint_mismatch',
          `The signed checkpoint at seq ${cpSeq} disagrees with the chain: the events after seq ${lastCheckpointSeq} up to ${cpSeq} were rewritten with consistent hashes.`,
        );
      report.checkpoints += 1;
      lastCheckpointSeq = cpSeq;
      nextCp = await cps.next();
    }
    if (every && seq - lastCheckpointSeq >= every)
      return broken(
        seq,
        row.id,
        'checkpoint_mismatch',
        `No signed checkpoint covers seq ${lastCheckpointSeq + 1n} to ${seq}, though one is written every ${every} events: checkpoints were deleted.`,
      );

    report.events += 1;
    prev = { seq, hash: row.hash, id: row.id };
  }

  // Checkpoints beyond the last event: signed proof that later events existed.
  if (!nextCp.done) {
    const cp = nextCp.value;
    if (!signatureOk(cp))
      return broken(
        BigInt(cp.seq),
        null,
        'checkpoint_mismatch',
        `The checkpoint at seq ${cp.seq} does not carry a valid signature (forged or altered, or signed with another key).`,
      );
    return broken(
      prev.seq + 1n,
      null,
      'deleted',
      `A signed checkpoint proves the chain reached seq ${cp.seq}, but it ends at seq ${prev.seq}: the events after it were deleted.`,
    );
  }
  if (!head) {
    if (prev.seq > 0n)
      return broken(
        prev.seq + 1n,
        null,
        'deleted',
        'The chain head row is missing: the chain cannot be extended and its end cannot be checked.',
      );
    return report;
  }
  const headSeq = BigInt(head.seq);
  if (headSeq > prev.seq)
    return broken(
      prev.seq + 1n,
      null,
      'deleted',
      `The chain head is at seq ${headSeq} but the last event is at seq ${prev.seq}: the events after it were deleted.`,
    );
  if (head.hash !== prev.hash)
    return broken(
      prev.seq,
      prev.id,
      'edited',
      `The chain head records another hash for the event at seq ${prev.seq}: that event was replaced.`,
    );
  return report;
}

async function classify(
  client: pg.ClientBase,
  chainKey: string,
  prev: Linked,
  row: AuditEventRow,
  seq: bigint,
  linkOk: boolean,
  contentOk: boolean,
  broken: (seq: bigint, eventId: string | null, reason: BreakReason, detail: string) => ChainReport,
): Promise<ChainReport> {
  // Where does this event's recorded predecessor stand now?
  const predecessor = linkOk
    ? { id: prev.id ?? '', seq: prev.seq.toString() }
    : await repo.findSeqByHash(client, chainKey, row.prevHash);
  const predecessorSeq = predecessor ? BigInt(predecessor.seq) : null;
  if (predecessorSeq !== null && predecessorSeq > seq)
    return broken(
      seq,
      row.id,
      'reordered',
      `Event ${row.id} at seq ${seq} was written after the event now at seq ${predecessorSeq}: the events were reordered.`,
    );

  const next = (await repo.eventsAfter(client, chainKey, row.seq, row.id, 1))[0];
  if (next && next.prevHash === prev.hash)
    return broken(
      seq,
      row.id,
      'inserted',
      `Event ${row.id} at seq ${seq} is not linked where it stands: the next event links to the event at seq ${prev.seq}.`,
    );
  if (linkOk) return broken(seq, row.id, 'edited', `The content of event ${row.id} no longer matches its hash.`);
  if (contentOk) {
    if (prev.seq === 0n)
      return broken(seq, row.id, 'inserted', `Event ${row.id} at seq ${seq} does not link to the start of the chain.`);
    return broken(
      prev.seq,
      prev.id,
      'edited',
      `The event at seq ${prev.seq} is not the one its successor was linked to: it was replaced (content changed, hash recomputed).`,
    );
  }
  if (predecessorSeq === null)
    return broken(
      seq,
      null,
      'deleted',
      `The event that preceded event ${row.id} is missing and the later events were renumbered.`,
    );
  if (predecessorSeq < prev.seq) {
    const firstInserted = predecessorSeq + 1n;
    const inserted = await repo.findBySeq(client, chainKey, firstInserted.toString());
    return broken(
      firstInserted,
      inserted?.id ?? null,
      'inserted',
      `Event ${row.id} links to the event at seq ${predecessorSeq}: the events at seq ${firstInserted} to ${prev.seq} were inserted.`,
    );
  }
  return broken(seq, row.id, 'edited', `Event ${row.id} at seq ${seq} was changed (content and links no longer match).`);
}

/**
 * Verifies every chain (or one tenant's) in one consistent snapshot (REPEATABLE READ, read only),
 * streaming each chain in seq order in keyset batches. Reports "intact" with counts, or the first
 * broken event of each broken chain.
 */
export async function verifyChains(pool: Connectable, options: VerifyOptions): Promise<VerificationResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const batchSize = options.batchSize ?? 2_000;
  const client = await pool.connect();
  const result: VerificationResult = {
    status: 'intact',
    tenantId: options.tenantId ?? null,
    chains: 0,
    events: 0,
    checkpoints: 0,
    breaks: [],
    startedAt,
    durationMs: 0,
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const all = await repo.listChainKeys(client);
    const keys = options.tenantId ? all.filter((k) => k === `tenant:${options.tenantId}`) : all;
    for (const chainKey of keys) {
      const chain = await verifyChain(client, chainKey, {
        checkpointKey: options.checkpointKey,
        checkpointEvery: options.checkpointEvery,
        batchSize,
      });
      result.chains += 1;
      result.events += chain.events;
      result.checkpoints += chain.checkpoints;
      if (chain.break) result.breaks.push(chain.break);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  result.status = result.breaks.length ? 'broken' : 'intact';
  result.durationMs = Math.round(performance.now() - started);
  return result;
}
