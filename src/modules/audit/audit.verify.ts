import type pg from 'pg';
import {
  ChainChecker,
  GENESIS_START,
  type ChainBreak,
  type CheckedEvent,
  type ChainPlan,
  type ChainReport,
  type CheckerStart,
  type EventAnomaly,
  type Finding,
  type PlainBreak,
} from './audit.checker.js';
import { hashEvent, type EventContent } from './audit.hash.js';
import { trustedFrontier, type AnchorRecord } from './audit.heads.js';
import { eventLeafHash } from './audit.merkle.js';
import { auditRepository as repo, type AuditEventRow, type CheckpointRow } from './audit.repository.js';
import { checkTreeHead, type VerifierKeys } from './audit.signing.js';
import { treeHeadOf } from './audit.heads.js';

export type { BreakReason, ChainBreak, ChainPlan, ChainReport } from './audit.checker.js';

export interface VerificationResult {
  status: 'intact' | 'broken';
  tenantId: string | null;
  /** full: every event from the first; incremental: from each chain's last verified signed head; bundle: an exported file. */
  mode: 'full' | 'incremental' | 'bundle';
  chains: number;
  events: number;
  checkpoints: number;
  /** Legacy HMAC checkpoints whose signature was not checked (no AUDIT_CHECKPOINT_KEY configured). */
  legacyUnverified: number;
  /** With anchors: how many anchored heads were compared, and how many were refused as invalid. */
  anchors?: { heads: number; checked: number; invalid: number };
  /** The first break of each broken chain, in chain order. */
  breaks: ChainBreak[];
  startedAt: string;
  durationMs: number;
}

export interface VerifyOptions {
  /** Only this tenant's chain; all chains (tenants and the global one) when absent. */
  tenantId?: string | null;
  /** Public keys that verify signed heads, and the legacy HMAC keys. */
  keys: VerifierKeys;
  /**
   * When given, a chain must carry a signed checkpoint at least every N events (record() writes
   * one every N): a longer stretch without one means checkpoints were deleted.
   */
  checkpointEvery?: number | undefined;
  /** Rows per round trip (keyset batches; memory stays flat whatever the chain length). */
  batchSize?: number;
  /** Start each chain at the signed head its last verification reached (AuditVerificationCursor). */
  incremental?: boolean;
  /** After an intact chain, move its cursor to the latest signed head verified (default: false). */
  saveCursors?: boolean;
  /** Signed heads anchored outside the database: each must agree with the chain (implies a full run). */
  anchors?: readonly AnchorRecord[];
  /**
   * The streaming pass (one COPY of what is to verify, hashing on worker threads for large
   * runs): 'auto' (default) uses it when verifying every chain, the per-chain pass for one
   * tenant. Chains the streaming pass finds anything wrong with are verified again one by one,
   * which names the first broken event exactly.
   */
  streaming?: boolean | 'auto';
  /** Worker threads of the streaming pass (0: hash in this thread). Default: the cores, for 200,000 events or more. */
  workers?: number;
}

type Connectable = Pick<pg.Pool, 'connect'>;

export const tenantOf = (chainKey: string): string | null => (chainKey.startsWith('tenant:') ? chainKey.slice(7) : null);

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

/** Where the events of one chain come from (the database, or a bundle), with the look-ups used to explain a break. */
export interface ChainSource {
  /** Events after `afterSeq`, in the source's order (the database: seq order; a bundle: file order). */
  events(afterSeq: number): AsyncIterable<AuditEventRow>;
  /** Where an event with this hash stands (its first occurrence). */
  findByHash(hash: string): Promise<{ id: string; seq: string } | null>;
  /** The event that follows `row` in the source. */
  eventAfter(row: AuditEventRow): Promise<AuditEventRow | undefined>;
  /** The event standing at a seq, if any (for a bundle, wherever it is in the file). */
  findBySeq(seq: string): Promise<{ id: string } | null>;
}

