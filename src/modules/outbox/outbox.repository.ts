import type { OutboxEvent, OutboxStatus, Prisma } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import type { Action } from '../access/ability.js';
import { prismaWhereToSql, PositionalParams, type FieldTypes } from '../access/scope-sql.js';
import { requireCreatable, scope } from '../shared/guard.js';

/** The OutboxEvent columns a CASL condition of ours may name, for SQL written by hand. */
const OUTBOX_FIELDS: FieldTypes = { id: 'uuid', tenantId: 'uuid', type: 'text' };

/** The only code that touches the OutboxEvent table. Every method applies the session's ability. */
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

  /** Replaces the payload of one event the session may update (a consumed request drops the address it carried). */
  replacePayload: async (s: WriteSession, id: string, payload: Prisma.InputJsonValue) =>
    (await txOf(s).outboxEvent.updateMany({ where: { AND: [scope(s.ctx, 'update', 'OutboxEvent'), { id }] }, data: { payload } }))
      .count === 1,

  /**
   * Claims up to `batchSize` due PENDING events the session may update: FOR UPDATE SKIP LOCKED
   * (concurrent dispatchers never take the same event), counted as an attempt and leased by
   * pushing `availableAt` forward by `leaseSeconds`. The ability is rendered into the WHERE.
   */
  async claimDue(s: WriteSession, batchSize: number, leaseSeconds: number): Promise<OutboxEvent[]> {
    const params = new PositionalParams();
    const lease = params.add(leaseSeconds, 'bigint');
    const limit = params.add(batchSize, 'bigint');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'OutboxEvent'), 'c', OUTBOX_FIELDS, params);
    // RETURNING keeps no order of its own (the plan decides, and row-level security changes the
    // plan): the claimed events are handed out oldest first.
    return txOf(s).$queryRawUnsafe<OutboxEvent[]>(
      `WITH claimed AS (
         UPDATE "OutboxEvent" AS o
            SET "attempts" = o."attempts" + 1,
                "availableAt" = now() + make_interval(secs => ${lease})
          WHERE o."id" IN (
            SELECT c."id" FROM "OutboxEvent" c
             WHERE c."status" = 'PENDING' AND c."availableAt" <= now() AND (${allowed})
             ORDER BY c."availableAt", c."createdAt"
             LIMIT ${limit}
             FOR UPDATE SKIP LOCKED)
        RETURNING o.*)
       SELECT * FROM claimed ORDER BY "createdAt", "id"`,
      ...params.values,
    );
  },

  /**
   * Records the outcome of a delivery on a PENDING event the session may update (a requeued or
   * already settled event is left alone); false when nothing changed.
   */
  settlePending: async (s: WriteSession, id: string, data: Prisma.OutboxEventUpdateManyMutationInput): Promise<boolean> =>
    (
      await txOf(s).outboxEvent.updateMany({
        where: { AND: [scope(s.ctx, 'update', 'OutboxEvent'), { id, status: 'PENDING' }] },
        data,
      })
    ).count === 1,

  /** One event the session may `action` (read by default), or null. */
  findVisible: (s: ReadSession, id: string, action: Action = 'read') =>
    dbOf(s).outboxEvent.findFirst({ where: { AND: [scope(s.ctx, action, 'OutboxEvent'), { id }] } }),

  /** Locks an event the session may `action` for the rest of the transaction and returns it; null when it may not. */
  async lockVisible(s: WriteSession, id: string, action: Action): Promise<OutboxEvent | null> {
    const tx = txOf(s);
    const visible = await tx.outboxEvent.findFirst({
      where: { AND: [scope(s.ctx, action, 'OutboxEvent'), { id }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "OutboxEvent" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.outboxEvent.findUnique({ where: { id } });
  },

  /** Changes an event the session may `action` (update by default); null when it may not. */
  async updateVisible(
    s: WriteSession,
    id: string,
    data: Prisma.OutboxEventUpdateManyMutationInput,
    action: Action = 'update',
  ): Promise<OutboxEvent | null> {
    const tx = txOf(s);
    const { count } = await tx.outboxEvent.updateMany({ where: { AND: [scope(s.ctx, action, 'OutboxEvent'), { id }] }, data });
    return count === 1 ? tx.outboxEvent.findUnique({ where: { id } }) : null;
  },

  /** Events the session may read, counted by status. */
  countVisibleByStatus: async (s: ReadSession): Promise<Array<{ status: OutboxStatus; count: number }>> =>
    (
      await dbOf(s).outboxEvent.groupBy({ by: ['status'], where: scope(s.ctx, 'read', 'OutboxEvent'), _count: { _all: true } })
    ).map((r) => ({ status: r.status, count: r._count._all })),

  /** When the longest-waiting PENDING event the session may read became due, or null. */
  oldestVisiblePendingAt: async (s: ReadSession): Promise<Date | null> =>
    (
      await dbOf(s).outboxEvent.findFirst({
        where: { AND: [scope(s.ctx, 'read', 'OutboxEvent'), { status: 'PENDING' }] },
        orderBy: { availableAt: 'asc' },
        select: { availableAt: true },
      })
    )?.availableAt ?? null,
};
