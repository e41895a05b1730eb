import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type pg from 'pg';
import { createPool } from '../../db/pool.js';
import type { ServiceContext } from '../../lib/context.js';
import { forbidden } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { writeAuditBundle } from './audit.bundle.js';
import { GENESIS_START } from './audit.checker.js';
import { contentDigest, hashEvent } from './audit.hash.js';
import { anchorOf, HEADS_SIGNED_EVENT, signHead, type HeadsSignedPayload } from './audit.heads.js';
import { eventLeafHash } from './audit.merkle.js';
import { auditRepository as repo, type CheckpointRow } from './audit.repository.js';
import { actorFields, buildEventContent } from './audit.service.js';
import type { AuditKeySet, SigningKey, VerifierKeys } from './audit.signing.js';
import { contentOfRow, startFromSignedHead } from './audit.verify.js';

/** An archive the trail's state does not allow (nothing was changed). */
export class ArchiveRefused extends Error {}

export interface ArchiveOptions {
  /** The first instant kept: the start of a month (UTC) that has its partition. */
  before: Date;
  /** Where the archive file and its manifest are written (must exist). */
  outDir: string;
  /** Signs the head each archived stretch ends at. */
  signer: SigningKey;
  /** Checks the head a chain's previous archive ended at (trusted keys). */
  keys: VerifierKeys;
  /** The public keys written into the file (it verifies on its own). */
  keySet: AuditKeySet;
  /** Who archives (the audit.archive event's actor). */
  ctx: ServiceContext;
  /** Months that must stay in the database: `before` may not be later than this many months ago. */
  keepMonths: number;
  now?: Date;
  batchSize?: number;
}

export interface ArchiveResult {
  file: string;
  fileSha256: string;
  partitions: string[];
  events: number;
  chains: Array<{ chainKey: string; fromSeq: string; throughSeq: string }>;
}

const monthStart = (at: Date, months = 0) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));

/**
 * Archives the audit events of every "AuditEvent" partition older than `before` (docs/partitioning.md,
 * "Archiving old audit months"): in one REPEATABLE READ transaction of the owner,
 *   1. checks that, per chain, the events before `before` are the stretch right after its previous
 *      archive (or from seq 1) with no gap, and that no event kept has a seq inside it;
 *   2. re-checks every archived event (continuity, link, hash recomputed from its content) while
 *      continuing the chain's Merkle tree from the previous archive's signed head, and signs the
 *      tree head at the stretch's last event (also sent to the anchors through the outbox);
 *   3. writes the stretches as an audit bundle (each chain starts after the previous archive's
 *      head and ends at the new one: `audit:verify --bundle FILE` checks it with no database) and
 *      its manifest, flushed to disk;
 *   4. records the cuts (AuditArchive), the `audit.archive` event (global chain), and detaches and
 *      drops the partitions — the file is complete before anything is removed, and a failure rolls
 *      the whole transaction back and deletes the file.
 * Verification then starts each archived chain at its cut (audit.verify.ts, planChains).
 */