/** Keyset-batched stream of rows in (seq, id) order. */
async function* streamBySeq<T extends { seq: string; id: string }>(
  fetch: (afterSeq: string, afterId: string) => Promise<T[]>,
  batchSize: number,
  fromSeq = '-9223372036854775808',
  fromId = '-9223372036854775808',
): AsyncGenerator<T> {
  let afterSeq = fromSeq;
  let afterId = fromId;
  for (;;) {
    const rows = await fetch(afterSeq, afterId);
    yield* rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    afterSeq = last.seq;
    afterId = last.id;
  }
}

/** A chain in the database, read in the client's snapshot. */
export function databaseChainSource(client: pg.ClientBase, chainKey: string, batchSize: number): ChainSource {
  return {
    // (seq > afterSeq) first: the id bound of the first batch is the largest possible.
    events: (afterSeq) =>
      streamBySeq(
        (s, i) => repo.eventsAfter(client, chainKey, s, i, batchSize),
        batchSize,
        String(afterSeq),
        '9223372036854775807',
      ),
    findByHash: (hash) => repo.findSeqByHash(client, chainKey, hash),
    eventAfter: async (row) => (await repo.eventsAfter(client, chainKey, row.seq, row.id, 1))[0],
    findBySeq: (seq) => repo.findBySeq(client, chainKey, seq),
  };
}

/** Checkpoints of a chain in the database beyond a seq. */
export async function checkpointsOf(
  client: pg.ClientBase,
  chainKey: string,
  afterSeq: number,
  batchSize: number,
): Promise<CheckpointRow[]> {
  const out: CheckpointRow[] = [];
  for await (const cp of streamBySeq(
    (s, i) => repo.checkpointsAfter(client, chainKey, s, i, batchSize),
    batchSize,
    String(afterSeq),
    '9223372036854775807',
  ))
    out.push(cp);
  return out;
}

const isHex64 = (s: string) => /^[0-9a-f]{64}$/.test(s);

/** The checker's view of a stored row: hash recomputed from the content here. */
export function checkedEventOf(row: AuditEventRow): CheckedEvent {
  const wellFormed = isHex64(row.hash) && isHex64(row.prevHash);
  return {
    seq: Number(row.seq),
    id: row.id,
    prevHash: wellFormed ? Buffer.from(row.prevHash, 'hex') : Buffer.alloc(32, 0xff),
    hash: wellFormed ? Buffer.from(row.hash, 'hex') : Buffer.alloc(32, 0xee),
    leaf: wellFormed ? eventLeafHash(row.hash) : Buffer.alloc(32),
    contentOk: wellFormed && hashEvent(contentOfRow(row), row.prevHash, row.seq) === row.hash,
  };
}

/**
 * Names an event-level finding: which event broke the chain and how (docs/audit.md,
 * "Classification of the first break"). Looks at the predecessor the event links to and at its
 * successor's link.
 */
