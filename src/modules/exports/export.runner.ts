import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportJob } from '@prisma/client';
import type { CopyToStreamQuery } from 'pg-copy-streams';
import type { Database, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import { buildStaffContext, buildSystemContext, buildUserContext, type GrantReader } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { actorFields, type AuditTrail } from '../audit/audit.service.js';
import type { AuditKeySet } from '../audit/audit.signing.js';
import { jobContext } from '../jobs/jobs.context.js';
import { canStartExport } from './export.policy.js';
import type { ExportRunConnection, exportRepository } from './export.repository.js';
import { BUNDLE } from './export.resources.js';

export interface ExportRunnerDeps {
  db: Database;
  audit: AuditTrail;
  exports: typeof exportRepository;
  /** Reads a staff requester's grants as they are when the export runs. */
  grants: GrantReader;
  /** Public keys written into audit bundles (format BUNDLE). */
  auditKeySet?: AuditKeySet;
  /** Where export files are written (config.EXPORT_DIR). */
  exportDir: string;
  logger?: Logger | undefined;
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
  /**
   * The tenant the queue job that asked for this run carries: a run whose export belongs to
   * another tenant is refused (EXPORT.TENANT_MISMATCH). Undefined when not run from the queue.
   */
  jobTenantId?: string | null;
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

const EXTENSIONS = { CSV: 'csv', NDJSON: 'ndjson', JSON: 'json', BUNDLE: 'bundle.ndjson' } as const;
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

type MarkFailedDeps = Pick<ExportRunnerDeps, 'db' | 'audit' | 'exports'>;

/** The requester's context as of now: grants re-read, disabled or closed requesters refused. */
async function requesterContext(deps: ExportRunnerDeps, systemCtx: ServiceContext, job: ExportJob): Promise<ServiceContext> {
  const meta = { correlationId: systemCtx.correlationId, userAgent: 'backoffice-worker' };
  const requester = await deps.db.read(systemCtx, (s) => deps.exports.unsafeFindRequester(s, job));
  switch (requester.type) {
    case 'STAFF':
      if (requester.staff.status !== 'ACTIVE') throw new ExportRefused('EXPORT.REQUESTER_DISABLED');
      return buildStaffContext(deps.grants, requester.staff, meta);
    case 'USER':
      if (requester.user.status === 'CLOSED' || requester.user.status === 'DISABLED')
        throw new ExportRefused('EXPORT.REQUESTER_DISABLED');
      return buildUserContext(requester.user, meta);
    case 'SYSTEM':
      return buildSystemContext(requester.id, ALL_TENANTS, meta);
    case 'MISSING':
      throw new ExportRefused('EXPORT.REQUESTER_DISABLED');
  }
}

/** Marks a locked export FAILED for good, audited `export.fail`, in the caller's transaction. */
async function failInSession(deps: MarkFailedDeps, s: WriteSession, job: ExportJob, code: string): Promise<void> {
  await deps.exports.updateVisible(s, job.id, { status: 'FAILED', error: code.slice(0, 500), finishedAt: new Date() });
  await deps.audit.record(s, {
    ...actorFields(s.ctx),
    tenantId: job.tenantId,
    action: 'export.fail',
    resource: 'ExportJob',
    recordId: job.id,
    outcome: 'FAILURE',
    diff: { status: { from: job.status, to: 'FAILED' }, error: { from: null, to: code } },
  });
}

/**
 * Runs one export from start to finish. Idempotent and safe to retry: a finished job is left
 * alone; every attempt starts from scratch into a fresh temporary file, and only the attempt
 * that still owns the job (its attempt number, checked under a row lock) may publish its file,
 * by atomic rename, with its manifest. Rows are streamed from PostgreSQL by COPY inside one
 * REPEATABLE READ snapshot (export.repository.ts): counts, rows and manifest describe the same
 * data, and memory does not depend on the number of rows.
 */
export async function runExport(
  deps: ExportRunnerDeps,
  exportJobId: string,
  options: RunExportOptions = {},
): Promise<RunExportResult> {
  const { db, audit, exports } = deps;
  const systemCtx = jobContext(JOB_NAME, options.correlationId ?? `export-${exportJobId}`);

  // 1. One runner at a time per export: a session advisory lock on the connection that will run
  //    the COPY. It dies with the connection, so a killed worker never leaves it behind.
  let run: ExportRunConnection | null = await db.read(systemCtx, (s) => exports.openRunConnection(s, exportJobId));
  if (!run) return { outcome: 'busy' };

  // 2. Claim the job: a new attempt number fences off any earlier attempt still running. A job
  //    whose queue message names another tenant is refused here, for good.
  type Claim = { job: ExportJob; outcome: 'claimed' | 'finished' | 'mismatch' } | null;
  let claimed: Claim;
  try {
    claimed = await db.write(systemCtx, async (s): Promise<Claim> => {
      const job = await exports.lockForUpdate(s, exportJobId);
      if (!job) return null;
      if (job.status === 'COMPLETED' || job.status === 'FAILED') return { job, outcome: 'finished' };
      if (options.jobTenantId !== undefined && job.tenantId !== options.jobTenantId) {
        await failInSession(deps, s, job, 'EXPORT.TENANT_MISMATCH');
        return { job, outcome: 'mismatch' };
      }
      const updated = await exports.updateVisible(s, job.id, {
        status: 'RUNNING',
        attempts: { increment: 1 },
        startedAt: job.startedAt ?? new Date(),
        rowsDone: 0,
        error: null,
      });
      return { job: updated!, outcome: 'claimed' };
    });
  } catch (err) {
    await run.release();
    throw err;
  }
  if (!claimed || claimed.outcome !== 'claimed') {
    await run.release();
    if (!claimed) return { outcome: 'missing' };
    if (claimed.outcome === 'mismatch') return { outcome: 'refused', code: 'EXPORT.TENANT_MISMATCH' };
    return { outcome: 'already-finished', status: claimed.job.status };
  }
  const job = claimed.job;
  const attempt = job.attempts;
  const log = deps.logger?.child({ exportJobId, attempt, tenantId: job.tenantId ?? undefined });

  let tmpPath: string | undefined;
  try {
    // 3. Re-check who asked, with their ability as of now, and the tenant the job carries.
    //    A tenant gone out of the requester's sight is the more specific refusal: checked first.
    const ctx = await requesterContext(deps, systemCtx, job);
    const { tenants, plan } = await db.read(ctx, async (s) => {
      if (job.tenantId && !(await exports.mayExportTenants(s, [job.tenantId])))
        throw new ExportRefused('EXPORT.TENANT_OUT_OF_SCOPE');
      if (!canStartExport(ctx, job)) throw new ExportRefused('EXPORT.REQUESTER_NOT_ALLOWED');
      if (job.resource === BUNDLE && !job.tenantId) throw new ExportRefused('EXPORT.BUNDLE_NEEDS_TENANT');
      // 4. Plan: one SELECT per section, the requester's scope and the filters as SQL over bound settings.
      return { tenants: await exports.coveredTenants(s, job), plan: exports.plan(s, job) };
    });
    const sections = plan.sections;

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
    if (!run) throw new Error('export connection lost');
    const snapshot = await run.beginSnapshot(plan);
    const mark = phaseTimer();
    const counts = await run.countRows(plan);
    const rowsTotal = counts.reduce((a, b) => a + b, 0);
    await db.write(systemCtx, (s) => exports.updateAttempt(s, job.id, attempt, { rowsTotal: BigInt(rowsTotal) }));

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
        saving = db
          .write(systemCtx, (s) => exports.updateAttempt(s, job.id, attempt, { rowsDone: BigInt(done) }))
          .catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'export progress update failed'))
          .finally(() => (savingBusy = false));
      }
      await options.onProgress?.({ rowsDone: done, rowsTotal });
    };

    const timings: Record<string, number> = { count: mark() };
    const digest = new Digest();
    digest.setMaxListeners(0); // every section pipes into it in turn
    const file = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: BUFFER_BYTES });
    // The file exists before any row is counted or reported: progress in the database never runs
    // ahead of the file (a busy disk can hold the open back), and a file that cannot be made fails
    // the attempt before its COPY starts.
    await once(file, 'open');
    const written = pipeline(digest, file, { signal: options.signal });
    written.catch(() => {}); // observed below; avoid an unhandled rejection while sections run

    const rowsBySection: Record<string, number> = {};
    const copies: Array<{ resource: string; stream: CopyToStreamQuery }> = [];
    const asJson = job.format === 'JSON';
    if (job.format === 'BUNDLE') {
      // The audit trail as a verifiable bundle, from this snapshot (src/modules/audit/audit.bundle.ts).
      if (!deps.auditKeySet) throw new Error('audit bundles need the audit key set');
      const chainKeys = tenants === 'ALL' ? undefined : tenants.map((t) => `tenant:${t}`);
      const summary = await run.auditBundle((text) => write(digest, text), {
        keySet: deps.auditKeySet,
        ...(chainKeys ? { chainKeys } : {}),
        meta: { exportId: job.id },
      });
      rowsBySection.AuditEvent = summary.events;
      await report(summary.events);
    } else if (job.resource === BUNDLE) {
      await write(
        digest,
        `{"export":${JSON.stringify({ id: job.id, tenantId: job.tenantId, generatedAt: snapshot.at.toISOString(), format: 'backoffice-tenant-bundle', version: 1 })}`,
      );
    } else if (asJson) {
      await write(digest, '[');
    }
    for (const section of job.format === 'BUNDLE' ? [] : sections) {
      if (job.resource === BUNDLE) await write(digest, `,${JSON.stringify(section.key)}:${section.single ? '' : '['}`);
      const stream = run.copy(section, job.format, BUFFER_BYTES);
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
    await run.commit();
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

    // 8. Publish, only if this attempt still owns the job. The file is renamed into place before
    //    the row says COMPLETED, so a completed export never points at a missing file.
    const publish = db.write(systemCtx, async (s) => {
      const current = await exports.lockForUpdate(s, job.id);
      if (!current || current.attempts !== attempt || current.status !== 'RUNNING') return false;
      await fsp.rename(tmpPath!, finalPath);
      const manifestTmp = `${tmpPath}.manifest`;
      await fsp.writeFile(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
      await fsp.rename(manifestTmp, manifestPath);
      await exports.updateVisible(s, job.id, {
        status: 'COMPLETED',
        rowsDone: BigInt(rows),
        rowsTotal: BigInt(rows),
        filePath: finalPath,
        sha256,
        manifest: manifest,
        finishedAt: completedAt,
        error: null,
      });
      await audit.record(s, {
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
    const published = await publish.catch(async (err: unknown) => {
      // Rolled back (or its outcome is unknown): take the file back unless the row has it, so
      // no file is left behind that no export owns.
      const row = await db.read(systemCtx, (s) => exports.findVisible(s, job.id)).catch(() => undefined);
      if (row && row.filePath !== finalPath) {
        await fsp.rm(finalPath, { force: true });
        await fsp.rm(manifestPath, { force: true });
      }
      throw err;
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
    // A connection abandoned in the middle of a COPY cannot be reused: destroy it (and its lock).
    await run?.release(err instanceof Error ? err : new Error(String(err)));
    run = null;
    if (tmpPath) await fsp.rm(tmpPath, { force: true }).catch(() => {});
    if (err instanceof ExportRefused) {
      await markFailed(deps, job.id, attempt, err.code, systemCtx);
      log?.warn({ code: err.code }, 'export refused when it ran');
      return { outcome: 'refused', code: err.code };
    }
    throw err;
  } finally {
    await run?.release();
  }
}

/** Marks an export FAILED for good (audited `export.fail`); only the attempt that owns it may (null: any). */
export async function markFailed(
  deps: MarkFailedDeps,
  exportJobId: string,
  attempt: number | null,
  code: string,
  ctx: ServiceContext = jobContext(JOB_NAME),
): Promise<boolean> {
  return deps.db.write(ctx, async (s) => {
    const job = await deps.exports.lockForUpdate(s, exportJobId);
    if (!job || job.status === 'COMPLETED' || job.status === 'FAILED') return false;
    if (attempt !== null && job.attempts !== attempt) return false;
    await failInSession(deps, s, job, code);
    return true;
  });
}

/** After a failed attempt that will be retried: a RUNNING export goes back to QUEUED with the error. */
export async function releaseForRetry(
  deps: Pick<ExportRunnerDeps, 'db' | 'exports'>,
  exportJobId: string,
  code: string,
  ctx: ServiceContext = jobContext(JOB_NAME),
): Promise<boolean> {
  return deps.db.write(ctx, (s) => deps.exports.requeueRunning(s, exportJobId, code));
}
