import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportJob, Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import type { ServiceContext } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import { buildStaffContext, buildUserContext, createGrantReader } from '../access/context.factory.js';
import { createDatabase } from '../../db/session.js';
import { staffRepository } from '../staff/staff.repository.js';
import { defineAbilityFor } from '../access/ability.js';
import { actorFields, type AuditTrail } from '../audit/audit.service.js';
import { jobContext } from '../jobs/jobs.context.js';
import { canStartExport, exportableTenantsWhere, exportScopeSql } from './export.policy.js';
import {
  BUNDLE,
  BUNDLE_SECTIONS,
  countSql,
  filtersToSql,
  RESOURCES,
  selectSql,
  type ExportableResource,
} from './export.resources.js';
import { ExportFilters } from './export.schemas.js';
import { prismaWhereToSql, sqlAnd, SqlParams } from '../access/scope-sql.js';

export interface ExportRunnerDeps {
  prisma: PrismaClient;
  /** Raw pg pool: COPY streams go through it, never through Prisma. */
  pool: pg.Pool;
  audit: AuditTrail;
  /** Where export files are written (config.EXPORT_DIR). */
  exportDir: string;
  logger?: Logger;
}

export interface ExportProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface RunExportOptions {
  /** Write the file here (and its manifest next to it) instead of EXPORT_DIR: the CLI's --out. */
  outPath?: string;
  /** Rows between two progress reports (database row and callback). */
  progressEvery?: number;
  /** Called at every progress report; awaited, so it also applies backpressure. */
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
  /** Aborts the export (worker shutdown): the temporary file is removed and the job is retried. */
  signal?: AbortSignal;
  correlationId?: string;
}

export type RunExportResult =
  | {
      outcome: 'completed';
      rows: number;
      sha256: string;
      filePath: string;
      manifestPath: string;
      bytes: number;
      /** Milliseconds spent counting, copying (stream, hash, write), syncing and publishing. */
      timings: Record<string, number>;
    }
  | { outcome: 'already-finished'; status: ExportJob['status'] }
  | { outcome: 'refused'; code: string }
  | { outcome: 'superseded' }
  | { outcome: 'busy' }
  | { outcome: 'missing' };

/** A refusal found when the job runs: terminal, never retried. */
class ExportRefused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const EXTENSIONS = { CSV: 'csv', NDJSON: 'ndjson', JSON: 'json' } as const;
const JOB_NAME = 'export-run';
const DEFAULT_PROGRESS_EVERY = 50_000;
/** Stream buffers: large enough that COPY data flows in big chunks, small enough to keep memory flat. */
const BUFFER_BYTES = 1 << 20;

/**
 * Counts the lines a COPY stream yields and reports progress; in JSON mode it also joins the
 * lines into an array (a comma before every line but the first). Works on whole chunks with
 * Buffer.indexOf, so its cost does not depend on the number of rows.
 */
class RowCounter extends Transform {
  rows = 0;
  private atLineStart = true;
  private first = true;
  private nextReport: number;

  private readonly joinAsJsonArray: boolean;
  private readonly reportEvery: number;
  private readonly report: (rowsInThisStream: number) => Promise<void> | void;

  constructor(joinAsJsonArray: boolean, reportEvery: number, report: (rowsInThisStream: number) => Promise<void> | void) {
    super({ highWaterMark: BUFFER_BYTES });
    this.joinAsJsonArray = joinAsJsonArray;
    this.reportEvery = reportEvery;
    this.report = report;
    this.nextReport = reportEvery;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let out: Buffer = chunk;
    if (this.joinAsJsonArray) {
      const parts: Buffer[] = [];
      let start = 0;
      while (start < chunk.length) {
        if (this.atLineStart) {
          if (!this.first) parts.push(COMMA);
          this.first = false;
          this.atLineStart = false;
        }
        const nl = chunk.indexOf(10, start);
        if (nl === -1) {
          parts.push(chunk.subarray(start));
          break;
        }
        parts.push(chunk.subarray(start, nl + 1));
        this.rows++;
        this.atLineStart = true;
        start = nl + 1;
      }
      out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    } else {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
    }
    if (this.rows >= this.nextReport) {
      this.nextReport = this.rows + this.reportEvery;
      const pending = this.report(this.rows);
      if (pending) {
        pending.then(() => done(null, out), done);
        return;
      }
    }
    done(null, out);
  }
}
const COMMA = Buffer.from(',');