async function classify(
  source: ChainSource,
  checker: ChainChecker,
  anomaly: EventAnomaly,
  row: AuditEventRow,
): Promise<PlainBreak> {
  const prev = { seq: checker.prevSeq, hash: checker.prevHash.toString('hex'), id: checker.lastEventId };
  const b = (seq: number | bigint, eventId: string | null, reason: PlainBreak['reason'], detail: string): PlainBreak => ({
    seq: String(seq),
    eventId,
    reason,
    detail,
  });
  switch (anomaly.kind) {
    case 'gap': {
      const { missingFrom, next } = anomaly;
      const elsewhere = await source.findBySeq(String(missingFrom));
      if (elsewhere)
        return b(
          missingFrom,
          next.id,
          'reordered',
          `Event ${next.id} (seq ${next.seq}) stands where seq ${missingFrom} belongs, and seq ${missingFrom} (event ${elsewhere.id}) stands later: the events were reordered.`,
        );
      const missing = next.seq - 1 === missingFrom ? `seq ${missingFrom}` : `seq ${missingFrom} to ${next.seq - 1}`;
      return b(
        missingFrom,
        null,
        'deleted',
        `The events at ${missing} are missing (the next present event is id ${next.id} at seq ${next.seq}).`,
      );
    }
    case 'repeat':
      return b(
        anomaly.seq,
        anomaly.id,
        'inserted',
        `Event ${anomaly.id} repeats seq ${anomaly.seq}: it was inserted next to the original.`,
      );
    case 'backwards':
      return b(
        anomaly.seq,
        anomaly.id,
        'reordered',
        `Event ${anomaly.id} (seq ${anomaly.seq}) stands after the event at seq ${prev.seq}: the events were reordered.`,
      );
    case 'beyond-head':
      return b(
        anomaly.seq,
        anomaly.id,
        'inserted',
        `Event ${anomaly.id} stands beyond the chain head (seq ${anomaly.headSeq}): it was inserted without extending the chain.`,
      );
    case 'link-or-content':
      break;
  }
  const { seq, linkOk, contentOk } = anomaly;
  // Where does this event's recorded predecessor stand now?
  const predecessor = linkOk ? { id: prev.id ?? '', seq: String(prev.seq) } : await source.findByHash(row.prevHash);
  const predecessorSeq = predecessor ? Number(predecessor.seq) : null;
  if (predecessorSeq !== null && predecessorSeq > seq)
    return b(
      seq,
      row.id,
      'reordered',
      `Event ${row.id} at seq ${seq} was written after the event now at seq ${predecessorSeq}: the events were reordered.`,
    );
  const next = await source.eventAfter(row);
  if (next && next.prevHash === prev.hash)
    return b(
      seq,
      row.id,
      'inserted',
      `Event ${row.id} at seq ${seq} is not linked where it stands: the next event links to the event at seq ${prev.seq}.`,
    );
  if (linkOk) return b(seq, row.id, 'edited', `The content of event ${row.id} no longer matches its hash.`);
  if (contentOk) {
    if (prev.seq === 0)
      return b(seq, row.id, 'inserted', `Event ${row.id} at seq ${seq} does not link to the start of the chain.`);
    return b(
      prev.seq,
      prev.id,
      'edited',
      `The event at seq ${prev.seq} is not the one its successor was linked to: it was replaced (content changed, hash recomputed).`,
    );
  }
  if (predecessorSeq === null)
    return b(seq, null, 'deleted', `The event that preceded event ${row.id} is missing and the later events were renumbered.`);
  if (predecessorSeq < prev.seq) {
    const firstInserted = predecessorSeq + 1;
    const inserted = await source.findBySeq(String(firstInserted));
    return b(
      firstInserted,
      inserted?.id ?? null,
      'inserted',
      `Event ${row.id} links to the event at seq ${predecessorSeq}: the events at seq ${firstInserted} to ${prev.seq} were inserted.`,
    );
  }
  return b(seq, row.id, 'edited', `Event ${row.id} at seq ${seq} was changed (content and links no longer match).`);
}

export interface ChainCheckInput {
  chainKey: string;
  source: ChainSource;
  checkpoints: readonly CheckpointRow[];
  head: { seq: string; hash: string } | null;
  keys: VerifierKeys;
  checkpointEvery?: number | undefined;
  anchors?: readonly AnchorRecord[];
  start?: CheckerStart;
  /** How a row becomes the checker's event (default: the hash recomputed from a stored row). */
  toChecked?: (row: AuditEventRow) => CheckedEvent;
}

/**
 * Verifies one chain from a source, event by event, and stops at the first break: recomputes
 * every hash, checks links, continuity, the Merkle tree against every signed head, checkpoint
 * signatures, anchors and the head, then names the first broken event.
 */
