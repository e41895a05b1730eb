import type { WriteSession } from '../../db/session.js';
import { actorFields } from '../../lib/actor-fields.js';
import { signHeadInTransaction } from './audit.checkpoint.js';
import { chainKeyFor, contentDigest, storableText, type EventContent } from './audit.hash.js';
import { redactDetails, redactText } from './audit.redact.js';
import { isAuditAction } from './audit.actions.js';
import { auditRepository, type RecordedEvent } from './audit.repository.js';
import { AuditEventInput } from './audit.schemas.js';
import type { SigningKey } from './audit.signing.js';

export type { RecordedEvent } from './audit.repository.js';

export interface AuditOptions {
  /** Signs the chain's tree head (Ed25519) every `checkpointEvery` events. */
  signer: SigningKey;
  /** A signed tree head of the chain is written every N events of a chain. */
  checkpointEvery: number;
  /** Called after each recorded event (metrics); must not throw. */
  onRecorded?: (action: string, outcome: string) => void;
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;

/** The system actor of the demo seed: the only one that may write history with a past time. */
export const SEED_ACTOR_ID = 'seed';

/** History in the past without the seed's own actor: refused. */
export const HISTORY_ONLY_FOR_THE_SEED = 'backdated audit events are written only by the demo seed (system actor "seed")';

/** A distributive Omit over the actor union: an event's content without its actor and request fields. */
export type HistoryEventInput = AuditEventInput extends infer E
  ? E extends unknown
    ? Omit<E, 'actorType' | 'actorId' | 'actorRole' | 'ip' | 'userAgent' | 'correlationId'>
    : never
  : never;

const text = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : storableText(value);

/**
 * The content of an event exactly as it will be stored and hashed: personal data redacted
 * (diff, reason, record id), text made storable (no NUL, no lone surrogates).
 */
export function buildEventContent(input: AuditEventInput, occurredAt: Date): EventContent {
  // The catalogue (audit.actions.ts) is the one list of codes: an unknown one is a bug, refused.
  if (!isAuditAction(input.action))
    throw new Error(`audit action "${String(input.action)}" is not in the catalogue (src/modules/audit/audit.actions.ts)`);
  const event = AuditEventInput.parse(input);
  const chainKey = chainKeyFor(event.tenantId);
  return {
    chainKey,
    tenantId: event.tenantId ?? null,
    occurredAt: occurredAt.toISOString(),
    actorType: event.actorType,
    actorId: text(event.actorId),
    actorRole: event.actorRole ?? null,
    action: event.action,
    resource: text(event.resource),
    recordId: event.recordId ? redactText(event.recordId) : null,
    outcome: event.outcome,
    reason: event.reason ? redactText(event.reason) : null,
    diff: event.diff ? redactDetails(event.diff) : null,
    ip: text(event.ip),
    userAgent: text(event.userAgent),
    correlationId: text(event.correlationId),
  };
}

/**
 * The audit trail's single entry point. `record` runs inside the caller's transaction: if it
 * fails, the caller's change rolls back with it. One statement locks the chain head, appends
 * the event and advances the head (see audit.repository.ts), so concurrent writers of a chain
 * are serialised by the head row lock and never fork it, and the lock is held only from that
 * statement to the caller's commit.
 */
export function createAuditTrail(options: AuditOptions) {
  if (!Number.isInteger(options.checkpointEvery) || options.checkpointEvery < 1)
    throw new Error('checkpointEvery must be a positive integer');
  const every = BigInt(options.checkpointEvery);

  async function append(session: WriteSession, content: EventContent): Promise<RecordedEvent> {
    const created = await auditRepository.appendEvent(session, content, contentDigest(content));
    // Signing reads the whole chain, which the actor may not (ADR 0011): as the trail's keeper.
    if (created.seq % every === 0n)
      await auditRepository.unsafeAsTrailKeeper(session, () =>
        signHeadInTransaction(session, options.signer, content.chainKey, created),
      );
    options.onRecorded?.(content.action, content.outcome);
    return created;
  }

  /** Appends one event to its chain in the caller's transaction (its write session). */
  async function record(session: WriteSession, input: AuditEventInput): Promise<RecordedEvent> {
    return append(session, buildEventContent(input, new Date()));
  }

  /**
   * Appends an event of the demo's history at the time it happened (`occurredAt` in the past):
   * the seed's entry point, refused to any other actor. The actor is the seed's (never one
   * named by the caller). Times are monotonic per chain: under the chain head's lock, an event
   * earlier than the chain's latest one is refused, so a chain reads in time order like one
   * written live. Hashes, Merkle tree and signed heads are those of record(): verification
   * does not know the difference (docs/audit.md, "Seeded history").
   */
  async function recordHistory(session: WriteSession, input: HistoryEventInput, occurredAt: Date): Promise<RecordedEvent> {
    const { actor } = session.ctx;
    if (actor.type !== 'SYSTEM' || actor.id !== SEED_ACTOR_ID) throw new Error(HISTORY_ONLY_FOR_THE_SEED);
    if (!(occurredAt.getTime() <= Date.now())) throw new Error('a seeded history event cannot happen in the future');
    const content = buildEventContent({ ...input, ...actorFields(session.ctx) }, occurredAt);
    const latest = await auditRepository.lockHeadLatestOccurredAt(session, content.chainKey);
    if (latest && latest.getTime() > occurredAt.getTime())
      throw new Error(
        `seeded history goes forward in time: chain ${content.chainKey} already has an event at ${latest.toISOString()}, after ${content.occurredAt}`,
      );
    return append(session, content);
  }

  return { record, recordHistory, options };
}

/** The actor and request fields of an event (src/lib/actor-fields.ts; re-exported for the audit's callers). */
export { actorFields } from '../../lib/actor-fields.js';
