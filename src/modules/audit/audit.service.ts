import type { Prisma } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { chainKeyFor, hashEvent, signCheckpoint, type HashedContent } from './audit.hash.js';
import { redactDetails } from './audit.redact.js';
import { auditRepository } from './audit.repository.js';
import { AuditEventInput } from './audit.schemas.js';

export interface AuditOptions {
  checkpointKey: string;
  /** A signed checkpoint of the chain head is written every N events of a chain. */
  checkpointEvery: number;
  /** Called after each recorded event (metrics); must not throw. */
  onRecorded?: (action: string, outcome: string) => void;
}

export interface RecordedEvent {
  id: bigint;
  seq: bigint;
  hash: string;
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;

/**
 * The audit trail's single entry point. `record` runs inside the caller's transaction: if it
 * fails, the caller's change rolls back with it. Writers of one chain are serialised by the
 * head row lock, so concurrent transactions never fork a chain.
 */
export function createAuditTrail(options: AuditOptions) {
  async function record(tx: Tx, input: AuditEventInput): Promise<RecordedEvent> {
    const event = AuditEventInput.parse(input);
    const chainKey = chainKeyFor(event.tenantId);
    const head = await auditRepository.lockHead(tx, chainKey);
    const seq = head.seq + 1n;
    const occurredAt = new Date();
    const diff = event.diff ? (redactDetails(event.diff) as Record<string, unknown>) : null;
    const content: HashedContent = {
      chainKey,
      seq: seq.toString(),
      tenantId: event.tenantId ?? null,
      occurredAt: occurredAt.toISOString(),
      actorType: event.actorType,
      actorId: event.actorId ?? null,
      actorRole: event.actorRole ?? null,
      action: event.action,
      resource: event.resource ?? null,
      recordId: event.recordId ?? null,
      outcome: event.outcome,
      reason: event.reason ?? null,
      diff,
      ip: event.ip ?? null,
      userAgent: event.userAgent ?? null,
      correlationId: event.correlationId ?? null,
      prevHash: head.hash,
    };
    const hash = hashEvent(content);
    const created = await auditRepository.insertEvent(tx, {
      ...content,
      actorType: event.actorType,
      outcome: event.outcome,
      seq,
      occurredAt,
      diff: (diff ?? undefined) as Prisma.InputJsonValue | undefined,
      hash,
    });
    await auditRepository.advanceHead(tx, chainKey, seq, hash);
    if (seq % BigInt(options.checkpointEvery) === 0n) {
      await auditRepository.insertCheckpoint(tx, {
        chainKey,
        seq,
        hash,
        signature: signCheckpoint(options.checkpointKey, chainKey, seq, hash),
      });
    }
    options.onRecorded?.(event.action, event.outcome);
    return created;
  }

  return { record, options };
}

type RequestFields = { ip: string | null; userAgent: string | null; correlationId: string };
type ActorFields = RequestFields &
  (
    | { actorType: 'STAFF'; actorId: string; actorRole: 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER' }
    | { actorType: 'USER'; actorId: string; actorRole: 'OWNER' | 'MEMBER' }
    | { actorType: 'SYSTEM'; actorId: string; actorRole: 'SYSTEM' }
  );

/** The actor and request fields of an event, taken from a service context. */
export function actorFields(ctx: ServiceContext): ActorFields {
  const base: RequestFields = { ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null, correlationId: ctx.correlationId };
  const a = ctx.actor;
  if (a.type === 'SYSTEM') return { ...base, actorType: 'SYSTEM', actorId: a.id, actorRole: 'SYSTEM' };
  if (a.type === 'USER') return { ...base, actorType: 'USER', actorId: a.id, actorRole: a.role };
  return { ...base, actorType: 'STAFF', actorId: a.id, actorRole: a.role };
}