export async function verifyChainFrom(input: ChainCheckInput): Promise<ChainReport> {
  const start = input.start ?? GENESIS_START();
  const checker = new ChainChecker({
    chainKey: input.chainKey,
    keys: input.keys,
    checkpoints: input.checkpoints,
    anchors: input.anchors,
    head: input.head,
    start,
    checkpointEvery: input.checkpointEvery,
  });
  const report = (brk: PlainBreak | null): ChainReport => ({
    chainKey: input.chainKey,
    events: checker.events,
    checkpoints: checker.checkpoints,
    headSeq: input.head?.seq ?? null,
    break: brk ? { chainKey: input.chainKey, tenantId: tenantOf(input.chainKey), ...brk } : null,
    lastSignedHead: brk ? null : checker.lastSignedHead,
    legacyUnverified: checker.legacyUnverified,
    anchorsChecked: checker.anchorsChecked,
  });
  const settle = async (finding: Finding, row: AuditEventRow | null): Promise<ChainReport> =>
    report(finding.kind === 'break' ? finding.brk : await classify(input.source, checker, finding, row!));
  const toChecked = input.toChecked ?? checkedEventOf;
  for await (const row of input.source.events(start.seq)) {
    const finding = checker.push(toChecked(row));
    if (finding) return settle(finding, row);
  }
  const end = checker.finish();
  return end ? settle(end, null) : report(null);
}

/** The start of an incremental run from a cursor's signed head, if it still checks out (signature, tree). */
export function startFromSignedHead(head: CheckpointRow, keys: VerifierKeys): CheckerStart | null {
  const tree = treeHeadOf(head);
  if (!tree || checkTreeHead(keys.ring, tree, head.signature) !== 'valid') return null;
  const frontier = trustedFrontier(head);
  if (!frontier) return null;
  return { seq: Number(head.seq), hash: Buffer.from(head.hash, 'hex'), frontier };
}

/** Checks anchored heads (signature with a trusted key) and groups the valid ones by chain. */
export function groupAnchors(
  anchors: readonly AnchorRecord[],
  keys: VerifierKeys,
): { byChain: Map<string, AnchorRecord[]>; invalid: AnchorRecord[] } {
  const byChain = new Map<string, AnchorRecord[]>();
  const invalid: AnchorRecord[] = [];
  for (const a of anchors) {
    const head = {
      chainKey: a.chainKey,
      treeSize: a.treeSize,
      rootHash: a.rootHash,
      headHash: a.headHash,
      keyId: a.keyId,
      signedAt: a.signedAt,
    };
    if (checkTreeHead(keys.ring, head, a.signature) !== 'valid') {
      invalid.push(a);
      continue;
    }
    const list = byChain.get(a.chainKey) ?? [];
    list.push(a);
    byChain.set(a.chainKey, list);
  }
  return { byChain, invalid };
}

async function planChains(client: pg.ClientBase, options: VerifyOptions, anchoredChains: Iterable<string>): Promise<ChainPlan[]> {
  const known = new Set(await repo.listChainKeys(client));
  for (const k of anchoredChains) known.add(k); // a chain deleted outright is still owed to its anchors
  const keys = [...known].sort().filter((k) => !options.tenantId || k === `tenant:${options.tenantId}`);
  const heads = new Map((await repo.listHeadRows(client)).map((h) => [h.chainKey, h]));
  const cursors = options.incremental
    ? new Map((await repo.listCursors(client)).map((c) => [c.chainKey, c.checkpoint]))
    : new Map();
  // A chain whose oldest months were archived (audit.archive.ts) starts, in every run, at the
  // signed head its last archive ended at: checked again here (trusted key, frontier against the
  // signed root). One that does not check out starts at genesis, and its first retained event is
  // then reported: the events before it are not in the database.
  const archived = new Map((await repo.listArchiveBoundaries(client)).map((b) => [b.chainKey, b.checkpoint]));
  return keys.map((chainKey) => {
    const boundary = archived.get(chainKey);
    const floor = (boundary && startFromSignedHead(boundary, options.keys)) || GENESIS_START();
    const cursor = cursors.get(chainKey) as CheckpointRow | undefined;
    const fromCursor = cursor && Number(cursor.seq) > floor.seq ? startFromSignedHead(cursor, options.keys) : null;
    return { chainKey, head: heads.get(chainKey) ?? null, start: fromCursor ?? floor };
  });
}

