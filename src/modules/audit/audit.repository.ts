import type { Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { txOf, type WriteSession } from '../../db/session.js';
import type { EventContent } from './audit.hash.js';

export interface RecordedEvent {
  id: bigint;
  seq: bigint;
  hash: string;
}

/** An event row as read back with pg (int8 as text, jsonb parsed, timestamptz as Date). */
export interface AuditEventRow {
  id: string;
  chainKey: string;
  seq: string;
  tenantId: string | null;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resource: string | null;
  recordId: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
  prevHash: string;
  hash: string;
}

export interface CheckpointRow {
  id: string;
  chainKey: string;
  seq: string;
  hash: string;
  signature: string;
}

export interface HeadRow {
  chainKey: string;
  seq: string;
  hash: string;
}

/** Columns of AuditEvent in a stable order (exports and verification). */
export const EVENT_COLUMNS = [
  'id',
  'chainKey',
  'seq',
  'tenantId',
  'occurredAt',
  'actorType',
  'actorId',
  'actorRole',
  'action',
  'resource',
  'recordId',
  'outcome',
  'reason',
  'diff',
  'ip',
  'userAgent',
  'correlationId',
  'prevHash',
  'hash',
] as const;
/** The event columns for pg reads: bigints as text, so no precision is lost. */
export const SELECT_EVENT_SQL = EVENT_COLUMNS.map((c) => (c === 'id' || c === 'seq' ? `"${c}"::text AS "${c}"` : `"${c}"`)).join(
  ', ',
);

/**
 * One statement appends an event: backoffice_audit_append() (migration 006) locks the chain head,
 * gives the event seq = head + 1 and prevHash = head hash, computes its hash from the content
 * digest (the SQL twin of chainHash in audit.hash.ts) and inserts it; the BEFORE INSERT trigger
 * advances the head and refuses any event that does not extend it. A function rather than a
 * statement: its plan is cached per connection (half the database work per event, bench/audit.ts).
 */
const APPEND_SQL = `SELECT "id"::text AS "id", "seq"::text AS "seq", "hash" FROM backoffice_audit_append(
  $1::text, $2::uuid, $3::timestamptz, $4::"ActorType", $5::text, $6::text, $7::text, $8::text, $9::text,
  $10::"AuditOutcome", $11::text, $12::jsonb, $13::text, $14::text, $15::text, $16::text)`;

/** The only code that touches audit tables. It can insert and read; nothing else exists here. */
export const auditRepository = {
  async appendEvent(session: WriteSession, content: EventContent, digest: string): Promise<RecordedEvent> {
    const params = [
      content.chainKey,
      content.tenantId,
      content.occurredAt,
      content.actorType,
      content.actorId,
      content.actorRole,
      content.action,
      content.resource,
      content.recordId,
      content.outcome,
      content.reason,
      content.diff === null ? null : JSON.stringify(content.diff),
      content.ip,
      content.userAgent,
      content.correlationId,
      digest,
    ];
    const rows = await txOf(session).$queryRawUnsafe<Array<{ id: string; seq: string; hash: string }>>(APPEND_SQL, ...params);
    const row = rows[0]!;
    return { id: BigInt(row.id), seq: BigInt(row.seq), hash: row.hash };
  },

  insertCheckpoint: (session: WriteSession, data: { chainKey: string; seq: bigint; hash: string; signature: string }) =>
    txOf(session).auditCheckpoint.create({ data, select: { id: true } }),

  async insertCheckpointWith(
    client: pg.ClientBase,
    data: { chainKey: string; seq: string; hash: string; signature: string },
  ): Promise<void> {
    await client.query(`INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature") VALUES ($1, $2::bigint, $3, $4)`, [
      data.chainKey,
      data.seq,
      data.hash,
      data.signature,
    ]);
  },

  /** Newest-first keyset page: `(occurredAt, id) < cursor`. */
  findPage: (prisma: PrismaClient, where: Prisma.AuditEventWhereInput, take: number) =>
    prisma.auditEvent.findMany({ where, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take }),

  findLatest: (prisma: PrismaClient, where: Prisma.AuditEventWhereInput) =>
    prisma.auditEvent.findFirst({ where, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] }),

  // --- reads through pg (streaming, consistent snapshots) ------------------------------------

  /** Every chain known to heads, events or checkpoints (loose index scans, not full scans). */
  async listChainKeys(client: pg.ClientBase): Promise<string[]> {
    const { rows } = await client.query<{ ck: string }>(`
      WITH RECURSIVE e(ck) AS (
        SELECT min("chainKey") FROM "AuditEvent"
        UNION ALL SELECT (SELECT min("chainKey") FROM "AuditEvent" WHERE "chainKey" > e.ck) FROM e WHERE e.ck IS NOT NULL
      ), c(ck) AS (
        SELECT min("chainKey") FROM "AuditCheckpoint"
        UNION ALL SELECT (SELECT min("chainKey") FROM "AuditCheckpoint" WHERE "chainKey" > c.ck) FROM c WHERE c.ck IS NOT NULL
      )
      SELECT ck FROM e WHERE ck IS NOT NULL
      UNION SELECT ck FROM c WHERE ck IS NOT NULL
      UNION SELECT "chainKey" FROM "AuditChainHead"
      ORDER BY 1`);
    return rows.map((r) => r.ck);
  },

  async findHead(client: pg.ClientBase, chainKey: string): Promise<HeadRow | null> {
    const { rows } = await client.query<HeadRow>(
      `SELECT "chainKey", "seq"::text AS "seq", "hash" FROM "AuditChainHead" WHERE "chainKey" = $1`,
      [chainKey],
    );
    return rows[0] ?? null;
  },

  async listHeads(
    client: pg.ClientBase,
  ): Promise<
    Array<HeadRow & { checkpointSeq: string | null; checkpointHash: string | null; checkpointSignature: string | null }>
  > {
    const { rows } = await client.query(`
      SELECT h."chainKey", h."seq"::text AS "seq", h."hash",
             cp."seq"::text AS "checkpointSeq", cp."hash" AS "checkpointHash", cp."signature" AS "checkpointSignature"
      FROM "AuditChainHead" h
      LEFT JOIN LATERAL (
        SELECT c."seq", c."hash", c."signature" FROM "AuditCheckpoint" c WHERE c."chainKey" = h."chainKey" ORDER BY c."seq" DESC, c."id" DESC LIMIT 1
      ) cp ON true
      ORDER BY h."chainKey"`);
    return rows;
  },

  /**
   * Events of a chain after (afterSeq, afterId) in (seq, id) order: keyset on the (chainKey, seq)
   * index, exact even if a tampered table holds duplicate seqs.
   */
  async eventsAfter(
    client: pg.ClientBase,
    chainKey: string,
    afterSeq: string,
    afterId: string,
    limit: number,
  ): Promise<AuditEventRow[]> {
    const { rows } = await client.query<AuditEventRow>(
      `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e
       WHERE e."chainKey" = $1 AND e."seq" >= $2::bigint AND (e."seq" > $2::bigint OR e."id" > $3::bigint)
       ORDER BY e."seq", e."id" LIMIT $4`,
      [chainKey, afterSeq, afterId, limit],
    );
    return rows;
  },

  /** Checkpoints of a chain after (afterSeq, afterId), in (seq, id) order. */
  async checkpointsAfter(
    client: pg.ClientBase,
    chainKey: string,
    afterSeq: string,
    afterId: string,
    limit: number,
  ): Promise<CheckpointRow[]> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT "id"::text AS "id", "chainKey", "seq"::text AS "seq", "hash", "signature" FROM "AuditCheckpoint" c
       WHERE c."chainKey" = $1 AND c."seq" >= $2::bigint AND (c."seq" > $2::bigint OR c."id" > $3::bigint)
       ORDER BY c."seq", c."id" LIMIT $4`,
      [chainKey, afterSeq, afterId, limit],
    );
    return rows;
  },

  /** Where an event with this hash stands in the chain (only read when a chain is broken). */
  async findSeqByHash(client: pg.ClientBase, chainKey: string, hash: string): Promise<{ id: string; seq: string } | null> {
    const { rows } = await client.query<{ id: string; seq: string }>(
      `SELECT "id"::text AS "id", "seq"::text AS "seq" FROM "AuditEvent" e WHERE e."chainKey" = $1 AND e."hash" = $2 ORDER BY e."seq" LIMIT 1`,
      [chainKey, hash],
    );
    return rows[0] ?? null;
  },

  async findBySeq(client: pg.ClientBase, chainKey: string, seq: string): Promise<{ id: string } | null> {
    const { rows } = await client.query<{ id: string }>(
      `SELECT "id"::text AS "id" FROM "AuditEvent" e WHERE e."chainKey" = $1 AND e."seq" = $2::bigint ORDER BY e."id" LIMIT 1`,
      [chainKey, seq],
    );
    return rows[0] ?? null;
  },
};
