import type { Prisma } from '@prisma/client';
import { txOf, type WriteSession } from '../../db/session.js';
import { requireCreatable } from '../shared/guard.js';

/** The only code that touches the OutboxEvent table. */
export const outboxRepository = {
  /**
   * Writes an outbox event inside the caller's transaction (the change and its side effect commit
   * together). The event belongs to the tenant the change belongs to.
   */
  enqueue: (s: WriteSession, event: { type: string; tenantId?: string | null; payload: Prisma.InputJsonValue }) => {
    // An event is the consequence of a permitted change: it may only concern a tenant the actor can see.
    if (event.tenantId) requireCreatable(s.ctx, 'Tenant', { id: event.tenantId }, 'read');
    return txOf(s).outboxEvent.create({ data: { type: event.type, tenantId: event.tenantId ?? null, payload: event.payload } });
  },
};
