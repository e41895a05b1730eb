import type { Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { STREAM_COLUMNS, STREAM_COLUMNS_SQL } from './audit.verify-rows.js';
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

/** A checkpoint row: an Ed25519 signed tree head, or a legacy HMAC checkpoint (no tree). */
export interface CheckpointRow {
  id: string;
  chainKey: string;
  seq: string;
  hash: string;
  signature: string;
  algorithm: 'ed25519' | 'hmac-sha256';
  keyId: string | null;
  rootHash: string | null;
  /** ISO 8601 UTC with milliseconds (what was signed), or null for HMAC checkpoints. */
  signedAt: string | null;
  frontier: string | null;
}

/** A signed tree head about to be stored. */
export interface NewSignedHead {
  chainKey: string;
  seq: string;
  hash: string;
  rootHash: string;
  keyId: string;
  signedAt: string;
  signature: string;
  frontier: string;
}

export interface HeadRow {
  chainKey: string;
  seq: string;
  hash: string;
}

/** Columns of AuditEvent in a stable order (exports and verification): the verifier's COPY columns. */
export const EVENT_COLUMNS = STREAM_COLUMNS;
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

/** The parameters of APPEND_SQL for an event's content and digest. */
const appendParams = (content: EventContent, digest: string): unknown[] => [
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

/** Checkpoint columns for pg reads (ids and seqs as text, signing time as the exact ISO text signed). */
const CHECKPOINT_COLUMNS = `c."id"::text AS "id", c."chainKey", c."seq"::text AS "seq", c."hash", c."signature", c."algorithm", c."keyId",
  c."rootHash", to_char(c."signedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "signedAt", c."frontier"`;

const INSERT_SIGNED_HEAD_SQL = `INSERT INTO "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm", "keyId", "rootHash", "signedAt", "frontier")
  VALUES ($1, $2::bigint, $3, $4, 'ed25519', $5, $6, $7::timestamptz, $8) RETURNING "id"::text AS "id"`;
const signedHeadParams = (h: NewSignedHead) => [
  h.chainKey,
  h.seq,
  h.hash,
  h.signature,
  h.keyId,
  h.rootHash,
  h.signedAt,
  h.frontier,
];

/** The latest signed tree head of a chain (Ed25519 only: legacy HMAC checkpoints carry no tree). */
const LATEST_SIGNED_HEAD_SQL = `SELECT ${CHECKPOINT_COLUMNS} FROM "AuditCheckpoint" c
  WHERE c."chainKey" = $1 AND c."algorithm" = 'ed25519' ORDER BY c."seq" DESC, c."id" DESC LIMIT 1`;

/** Hashes of a chain's events in (afterSeq, toSeq], in seq order, with their links. */
const HASHES_BETWEEN_SQL = `SELECT e."seq"::text AS "seq", e."prevHash", e."hash" FROM "AuditEvent" e
  WHERE e."chainKey" = $1 AND e."seq" > $2::bigint AND e."seq" <= $3::bigint ORDER BY e."seq", e."id"`;

/** The only code that touches audit tables. It can insert and read; nothing else exists here. */
export const auditRepository = {
  /**
   * Runs `work` in the session's own transaction under the all-tenants set, then puts the
   * session's set back: signing a chain's head reads the whole chain, whose events may be of a
   * tenant the actor cannot read (a refusal recorded in that tenant's chain) or of the global
   * chain (ADR 0011). Only the audit trail's head signing uses it; nothing is returned to the
   * actor but the recorded event.
   */
  async unsafeAsTrailKeeper<T>(session: WriteSession, work: () => Promise<T>): Promise<T> {
    const tx = txOf(session);
    const [before] = await tx.$queryRawUnsafe<Array<{ all: string | null }>>(
      `SELECT current_setting('backoffice.all_tenants', true) AS "all", set_config('backoffice.all_tenants', 'on', true)`,
    );
    const result = await work();
    await tx.$queryRawUnsafe(`SELECT set_config('backoffice.all_tenants', $1, true)`, before?.all || 'off');
    return result;
  },

  async appendEvent(session: WriteSession, content: EventContent, digest: string): Promise<RecordedEvent> {
    const rows = await txOf(session).$queryRawUnsafe<Array<{ id: string; seq: string; hash: string }>>(
      APPEND_SQL,
      ...appendParams(content, digest),
    );
    const row = rows[0]!;
    return { id: BigInt(row.id), seq: BigInt(row.seq), hash: row.hash };
  },

  /**
   * Locks a chain's head for the caller's transaction (creating it at genesis) and returns the
   * time of its latest event, or null for an empty chain: what seeded history checks its time
   * against (audit.service.ts, recordHistory), held until the caller's commit.
   */
  async lockHeadLatestOccurredAt(session: WriteSession, chainKey: string): Promise<Date | null> {
    const rows = await txOf(session).$queryRawUnsafe<Array<{ at: Date | null }>>(
      `SELECT (SELECT e."occurredAt" FROM "AuditEvent" e WHERE e."chainKey" = $1 AND e."seq" = l."seq" ORDER BY e."id" DESC LIMIT 1) AS "at"
       FROM backoffice_audit_lock_head($1) l`,
      chainKey,
    );
    return rows[0]?.at ?? null;
  },

  /**
   * Stores a signed tree head in the writer's transaction together with the outbox row that
   * anchors it (one statement: record() holds the chain head's lock until its commit).
   */
  async insertSignedHeadWithOutbox(
    session: WriteSession,
    head: NewSignedHead,
    outbox: { type: string; payload: unknown },
  ): Promise<void> {
    await txOf(session).$executeRawUnsafe(
      `WITH cp AS (${INSERT_SIGNED_HEAD_SQL})
       INSERT INTO "OutboxEvent" ("type", "payload") SELECT $9, $10::jsonb FROM cp`,
      ...signedHeadParams(head),
      outbox.type,
      JSON.stringify(outbox.payload),
    );
  },

  /**
   * What continuing a chain's tree needs, in one round trip: its latest signed head and the
   * hashes of the events after it up to `toSeq` (from the first event when it has none).
   */
  async signedHeadAndHashesSince(
    session: WriteSession,
    chainKey: string,
    toSeq: bigint,
  ): Promise<{ head: CheckpointRow | null; rows: Array<{ seq: string; prevHash: string; hash: string }> }> {
    const found = await txOf(session).$queryRawUnsafe<
      Array<CheckpointRow & { since: Array<{ seq: string; prevHash: string; hash: string }> | null }>
    >(
      `WITH head AS (${LATEST_SIGNED_HEAD_SQL})
       SELECT head.*, (
         SELECT json_agg(json_build_object('seq', e."seq"::text, 'prevHash', e."prevHash", 'hash', e."hash") ORDER BY e."seq", e."id")
         FROM "AuditEvent" e
         WHERE e."chainKey" = $1 AND e."seq" > COALESCE((SELECT h."seq"::bigint FROM head h), 0) AND e."seq" <= $2::bigint
       ) AS "since"
       FROM (SELECT 1) one LEFT JOIN head ON true`,
      chainKey,
      toSeq.toString(),
    );
    const { since, ...head } = found[0]!;
    return { head: head.id ? head : null, rows: since ?? [] };
  },

  /**
   * The outbox row that anchors the heads of a checkpoint job run, in the job's transaction (the
   * OutboxEvent table belongs to the outbox; this is its one writer outside it, like the CTE above).
   */
  async insertHeadsOutboxWith(client: pg.ClientBase, outbox: { type: string; payload: unknown }): Promise<void> {
    await client.query(`INSERT INTO "OutboxEvent" ("type", "payload") VALUES ($1, $2::jsonb)`, [
      outbox.type,
      JSON.stringify(outbox.payload),
    ]);
  },

  async insertSignedHeadWith(client: pg.ClientBase, head: NewSignedHead): Promise<string> {
    const { rows } = await client.query<{ id: string }>(INSERT_SIGNED_HEAD_SQL, signedHeadParams(head));
    return rows[0]!.id;
  },

  async latestSignedHeadWith(client: pg.ClientBase, chainKey: string, atOrBelowSeq?: string): Promise<CheckpointRow | null> {
    const { rows } = await client.query<CheckpointRow>(
      atOrBelowSeq === undefined
        ? LATEST_SIGNED_HEAD_SQL
        : LATEST_SIGNED_HEAD_SQL.replace('ORDER BY', `AND c."seq" <= $2::bigint ORDER BY`),
      atOrBelowSeq === undefined ? [chainKey] : [chainKey, atOrBelowSeq],
    );
    return rows[0] ?? null;
  },

  /** The signed head of a chain at exactly this tree size (the latest one signed, if several). */
  async signedHeadAt(client: pg.ClientBase, chainKey: string, seq: string): Promise<CheckpointRow | null> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM "AuditCheckpoint" c WHERE c."chainKey" = $1 AND c."algorithm" = 'ed25519' AND c."seq" = $2::bigint
       ORDER BY c."id" DESC LIMIT 1`,
      [chainKey, seq],
    );
    return rows[0] ?? null;
  },

  async eventHashesBetween(
    session: WriteSession,
    chainKey: string,
    afterSeq: bigint,
    toSeq: bigint,
  ): Promise<Array<{ seq: string; prevHash: string; hash: string }>> {
    return txOf(session).$queryRawUnsafe(HASHES_BETWEEN_SQL, chainKey, afterSeq.toString(), toSeq.toString());
  },

  /** The leaf data of a chain (event hashes, in seq order) up to a size, in keyset batches. */
  async eventHashesBetweenWith(
    client: pg.ClientBase,
    chainKey: string,
    afterSeq: string,
    toSeq: string,
  ): Promise<Array<{ seq: string; prevHash: string; hash: string }>> {
    const { rows } = await client.query<{ seq: string; prevHash: string; hash: string }>(HASHES_BETWEEN_SQL, [
      chainKey,
      afterSeq,
      toSeq,
    ]);
    return rows;
  },

  /** One event by id (proofs). */
  async findEventById(client: pg.ClientBase, id: string): Promise<AuditEventRow | null> {
    const { rows } = await client.query<AuditEventRow>(
      `SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" e WHERE e."id" = $1::bigint`,
      [id],
    );
    return rows[0] ?? null;
  },

  /**
   * The checkpoints of each chain beyond its start (every one when all start at 0), in (chain,
   * seq, id) order, without their frontiers: what the streaming verifier checks.
   */
  async checkpointsBeyond(
    client: pg.ClientBase,
    starts: ReadonlyArray<{ chainKey: string; seq: number }>,
  ): Promise<CheckpointRow[]> {
    const columns = CHECKPOINT_COLUMNS.replace(', c."frontier"', ', NULL AS "frontier"');
    const { rows } = starts.every((s) => s.seq === 0)
      ? await client.query<CheckpointRow>(`SELECT ${columns} FROM "AuditCheckpoint" c ORDER BY c."chainKey", c."seq", c."id"`)
      : await client.query<CheckpointRow>(
          `SELECT ${columns} FROM unnest($1::text[], $2::bigint[]) AS s(ck, seq)
           JOIN "AuditCheckpoint" c ON c."chainKey" = s.ck AND c."seq" > s.seq
           ORDER BY c."chainKey", c."seq", c."id"`,
          [starts.map((s) => s.chainKey), starts.map((s) => s.seq)],
        );
    return rows;
  },

  async listHeadRows(client: pg.ClientBase): Promise<HeadRow[]> {
    const { rows } = await client.query<HeadRow>(
      `SELECT "chainKey", "seq"::text AS "seq", "hash" FROM "AuditChainHead" ORDER BY "chainKey"`,
    );
    return rows;
  },

  /**
   * The smallest id among the first events to verify of each chain (the event right after its
   * start), or null when there is none: ids grow with seq within a chain, so everything to
   * verify has an id at least this one. 0 when every chain starts from its first event.
   */
  async firstEventIdToVerify(
    client: pg.ClientBase,
    starts: ReadonlyArray<{ chainKey: string; seq: string }>,
  ): Promise<string | null> {
    if (starts.every((s) => s.seq === '1')) return '0';
    const { rows } = await client.query<{ id: string | null }>(
      `SELECT min(e."id")::text AS "id" FROM unnest($1::text[], $2::bigint[]) AS s(ck, seq)
       JOIN "AuditEvent" e ON e."chainKey" = s.ck AND e."seq" = s.seq`,
      [starts.map((s) => s.chainKey), starts.map((s) => s.seq)],
    );
    return rows[0]?.id ?? null;
  },

  /**
   * The events with an id of at least `lowestId`, in id order, as PostgreSQL's binary COPY stream
   * (columns STREAM_COLUMNS of audit.verify-rows.ts): what the streaming verifier decodes.
   */
  copyEventsFrom(client: pg.ClientBase, lowestId: string): AsyncIterable<Buffer> {
    return client.query(
      copyTo(
        `COPY (SELECT ${STREAM_COLUMNS_SQL} FROM "AuditEvent" WHERE "id" >= ${BigInt(lowestId).toString()} ORDER BY "id") TO STDOUT WITH (FORMAT binary)`,
      ),
    );
  },

  /** Where each chain's last incremental verification stopped, with the checkpoint it stopped at. */
  async listCursors(client: pg.ClientBase): Promise<Array<{ chainKey: string; checkpoint: CheckpointRow }>> {
    const { rows } = await client.query<CheckpointRow & { cursorChainKey: string }>(
      `SELECT v."chainKey" AS "cursorChainKey", ${CHECKPOINT_COLUMNS}
       FROM "AuditVerificationCursor" v JOIN "AuditCheckpoint" c ON c."id" = v."checkpointId" ORDER BY v."chainKey"`,
    );
    return rows.map(({ cursorChainKey, ...checkpoint }) => ({ chainKey: cursorChainKey, checkpoint }));
  },

  /** Moves the verification cursors (one statement; never backwards). */
  async saveCursors(
    client: pg.ClientBase,
    cursors: ReadonlyArray<{ chainKey: string; checkpointId: string; seq: string }>,
  ): Promise<void> {
    if (!cursors.length) return;
    await client.query(
      `INSERT INTO "AuditVerificationCursor" ("chainKey", "checkpointId", "seq", "verifiedAt")
       SELECT * , now() FROM unnest($1::text[], $2::bigint[], $3::bigint[])
       ON CONFLICT ("chainKey") DO UPDATE SET "checkpointId" = EXCLUDED."checkpointId", "seq" = EXCLUDED."seq", "verifiedAt" = now()
       WHERE "AuditVerificationCursor"."seq" <= EXCLUDED."seq"`,
      [cursors.map((c) => c.chainKey), cursors.map((c) => c.checkpointId), cursors.map((c) => c.seq)],
    );
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

  /** Every chain head with the size of its latest signed tree head (the job signs heads that moved past it). */
  async listHeads(client: pg.ClientBase): Promise<Array<HeadRow & { signedSeq: string | null }>> {
    const { rows } = await client.query(`
      SELECT h."chainKey", h."seq"::text AS "seq", h."hash",
             (SELECT max(c."seq") FROM "AuditCheckpoint" c WHERE c."chainKey" = h."chainKey" AND c."algorithm" = 'ed25519')::text AS "signedSeq"
      FROM "AuditChainHead" h
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
      `SELECT ${CHECKPOINT_COLUMNS} FROM "AuditCheckpoint" c
       WHERE c."chainKey" = $1 AND c."seq" >= $2::bigint AND (c."seq" > $2::bigint OR c."id" > $3::bigint)
       ORDER BY c."seq", c."id" LIMIT $4`,
      [chainKey, afterSeq, afterId, limit],
    );
    return rows;
  },

  // --- archive of old months (migration 107, audit.archive.ts) --------------------------------

  /** Each archived chain's latest cut: the signed head its archived stretch ends at. */
  async listArchiveBoundaries(client: pg.ClientBase): Promise<Array<{ chainKey: string; checkpoint: CheckpointRow }>> {
    const { rows } = await client.query<CheckpointRow & { archiveChainKey: string }>(
      `SELECT DISTINCT ON (a."chainKey") a."chainKey" AS "archiveChainKey", ${CHECKPOINT_COLUMNS}
         FROM "AuditArchive" a JOIN "AuditCheckpoint" c ON c."id" = a."checkpointId"
        ORDER BY a."chainKey", a."throughSeq" DESC`,
    );
    return rows.map(({ archiveChainKey, ...checkpoint }) => ({ chainKey: archiveChainKey, checkpoint }));
  },

  /** Per chain, the events that occurred before `before` (the partitions an archive would take). */
  async statsBefore(
    client: pg.ClientBase,
    before: Date,
  ): Promise<Array<{ chainKey: string; minSeq: string; maxSeq: string; events: string }>> {
    const { rows } = await client.query<{ chainKey: string; minSeq: string; maxSeq: string; events: string }>(
      `SELECT "chainKey", min("seq")::text AS "minSeq", max("seq")::text AS "maxSeq", count(*)::text AS "events"
         FROM "AuditEvent" WHERE "occurredAt" < $1 GROUP BY 1 ORDER BY 1`,
      [before],
    );
    return rows;
  },

  /** Events of a chain at or below `seq` that occurred at or after `before` (kept by an archive). */
  async countKeptAtOrBelow(client: pg.ClientBase, chainKey: string, seq: string, before: Date): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS "n" FROM "AuditEvent" WHERE "chainKey" = $1 AND "seq" <= $2::bigint AND "occurredAt" >= $3`,
      [chainKey, seq, before],
    );
    return rows[0]!.n;
  },

  /** Whether AuditEvent has the month partition that starts at `before`. */
  async auditMonthExists(client: pg.ClientBase, before: Date): Promise<boolean> {
    const { rows } = await client.query<{ ok: boolean }>(
      `SELECT to_regclass(format('backoffice_partitions.%I', 'AuditEvent_p' || to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY_MM'))) IS NOT NULL
              AND $1::timestamptz = date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "ok"`,
      [before],
    );
    return rows[0]!.ok;
  },

  /** The month partitions of AuditEvent that end at or before `before`, and the "_before" edge. */
  async partitionsBefore(client: pg.ClientBase, before: Date): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname::text AS "name" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '"AuditEvent"'::regclass
          AND (c.relname = 'AuditEvent_before'
               OR (c.relname ~ '^AuditEvent_p[0-9]{4}_[0-9]{2}$'
                   AND to_date(substr(c.relname, 13), 'YYYY_MM') < ($1::timestamptz AT TIME ZONE 'UTC')::date))
        ORDER BY 1`,
      [before],
    );
    return rows.map((r) => r.name);
  },

  /** Records where each chain was cut (owner; the archive's transaction). */
  async insertArchiveRows(
    client: pg.ClientBase,
    rows: ReadonlyArray<{ chainKey: string; fromSeq: string; throughSeq: string; checkpointId: string }>,
    archive: { before: Date; partitions: string[]; file: string; fileSha256: string },
  ): Promise<void> {
    await client.query(
      `INSERT INTO "AuditArchive" ("chainKey", "fromSeq", "throughSeq", "checkpointId", "before", "partitions", "file", "fileSha256")
       SELECT c, f, t, k, $5, $6::text[], $7, $8 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(c, f, t, k)`,
      [
        rows.map((r) => r.chainKey),
        rows.map((r) => r.fromSeq),
        rows.map((r) => r.throughSeq),
        rows.map((r) => r.checkpointId),
        archive.before,
        archive.partitions,
        archive.file,
        archive.fileSha256,
      ],
    );
  },

  /** Detaches and drops the archived partitions (backoffice_drop_audit_partitions_before, migration 107). */
  async dropPartitionsBefore(client: pg.ClientBase, before: Date): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT p AS "name" FROM backoffice_drop_audit_partitions_before($1::timestamptz) AS p`,
      [before],
    );
    return rows.map((r) => r.name);
  },

  /** appendEvent on a pg client's transaction (the archive command, which holds the owner's connection). */
  async appendEventWith(client: pg.ClientBase, content: EventContent, digest: string): Promise<RecordedEvent> {
    const { rows } = await client.query<{ id: string; seq: string; hash: string }>(APPEND_SQL, appendParams(content, digest));
    const row = rows[0]!;
    return { id: BigInt(row.id), seq: BigInt(row.seq), hash: row.hash };
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
