import type { Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { PositionalParams, prismaWhereToSql } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

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

  /**
   * Events of `tenantId` (and of no other tenant) whose payload contains one of `needles`
   * (lower-case), whatever their status; for erasure, which redacts them. Within the session's ability.
   */
  async listOfTenantMentioning(
    s: ReadSession,
    tenantId: string,
    needles: string[],
  ): Promise<Array<{ id: string; payload: Prisma.JsonValue }>> {
    if (!needles.length) return [];
    const p = new PositionalParams();
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'OutboxEvent'), 'o', { id: 'uuid', tenantId: 'uuid' }, p);
    return dbOf(s).$queryRawUnsafe(
      `SELECT o."id"::text AS "id", o."payload" FROM "OutboxEvent" o
        WHERE ${allowed} AND o."tenantId" = ${p.add(tenantId, 'uuid')}
          AND EXISTS (SELECT 1 FROM unnest(${p.addArray(needles, 'text')}) AS n(v) WHERE strpos(lower(o."payload"::text), n.v) > 0)
        ORDER BY o."createdAt", o."id"`,
      ...p.values,
    );
  },

  /** Replaces the payload of one event of `tenantId` (erasure's redaction); false when it is not in reach. */
  replacePayloadOfTenant: async (s: WriteSession, tenantId: string, id: string, payload: Prisma.InputJsonValue) =>
    (
      await txOf(s).outboxEvent.updateMany({
        where: { AND: [scope(s.ctx, 'update', 'OutboxEvent'), { id, tenantId }] },
        data: { payload },
      })
    ).count === 1,
};