/** Passes bytes through to the file, hashing and counting them on the way. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  constructor() {
    super({ highWaterMark: BUFFER_BYTES });
  }
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Milliseconds since the previous call. */
function phaseTimer(): () => number {
  let last = process.hrtime.bigint();
  return () => {
    const now = process.hrtime.bigint();
    const ms = Number(now - last) / 1e6;
    last = now;
    return Math.round(ms);
  };
}

async function write(stream: Transform, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

interface Section {
  key?: string;
  single?: boolean;
  resource: ExportableResource;
  select: string;
  count: string;
}

/** The requester's context as of now: grants re-read, disabled or closed requesters refused. */
async function requesterContext(prisma: PrismaClient, job: ExportJob, correlationId: string): Promise<ServiceContext> {
  const meta = { correlationId, userAgent: 'backoffice-worker' };
  if (job.requestedByType === 'STAFF') {
    const staff = await prisma.staffUser.findUnique({
      where: { id: job.requestedById },
      select: { id: true, role: true, locale: true, status: true },
    });
    if (!staff || staff.status !== 'ACTIVE') throw new ExportRefused('EXPORT.REQUESTER_DISABLED');
    return buildStaffContext(createGrantReader(createDatabase(prisma), staffRepository), staff, meta);
  }
  if (job.requestedByType === 'USER') {
    const user = await prisma.user.findUnique({
      where: { id: job.requestedById },
      select: { id: true, role: true, tenantId: true, locale: true, status: true },
    });
    if (!user || user.status === 'CLOSED' || user.status === 'DISABLED') throw new ExportRefused('EXPORT.REQUESTER_DISABLED');
    return buildUserContext(user, meta);
  }
  const actor = { type: 'SYSTEM' as const, id: job.requestedById, role: 'SYSTEM' as const };
  return { actor, ability: defineAbilityFor(actor), correlationId, locale: 'en', userAgent: 'backoffice-worker' };
}

function planSections(ctx: ServiceContext, job: ExportJob, params: SqlParams): Section[] {
  const filters = ExportFilters.parse(job.filters ?? {});
  const one = (resource: ExportableResource, sectionFilters: ExportFilters, key?: string, single?: boolean): Section => {
    const def = RESOURCES[resource];
    const where = sqlAnd(exportScopeSql(ctx, resource, params), filtersToSql(def, resource, sectionFilters, params));
    return { key, single, resource, select: selectSql(def, where), count: countSql(def, where) };
  };
  if (job.resource === BUNDLE) {
    if (!job.tenantId) throw new ExportRefused('EXPORT.BUNDLE_NEEDS_TENANT');
    return BUNDLE_SECTIONS.map((s) => one(s.resource, { tenantId: job.tenantId! }, s.key, s.single));
  }
  return [one(job.resource as ExportableResource, job.tenantId ? { ...filters, tenantId: job.tenantId } : filters)];
}

function copySql(section: Section, format: ExportJob['format']): string {
  if (format === 'CSV') return `COPY (${section.select}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
  // One JSON document per line. CSV mode with a delimiter and quote that JSON text never
  // contains (row_to_json escapes control characters) copies the text verbatim: text mode
  // would double every backslash.
  return `COPY (SELECT row_to_json(r)::text FROM (${section.select}) r) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;
}

/** The tenants an export covers, for the manifest and for later download checks. */
async function coveredTenants(prisma: PrismaClient, ctx: ServiceContext, job: ExportJob): Promise<string[] | 'ALL'> {
  if (job.tenantId) return [job.tenantId];
  const probe = new SqlParams();
  if (job.resource === 'AuditEvent') {
    return exportScopeSql(ctx, 'AuditEvent', probe) === 'TRUE' ? 'ALL' : [];
  }
  const where = exportableTenantsWhere(ctx);
  if (prismaWhereToSql(where, 't', RESOURCES.Tenant.scopeFields, probe) === 'TRUE') return 'ALL';
  const rows = await prisma.tenant.findMany({ where, select: { id: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.id);
}

/**
 * Runs one export from start to finish. Idempotent and safe to retry: a finished job is left
 * alone; every attempt starts from scratch into a fresh temporary file, and only the attempt
 * that still owns the job (its attempt number, checked under a row lock) may publish its file,
 * by atomic rename, with its manifest. Rows are streamed from PostgreSQL by COPY inside one
 * REPEATABLE READ snapshot: counts, rows and manifest describe the same data, and memory does
 * not depend on the number of rows.
 */
export async function runExport(
  deps: ExportRunnerDeps,
  exportJobId: string,
  options: RunExportOptions = {},
): Promise<RunExportResult> {
  const { prisma, pool, audit } = deps;
  const correlationId = options.correlationId ?? `export-${exportJobId}`;
  const systemCtx = jobContext(JOB_NAME, correlationId);

  // 1. One runner at a time per export: a session advisory lock on the connection that will run
  //    the COPY. It dies with the connection, so a killed worker never leaves it behind.
  const lockKey = `export:${exportJobId}`;
  let client: pg.PoolClient | undefined = await pool.connect();
  let clientBroken = false;
  const unlockAndRelease = async () => {
    if (!client) return;
    const c = client;
    client = undefined;
    try {
      await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
      c.release();
    } catch (err) {
      c.release(err as Error);
    }
  };
  const locked = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockKey]))
    .rows[0]!.ok;
  if (!locked) {
    client.release();
    return { outcome: 'busy' };
  }

  // 2. Claim the job: a new attempt number fences off any earlier attempt still running.
  let claimed: { job: ExportJob; finished: boolean } | null;
  try {
    claimed = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "ExportJob" WHERE "id" = ${exportJobId}::uuid FOR UPDATE`;
      const job = await tx.exportJob.findUnique({ where: { id: exportJobId } });
      if (!job) return null;
      if (job.status === 'COMPLETED' || job.status === 'FAILED') return { job, finished: true };
      const updated = await tx.exportJob.update({
        where: { id: job.id },
        data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: job.startedAt ?? new Date(), rowsDone: 0, error: null },
      });
      return { job: updated, finished: false };
    });
  } catch (err) {
    await unlockAndRelease();
    throw err;
  }
  if (!claimed || claimed.finished) {
    await unlockAndRelease();
    return claimed ? { outcome: 'already-finished', status: claimed.job.status } : { outcome: 'missing' };
  }
  const job = claimed.job;
  const attempt = job.attempts;
  const log = deps.logger?.child({ exportJobId, attempt, tenantId: job.tenantId ?? undefined });

  let tmpPath: string | undefined;
  try {
    // 3. Re-check who asked, with their ability as of now, and the tenant the job carries.
    const ctx = await requesterContext(prisma, job, correlationId);
    if (!canStartExport(ctx, job)) throw new ExportRefused('EXPORT.REQUESTER_NOT_ALLOWED');
    if (job.tenantId) {
      const visible = await prisma.tenant.count({ where: { AND: [exportableTenantsWhere(ctx), { id: job.tenantId }] } });
      if (!visible) throw new ExportRefused('EXPORT.TENANT_OUT_OF_SCOPE');
    }
    const tenants = await coveredTenants(prisma, ctx, job);

    // 4. Plan: one SELECT per section, scope and filters as SQL over bound settings.
    const params = new SqlParams();
    const sections = planSections(ctx, job, params);

    // 5. Destination: a fresh temporary file next to the final one; leftovers of dead attempts go.
    const finalPath = options.outPath ? resolve(options.outPath) : resolve(deps.exportDir, `${job.id}.${EXTENSIONS[job.format]}`);
    const manifestPath = `${finalPath}.manifest.json`;
    const dir = dirname(finalPath);
    await fsp.mkdir(dir, { recursive: true });
    const stalePrefix = `.${basename(finalPath)}.`;
    for (const name of await fsp.readdir(dir)) {
      if (name.startsWith(stalePrefix) && name.endsWith('.part')) await fsp.rm(join(dir, name), { force: true });
    }
    tmpPath = join(dir, `${stalePrefix}${attempt}.${randomBytes(4).toString('hex')}.part`);

    // 6. One read-only snapshot for counts and rows.
    if (!client) throw new Error('export connection lost');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL TimeZone TO 'UTC'`);
    await client.query(`SET LOCAL DateStyle TO 'ISO, YMD'`);
    if (params.values.length)
      await client.query('SELECT set_config(n, v, true) FROM unnest($1::text[], $2::text[]) AS p(n, v)', [
        params.values.map((p) => p.name),
        params.values.map((p) => p.value),
      ]);
    const snapshot = (await client.query<{ txid: string; at: Date }>('SELECT txid_current_snapshot()::text AS txid, now() AS at'))
      .rows[0]!;
    const mark = phaseTimer();
    const counts: number[] = [];
    for (const s of sections) counts.push(Number((await client.query<{ n: string }>(s.count)).rows[0]!.n));
    const rowsTotal = counts.reduce((a, b) => a + b, 0);
    await prisma.exportJob.updateMany({ where: { id: job.id, attempts: attempt }, data: { rowsTotal: BigInt(rowsTotal) } });

    // 7. Stream every section into the file through the digest.
    const every = Math.max(1, options.progressEvery ?? DEFAULT_PROGRESS_EVERY);
    let rowsBefore = 0;
    let saving: Promise<unknown> = Promise.resolve();
    let savingBusy = false;
    const report = async (rowsDone: number) => {
      const done = Math.min(rowsDone, rowsTotal);
      // The database row is updated in the background, one update at a time, never in the way.
      if (!savingBusy) {
        savingBusy = true;
        saving = prisma.exportJob
          .updateMany({ where: { id: job.id, attempts: attempt }, data: { rowsDone: BigInt(done) } })
          .catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'export progress update failed'))
          .finally(() => (savingBusy = false));
      }
      await options.onProgress?.({ rowsDone: done, rowsTotal });
    };

    const timings: Record<string, number> = { count: mark() };
    const digest = new Digest();
    digest.setMaxListeners(0); // every section pipes into it in turn
    const file = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: BUFFER_BYTES });
    const written = pipeline(digest, file, { signal: options.signal });
    written.catch(() => {}); // observed below; avoid an unhandled rejection while sections run

    const rowsBySection: Record<string, number> = {};
    const copies: Array<{ resource: string; stream: CopyToStreamQuery }> = [];
    const asJson = job.format === 'JSON';
    if (job.resource === BUNDLE) {
      await write(
        digest,
        `{"export":${JSON.stringify({ id: job.id, tenantId: job.tenantId, generatedAt: snapshot.at.toISOString(), format: 'backoffice-tenant-bundle', version: 1 })}`,
      );
    } else if (asJson) {
      await write(digest, '[');
    }
    for (const section of sections) {
      if (job.resource === BUNDLE) await write(digest, `,${JSON.stringify(section.key)}:${section.single ? '' : '['}`);
      const stream = client.query(copyTo(copySql(section, job.format), { highWaterMark: BUFFER_BYTES }));
      copies.push({ resource: section.resource, stream });
      const counter = new RowCounter(asJson && !section.single, every, (n) => report(rowsBefore + n));
      await pipeline(stream, counter, digest, { end: false, signal: options.signal });
      rowsBefore += counter.rows;
      rowsBySection[section.key ?? section.resource] = counter.rows;
      if (job.resource === BUNDLE) await write(digest, section.single ? (counter.rows ? '' : 'null') : ']');
    }
    if (job.resource === BUNDLE) await write(digest, '}\n');
    else if (asJson) await write(digest, ']\n');
    digest.end();
    await written;
    timings.copy = mark();
    await client.query('COMMIT');
    // CSV rows may span lines (quoted newlines): COPY's own row count is the truth.
    if (job.format === 'CSV') copies.forEach((c, i) => (rowsBySection[sections[i]!.key ?? c.resource] = c.stream.rowCount));
    const rows = Object.values(rowsBySection).reduce((a, b) => a + b, 0);

    const handle = await fsp.open(tmpPath, 'r+');
    await handle.sync();
    await handle.close();
    timings.fsync = mark();
    await saving;

    const sha256 = digest.hash.digest('hex');
    const completedAt = new Date();
    const manifest = {
      manifestVersion: 1,
      exportId: job.id,
      resource: job.resource,
      format: job.format,
      tenantId: job.tenantId,
      filters: job.filters ?? {},
      reason: job.reason,
      requestedBy: { type: job.requestedByType, id: job.requestedById, role: ctx.actor.role },
      scope: { tenantIds: tenants },
      requestedAt: job.createdAt.toISOString(),
      startedAt: (job.startedAt ?? completedAt).toISOString(),
      completedAt: completedAt.toISOString(),
      attempt,
      snapshot: { isolation: 'REPEATABLE READ', takenAt: snapshot.at.toISOString(), txidSnapshot: snapshot.txid },
      file: { name: basename(finalPath), bytes: digest.bytes, sha256 },
      rows: { total: rows, bySection: rowsBySection },
    };

    // 8. Publish, only if this attempt still owns the job.
    const published = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "ExportJob" WHERE "id" = ${job.id}::uuid FOR UPDATE`;
      const current = await tx.exportJob.findUnique({ where: { id: job.id }, select: { attempts: true, status: true } });
      if (!current || current.attempts !== attempt || current.status !== 'RUNNING') return false;
      await fsp.rename(tmpPath!, finalPath);
      const manifestTmp = `${tmpPath}.manifest`;
      await fsp.writeFile(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
      await fsp.rename(manifestTmp, manifestPath);
      await tx.exportJob.update({
        where: { id: job.id },
        data: {
          status: 'COMPLETED',
          rowsDone: BigInt(rows),
          rowsTotal: BigInt(rows),
          filePath: finalPath,
          sha256,
          manifest: manifest,
          finishedAt: completedAt,
          error: null,
        },
      });
      await audit.record(tx, {
        ...actorFields(systemCtx),
        tenantId: job.tenantId,
        action: 'export.complete',
        resource: 'ExportJob',
        recordId: job.id,
        diff: {
          status: { from: 'RUNNING', to: 'COMPLETED' },
          rows: { from: null, to: rows },
          sha256: { from: null, to: sha256 },
        },
      });
      return true;
    });
    if (!published) {
      await fsp.rm(tmpPath, { force: true });
      log?.warn('export attempt superseded by a later attempt; its file was discarded');
      return { outcome: 'superseded' };
    }
    tmpPath = undefined;
    timings.publish = mark();
    log?.info({ rows, bytes: digest.bytes, timings }, 'export completed');
    return { outcome: 'completed', rows, sha256, filePath: finalPath, manifestPath, bytes: digest.bytes, timings };
  } catch (err) {
    if (client) {
      clientBroken = true;
      // A connection abandoned in the middle of a COPY cannot be reused: destroy it (and its lock).
      client.release(err instanceof Error ? err : new Error(String(err)));
      client = undefined;
    }
    if (tmpPath) await fsp.rm(tmpPath, { force: true }).catch(() => {});
    if (err instanceof ExportRefused) {
      await markFailed(deps, job.id, attempt, err.code, systemCtx);
      log?.warn({ code: err.code }, 'export refused when it ran');
      return { outcome: 'refused', code: err.code };
    }
    throw err;
  } finally {
    if (!clientBroken) await unlockAndRelease();
  }
}

/** Marks an export FAILED for good (audited); only the attempt that owns it may. */
export async function markFailed(
  deps: Pick<ExportRunnerDeps, 'prisma' | 'audit'>,
  exportJobId: string,
  attempt: number | null,
  code: string,
  ctx: ServiceContext = jobContext(JOB_NAME),
): Promise<boolean> {
  return deps.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "ExportJob" WHERE "id" = ${exportJobId}::uuid FOR UPDATE`;
    const job = await tx.exportJob.findUnique({ where: { id: exportJobId } });
    if (!job || job.status === 'COMPLETED' || job.status === 'FAILED') return false;
    if (attempt !== null && job.attempts !== attempt) return false;
    await tx.exportJob.update({
      where: { id: job.id },
      data: { status: 'FAILED', error: code.slice(0, 500), finishedAt: new Date() },
    });
    await audit(deps.audit, tx, ctx, job, code);
    return true;
  });
}

const audit = (trail: AuditTrail, tx: Prisma.TransactionClient, ctx: ServiceContext, job: ExportJob, code: string) =>
  trail.record(tx, {
    ...actorFields(ctx),
    tenantId: job.tenantId,
    action: 'export.fail',
    resource: 'ExportJob',
    recordId: job.id,
    outcome: 'FAILURE',
    diff: { status: { from: job.status, to: 'FAILED' }, error: { from: null, to: code } },
  });
