import type { WriteSession } from '../../db/session.js';
import { signHeadInTransaction } from './audit.checkpoint.js';
import { chainKeyFor, contentDigest, storableText, type EventContent } from './audit.hash.js';
import { redactDetails, redactText } from './audit.redact.js';
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

const text = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : storableText(value);

/**
 * The content of an event exactly as it will be stored and hashed: personal data redacted
 * (diff, reason, record id), text made storable (no NUL, no lone surrogates).
 */
export function buildEventContent(input: AuditEventInput, occurredAt: Date): EventContent {
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

  /** Appends one event to its chain in the caller's transaction (its write session). */
  async function record(session: WriteSession, input: AuditEventInput): Promise<RecordedEvent> {
    const content = buildEventContent(input, new Date());
    const created = await auditRepository.appendEvent(session, content, contentDigest(content));
    if (created.seq % every === 0n) await signHeadInTransaction(session, options.signer, content.chainKey, created);
    options.onRecorded?.(content.action, content.outcome);
    return created;
  }

  return { record, options };
}

/** The actor and request fields of an event (src/lib/actor-fields.ts; re-exported for the audit's callers). */
export { actorFields } from '../../lib/actor-fields.js';