/** The per-chain pass: each chain streamed in seq order in keyset batches (exact, for any size of trail). */
export async function verifyPlannedChain(
  client: pg.ClientBase,
  plan: ChainPlan,
  options: VerifyOptions & { batchSize: number },
  anchors: readonly AnchorRecord[] | undefined,
): Promise<ChainReport> {
  return verifyChainFrom({
    chainKey: plan.chainKey,
    source: databaseChainSource(client, plan.chainKey, options.batchSize),
    checkpoints: await checkpointsOf(client, plan.chainKey, plan.start.seq, options.batchSize),
    head: plan.head,
    keys: options.keys,
    checkpointEvery: options.checkpointEvery,
    anchors,
    start: plan.start,
  });
}

const WORKERS_THRESHOLD = 200_000;

/**
 * Verifies every chain (or one tenant's) in one consistent snapshot (REPEATABLE READ, read only).
 * Reports "intact" with counts, or the first broken event of each broken chain. Large trails go
 * through the streaming pass (audit.verify-stream.ts: one COPY of the table, hashing on worker
 * threads); chains it flags are verified again one by one, so the breaks reported are always
 * those of the per-chain pass.
 */
export async function verifyChains(pool: Connectable, options: VerifyOptions): Promise<VerificationResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const batchSize = options.batchSize ?? 2_000;
  const incremental = !!options.incremental && !options.anchors;
  const opts = { ...options, incremental, batchSize };
  const anchorGroups = options.anchors ? groupAnchors(options.anchors, options.keys) : null;
  const client = await pool.connect();
  const result: VerificationResult = {
    status: 'intact',
    tenantId: options.tenantId ?? null,
    mode: incremental ? 'incremental' : 'full',
    chains: 0,
    events: 0,
    checkpoints: 0,
    legacyUnverified: 0,
    ...(anchorGroups ? { anchors: { heads: options.anchors!.length, checked: 0, invalid: anchorGroups.invalid.length } } : {}),
    breaks: [],
    startedAt,
    durationMs: 0,
  };
  const cursors: Array<{ chainKey: string; checkpointId: string; seq: string }> = [];
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const plans = await planChains(client, opts, anchorGroups?.byChain.keys() ?? []);
    // How many events this run has to read: the heads say it exactly.
    const toVerify = plans.reduce((n, p) => n + Math.max(0, Number(p.head?.seq ?? 0) - p.start.seq), 0);
    const useStreaming = options.streaming === true || ((options.streaming ?? 'auto') === 'auto' && !options.tenantId);
    let reports: ChainReport[];
    if (useStreaming) {
      const { streamVerify } = await import('./audit.verify-stream.js');
      const streamed = await streamVerify(client, plans, {
        ...opts,
        anchorsByChain: anchorGroups?.byChain,
        // Worker threads pay off for large runs only (each starts in about half a second).
        workers: options.workers ?? (toVerify >= WORKERS_THRESHOLD ? undefined : 0),
      });
      reports = [];
      for (const plan of plans) {
        const fast = streamed.get(plan.chainKey);
        reports.push(fast ?? (await verifyPlannedChain(client, plan, opts, anchorGroups?.byChain.get(plan.chainKey))));
      }
    } else {
      reports = [];
      for (const plan of plans)
        reports.push(await verifyPlannedChain(client, plan, opts, anchorGroups?.byChain.get(plan.chainKey)));
    }
    for (const chain of reports) {
      result.chains += 1;
      result.events += chain.events;
      result.checkpoints += chain.checkpoints;
      result.legacyUnverified += chain.legacyUnverified;
      if (result.anchors) result.anchors.checked += chain.anchorsChecked;
      if (chain.break) result.breaks.push(chain.break);
      else if (chain.lastSignedHead)
        cursors.push({ chainKey: chain.chainKey, checkpointId: chain.lastSignedHead.id, seq: chain.lastSignedHead.seq });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  if (options.saveCursors && cursors.length) {
    const writer = await pool.connect();
    try {
      await repo.saveCursors(writer, cursors);
    } finally {
      writer.release();
    }
  }
  result.status = result.breaks.length ? 'broken' : 'intact';
  result.durationMs = Math.round(performance.now() - started);
  return result;
}