export async function archiveAuditMonths(ownerPool: pg.Pool, options: ArchiveOptions): Promise<ArchiveResult> {
  const { before } = options;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 5_000;
  if (Number.isNaN(before.getTime()) || before.getTime() !== monthStart(before).getTime())
    throw new ArchiveRefused(`--before must be the start of a month (UTC), e.g. 2024-01`);
  const latest = monthStart(now, -options.keepMonths);
  if (before > latest)
    throw new ArchiveRefused(
      `the last ${options.keepMonths} month(s) stay in the database (AUDIT_KEEP_MONTHS): --before may be ${latest.toISOString().slice(0, 7)} at the latest`,
    );
  const month = before.toISOString().slice(0, 7);
  const file = join(options.outDir, `audit-archive-before-${month}.ndjson`);
  const client = await ownerPool.connect();
  let out: WriteStream | null = null;
  /** Whether this run created the file (only then is it removed on failure). */
  let created = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    // One archive at a time; readers of the trail are not blocked.
    await client.query('LOCK TABLE "AuditArchive" IN SHARE ROW EXCLUSIVE MODE');
    if (!(await repo.auditMonthExists(client, before)))
      throw new ArchiveRefused(
        `${month} has no AuditEvent month partition: --before must be the start of one (docs/partitioning.md)`,
      );
    const partitions = await repo.partitionsBefore(client, before);
    const stats = await repo.statsBefore(client, before);
    if (!stats.length) throw new ArchiveRefused(`no audit event occurred before ${month}: nothing to archive`);
    const boundaries = new Map((await repo.listArchiveBoundaries(client)).map((b) => [b.chainKey, b.checkpoint]));
    const segments = new Map<string, { start: CheckpointRow | null; end: CheckpointRow }>();
    const chains: ArchiveResult['chains'] = [];
    const heads = [];
    let events = 0;
    for (const st of stats) {
      const previous = boundaries.get(st.chainKey) ?? null;
      const fromSeq = previous ? BigInt(previous.seq) + 1n : 1n;
      if (BigInt(st.minSeq) !== fromSeq || BigInt(st.events) !== BigInt(st.maxSeq) - BigInt(st.minSeq) + 1n)
        throw new ArchiveRefused(
          `chain ${st.chainKey}: its events before ${month} are not the stretch seq ${fromSeq}..${st.maxSeq} (found seq ${st.minSeq}..${st.maxSeq}, ${st.events} events): verify the trail (audit:verify)`,
        );
      if ((await repo.countKeptAtOrBelow(client, st.chainKey, st.maxSeq, before)) > 0)
        throw new ArchiveRefused(
          `chain ${st.chainKey}: an event at or below seq ${st.maxSeq} occurred on or after ${month} (clocks of two nodes disagreed at the month's turn): archive an earlier month`,
        );
      const start = previous ? startFromSignedHead(previous, options.keys) : GENESIS_START();
      if (!start)
        throw new ArchiveRefused(
          `chain ${st.chainKey}: the signed head of its previous archive (seq ${previous!.seq}) does not verify`,
        );
      const frontier = start.frontier.clone();
      let prevSeq = BigInt(start.seq);
      let prevHash = start.hash.toString('hex');
      let afterId = '9223372036854775807';
      for (;;) {
        const rows = await repo.eventsAfter(client, st.chainKey, prevSeq.toString(), afterId, batchSize);
        for (const row of rows) {
          const seq = BigInt(row.seq);
          if (seq > BigInt(st.maxSeq)) break;
          if (
            seq !== prevSeq + 1n ||
            row.prevHash !== prevHash ||
            hashEvent(contentOfRow(row), row.prevHash, row.seq) !== row.hash
          )
            throw new ArchiveRefused(`chain ${st.chainKey}: the event at seq ${prevSeq + 1n} does not verify: run audit:verify`);
          frontier.append(eventLeafHash(row.hash));
          prevSeq = seq;
          prevHash = row.hash;
          afterId = row.id;
        }
        if (rows.length < batchSize || prevSeq >= BigInt(st.maxSeq)) break;
      }
      if (prevSeq !== BigInt(st.maxSeq)) throw new ArchiveRefused(`chain ${st.chainKey}: the stretch ends at seq ${prevSeq}`);
      const head = signHead(options.signer, { chainKey: st.chainKey, frontier, headHash: prevHash, at: now });
      const id = await repo.insertSignedHeadWith(client, head);
      heads.push(anchorOf(head));
      segments.set(st.chainKey, { start: previous, end: { ...head, id, algorithm: 'ed25519' } });
      chains.push({ chainKey: st.chainKey, fromSeq: fromSeq.toString(), throughSeq: st.maxSeq });
      events += Number(st.events);
    }
    if (heads.length) {
      const payload: HeadsSignedPayload = { source: 'job', heads };
      await repo.insertHeadsOutboxWith(client, { type: HEADS_SIGNED_EVENT, payload });
    }

    // The file first, complete and on disk, before anything is removed. Never over an existing
    // file (an earlier archive is the only copy of its events).
    if (existsSync(file) || existsSync(`${file}.manifest.json`))
      throw new ArchiveRefused(`${file} (or its manifest) already exists: archive into another directory`);
    const hash = createHash('sha256');
    out = createWriteStream(file, { flags: 'wx' });
    const stream = out;
    stream.once('open', () => (created = true));
    await writeAuditBundle(
      client,
      async (text) => {
        hash.update(text);
        if (!stream.write(text)) await once(stream, 'drain');
      },
      {
        keySet: options.keySet,
        chainKeys: [...segments.keys()],
        segments,
        batchSize,
        meta: { archive: { before: before.toISOString(), partitions, chains: chains.length, events } },
      },
    );
    await new Promise<void>((resolve, reject) => stream.close((err) => (err ? reject(err) : resolve())));
    const fileSha256 = hash.digest('hex');
    await writeFile(
      `${file}.manifest.json`,
      `${JSON.stringify({ file: basename(file), sha256: fileSha256, before: before.toISOString(), partitions, events, chains }, null, 2)}\n`,
      { flag: 'wx', flush: true },
    );

    await repo.insertArchiveRows(
      client,
      chains.map((c) => ({ ...c, checkpointId: segments.get(c.chainKey)!.end.id })),
      { before, partitions, file: basename(file), fileSha256 },
    );
    const content = buildEventContent(
      {
        ...actorFields(options.ctx),
        tenantId: null,
        action: 'audit.archive',
        resource: 'AuditEvent',
        recordId: null,
        diff: {
          archive: {
            from: null,
            to: {
              before: before.toISOString(),
              partitions,
              events,
              chains: chains.length,
              file: basename(file),
              sha256: fileSha256,
            },
          },
        },
      },
      new Date(),
    );
    await repo.appendEventWith(client, content, contentDigest(content));
    const dropped = await repo.dropPartitionsBefore(client, before);
    await client.query('COMMIT');
    return { file, fileSha256, partitions: dropped, events, chains };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (out) {
      out.destroy();
      if (created) {
        await rm(file, { force: true });
        await rm(`${file}.manifest.json`, { force: true });
      }
    }
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The archive as a service: operators only (the CLI's system actor), over a connection of the
 * database owner (it detaches and drops partitions), opened for the run and closed after it.
 */
export function createAuditArchiveService(deps: {
  /** The database owner's URL (absent in runtimes built without one: the archive then refuses). */
  ownerUrl: string | undefined;
  keys: VerifierKeys & { signer: SigningKey; keySet: AuditKeySet };
  keepMonths: number;
  logger: Logger | undefined;
}) {
  async function run(ctx: ServiceContext, input: { before: Date; outDir: string; now?: Date }): Promise<ArchiveResult> {
    if (ctx.actor.type !== 'SYSTEM')
      throw forbidden('AUTH.FORBIDDEN', 'audit months are archived by an operator (npx backoffice audit:archive)');
    if (!deps.ownerUrl) throw new ArchiveRefused('the archive needs the database owner connection (DATABASE_OWNER_URL)');
    const owner = createPool({
      connectionString: deps.ownerUrl,
      max: 1,
      ...(deps.logger ? { logger: deps.logger } : {}),
      namedStatements: false,
    });
    try {
      return await archiveAuditMonths(owner, {
        ...input,
        signer: deps.keys.signer,
        keys: deps.keys,
        keySet: deps.keys.keySet,
        ctx,
        keepMonths: deps.keepMonths,
      });
    } finally {
      await owner.end();
    }
  }
  return { run };
}
