import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ExportJob } from '@prisma/client';
import type { WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, conflict, forbidden, notFound, validation } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import type { JobSender } from '../jobs/jobs.queues.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny } from '../shared/guard.js';
import { deleteStaleFile } from './export.files.js';
import { canDownloadExport, canStartExport } from './export.policy.js';
import type { exportRepository } from './export.repository.js';
import { BUNDLE, RESOURCES } from './export.resources.js';
import { ExportId, StartExportInput, type ParsedStartExportInput } from './export.schemas.js';

export type ExportService = ReturnType<typeof createExportService>;

export interface ExportServiceDeps extends CoreDeps {
  exports: typeof exportRepository;
  jobs: JobSender;
}

/** An export as shown to people (admin, API): counters as numbers, no file path. */
export interface ExportView {
  id: string;
  tenantId: string | null;
  resource: string;
  format: ExportJob['format'];
  status: ExportJob['status'];
  rowsDone: number;
  rowsTotal: number | null;
  sha256: string | null;
  attempts: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const toExportView = (job: ExportJob): ExportView => ({
  id: job.id,
  tenantId: job.tenantId,
  resource: job.resource,
  format: job.format,
  status: job.status,
  rowsDone: Number(job.rowsDone),
  rowsTotal: job.rowsTotal === null ? null : Number(job.rowsTotal),
  sha256: job.sha256,
  attempts: job.attempts,
  error: job.error,
  createdAt: job.createdAt,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
});

export interface ExportDownload {
  stream: Readable;
  filename: string;
  sha256: string;
  bytes: number;
  contentType: string;
}

const CONTENT_TYPES = {
  CSV: 'text/csv; charset=utf-8',
  NDJSON: 'application/x-ndjson',
  JSON: 'application/json',
  BUNDLE: 'application/x-ndjson',
} as const;
const EXTENSIONS = { CSV: 'csv', NDJSON: 'ndjson', JSON: 'json', BUNDLE: 'bundle.ndjson' } as const;
const USER_EXPORT_REASON = 'Right of access: the user asked for their own data';

export function createExportService(deps: ExportServiceDeps) {
  const { db, audit, exports, jobs } = deps;

  function checkShape(input: ParsedStartExportInput): string | null {
    const tenantId = input.tenantId ?? input.filters.tenantId ?? null;
    if (input.tenantId && input.filters.tenantId && input.tenantId !== input.filters.tenantId)
      throw validation([{ field: 'filters.tenantId', code: 'invalid', message: 'Differs from tenantId' }]);
    if (input.resource === BUNDLE) {
      if (input.format !== 'JSON')
        throw validation([{ field: 'format', code: 'invalid', message: 'A tenant bundle is a JSON document' }]);
      if (!tenantId) throw validation([{ field: 'tenantId', code: 'required', message: 'A tenant bundle needs a tenant' }]);
      const extra = Object.keys(input.filters).filter((k) => k !== 'tenantId');
      if (extra.length)
        throw validation(
          extra.map((k) => ({ field: `filters.${k}`, code: 'unknown_field', message: 'A bundle takes no filters' })),
        );
    } else if (input.format === 'BUNDLE') {
      // The audit trail as a verifiable bundle (docs/audit.md, "Bundles"): whole chains only.
      if (input.resource !== 'AuditEvent')
        throw validation([
          { field: 'format', code: 'invalid', message: 'Only the audit trail (AuditEvent) exports as a bundle' },
        ]);
      const extra = Object.keys(input.filters).filter((k) => k !== 'tenantId');
      if (extra.length)
        throw validation(
          extra.map((k) => ({
            field: `filters.${k}`,
            code: 'not_allowed',
            message: 'A bundle holds whole chains: only the tenant filter applies',
          })),
        );
    } else {
      const def = RESOURCES[input.resource];
      const extra = Object.keys(input.filters).filter((k) => !(def.filters as readonly string[]).includes(k));
      if (extra.length)
        throw validation(
          extra.map((k) => ({ field: `filters.${k}`, code: 'unknown_field', message: `Not a filter of ${input.resource}` })),
        );
      if (input.filters.from && input.filters.to && input.filters.from >= input.filters.to)
        throw validation([{ field: 'filters.to', code: 'invalid', message: 'Must be after from' }]);
    }
    return tenantId;
  }

  type NewExport = { tenantId: string | null; resource: string; format: ExportJob['format']; filters: object; reason: string };

  /** Records an export and its audit event (and, unless inline, its queue job) in the session's transaction. */
  async function insert(s: WriteSession, ctx: ServiceContext, data: NewExport, enqueue: boolean) {
    const job = await exports.create(s, {
      tenantId: data.tenantId,
      requestedByType: ctx.actor.type,
      requestedById: ctx.actor.id,
      resource: data.resource,
      format: data.format,
      filters: data.filters,
      reason: data.reason,
      // An inline (CLI) export is being run by its caller right now: never queued.
      status: enqueue ? 'QUEUED' : 'RUNNING',
    });
    await audit.record(s, {
      ...actorFields(ctx),
      tenantId: data.tenantId,
      action: 'export.start',
      resource: 'ExportJob',
      recordId: job.id,
      reason: data.reason,
      diff: {
        resource: { from: null, to: data.resource },
        format: { from: null, to: data.format },
        filters: { from: null, to: data.filters },
      },
    });
    // Same transaction: the job is queued if and only if the export exists.
    if (enqueue) await exports.enqueueRun(s, jobs, job);
    return job;
  }

  /**
   * Starts a background export (reason required, audited `export.start`). Who may export what is
   * the ability's (export.policy.ts): ENGINEER and SUPERADMIN any resource or a tenant bundle,
   * COMPLIANCE the audit trail, SUPPORT what they may read of granted tenants. Refusals are
   * audited DENIED (403, or 404 for a tenant out of scope). `inline` (the CLI) records the export
   * without queueing it: the caller runs it itself.
   */
  async function start(
    ctx: ServiceContext,
    raw: StartExportInput,
    options: { inline?: boolean; write?: WriteOptions } = {},
  ): Promise<ExportJob> {
    const input = StartExportInput.parse(raw);
    const tenantId = checkShape(input);
    if (!canStartExport(ctx, { resource: input.resource, tenantId })) {
      // A tenant the actor may not even see answers not-found, like every other out-of-scope id.
      if (tenantId && !(await db.read(ctx, (s) => exports.mayExportTenants(s, [tenantId]))))
        throw await deny(deps, ctx, { action: 'export.start', resource: 'Tenant', recordId: tenantId, reason: input.reason });
      throw await deny(
        deps,
        ctx,
        { action: 'export.start', resource: 'ExportJob', reason: input.reason },
        forbidden('EXPORT.FORBIDDEN'),
      );
    }
    if (tenantId && !(await db.read(ctx, (s) => exports.mayExportTenants(s, [tenantId]))))
      throw await deny(deps, ctx, { action: 'export.start', resource: 'Tenant', recordId: tenantId, reason: input.reason });
    const filters = tenantId ? { ...input.filters, tenantId } : input.filters;
    return db.write(
      ctx,
      (s) =>
        insert(
          s,
          ctx,
          { tenantId, resource: input.resource, format: input.format, filters, reason: input.reason },
          !options.inline,
        ),
      options.write,
    );
  }

  /**
   * A tenant user's own data (right of access, `POST /api/v1/me/exports`): the tenant bundle as
   * that user's ability sees it (their own profile, not other members'). An export still queued
   * or running is returned instead of starting another. `write` runs it in the caller's unit of
   * work (the idempotency key is claimed and completed in this very transaction).
   */
  async function requestUserExport(ctx: ServiceContext, write: WriteOptions = {}): Promise<ExportJob> {
    const actor = ctx.actor;
    if (actor.type !== 'USER' || !canStartExport(ctx, { resource: BUNDLE, tenantId: actor.tenantId }))
      throw await deny(deps, ctx, { action: 'export.start', resource: 'ExportJob' }, forbidden('EXPORT.FORBIDDEN'));
    const tenantId = actor.tenantId;
    return db.write(
      ctx,
      async (s) =>
        (await exports.lockOwnPending(s, tenantId)) ??
        insert(s, ctx, { tenantId, resource: BUNDLE, format: 'JSON', filters: { tenantId }, reason: USER_EXPORT_REASON }, true),
      write,
    );
  }

  /** One export visible to a staff member (or the CLI), or NOT_FOUND. */
  async function get(ctx: ServiceContext, id: string): Promise<ExportJob> {
    if (!ExportId.safeParse(id).success) throw notFound('export');
    const job = await db.read(ctx, (s) => exports.findVisible(s, id));
    if (!job) throw notFound('export');
    return job;
  }

  /** One of the user's own exports (`GET /api/v1/me/exports/{id}`), or NOT_FOUND. */
  async function getForUser(ctx: ServiceContext, id: string): Promise<ExportJob> {
    if (ctx.actor.type !== 'USER') throw notFound('export');
    return get(ctx, id);
  }

  /** The latest exports the actor may see, newest first (admin dashboards). */
  async function listRecent(ctx: ServiceContext, limit = 20): Promise<ExportJob[]> {
    return db.read(ctx, (s) => exports.listVisible(s, Math.min(Math.max(limit, 1), 100)));
  }

  /**
   * The file of a finished export, for authorised staff or the user who asked for it (audited
   * `export.download`). Out of the actor's sight: 404; visible but not theirs to download: 403;
   * both refusals audited DENIED.
   */
  async function download(ctx: ServiceContext, id: string): Promise<ExportDownload> {
    const valid = ExportId.safeParse(id).success;
    // Across tenants (ADR 0011): the actor's own export stays theirs to be refused (403, audited)
    // after the grant on its tenant ended; the lookup is still bounded by the ability (own
    // exports), and the file is served only while their scope covers every tenant it holds.
    const found = valid
      ? await db.readAcrossTenants(ctx, "the actor's own export, after a grant on its tenant ended", async (s) => {
          const job = await exports.findVisible(s, id);
          if (!job) return null;
          const allowed = canDownloadExport(ctx, job) && (job.status !== 'COMPLETED' || (await exports.covers(s, job)));
          return { job, allowed };
        })
      : null;
    if (!found)
      throw await deny(
        deps,
        ctx,
        { action: 'export.download', resource: 'ExportJob', recordId: valid ? id : null },
        notFound('export'),
      );
    const { job, allowed } = found;
    if (!allowed)
      throw await deny(
        deps,
        ctx,
        { action: 'export.download', resource: 'ExportJob', recordId: job.id, tenantId: job.tenantId },
        forbidden('EXPORT.DOWNLOAD_FORBIDDEN'),
      );
    if (job.status !== 'COMPLETED' || !job.filePath || !job.sha256) throw conflict('EXPORT.NOT_READY');
    const filePath = job.filePath;
    const stat = await fsp.stat(filePath).catch(() => null);
    if (!stat) throw new AppError({ code: 'EXPORT.FILE_EXPIRED', kind: 'NOT_FOUND' });
    await db.write(ctx, (s) =>
      audit.record(s, {
        ...actorFields(ctx),
        tenantId: job.tenantId,
        action: 'export.download',
        resource: 'ExportJob',
        recordId: job.id,
      }),
    );
    return {
      stream: createReadStream(filePath),
      filename: `export-${job.resource}-${job.id}.${EXTENSIONS[job.format]}`,
      sha256: job.sha256,
      bytes: stat.size,
      contentType: CONTENT_TYPES[job.format],
    };
  }

  /**
   * Housekeeping (system): deletes files that exports let go of (an erased tenant's) whose
   * deletion after commit failed or never ran, and forgets them. Idempotent; returns how many
   * were deleted and how many failed again (retried on the next run).
   */
  async function removeStaleFiles(ctx: ServiceContext, limit = 500): Promise<{ deleted: number; failed: number }> {
    const files = await db.read(ctx, (s) => exports.listStaleFiles(s, limit));
    let deleted = 0;
    for (const file of files) if (await deleteStaleFile(deps, ctx, file)) deleted++;
    return { deleted, failed: files.length - deleted };
  }

  return { start, requestUserExport, get, getForUser, listRecent, download, removeStaleFiles };
}
