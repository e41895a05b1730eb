import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ExportJob, Prisma } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, conflict, forbidden, notFound, validation } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import { QUEUES, type JobSender } from '../jobs/jobs.queues.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, scope } from '../shared/guard.js';
import { anyOf, canDownloadExport, canStartExport, exportableTenantsWhere, exportScopeSql } from './export.policy.js';
import { BUNDLE, RESOURCES } from './export.resources.js';
import { ExportId, StartExportInput, type ParsedStartExportInput } from './export.schemas.js';
import { prismaWhereToSql, SqlParams } from '../access/scope-sql.js';

export type ExportService = ReturnType<typeof createExportService>;

export interface ExportServiceDeps extends CoreDeps {
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

const CONTENT_TYPES = { CSV: 'text/csv; charset=utf-8', NDJSON: 'application/x-ndjson', JSON: 'application/json' } as const;
const EXTENSIONS = { CSV: 'csv', NDJSON: 'ndjson', JSON: 'json' } as const;
const USER_EXPORT_REASON = 'Right of access: the user asked for their own data';

export function createExportService(deps: ExportServiceDeps) {
  const { prisma, audit, jobs } = deps;

  /** Exports visible to the actor: those their ability may read, and those they asked for. */
  const visibleWhere = (ctx: ServiceContext): Prisma.ExportJobWhereInput =>
    anyOf(scope(ctx, 'read', 'ExportJob'), { requestedByType: ctx.actor.type, requestedById: ctx.actor.id });

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

  async function insert(
    ctx: ServiceContext,
    data: { tenantId: string | null; resource: string; format: ExportJob['format']; filters: object; reason: string },
    enqueue: boolean,
  ): Promise<ExportJob> {
    return prisma.$transaction(async (tx) => {
      const job = await tx.exportJob.create({
        data: {
          tenantId: data.tenantId,
          requestedByType: ctx.actor.type,
          requestedById: ctx.actor.id,
          resource: data.resource,
          format: data.format,
          filters: data.filters,
          reason: data.reason,
          // An inline (CLI) export is being run by its caller right now: never queued.
          status: enqueue ? 'QUEUED' : 'RUNNING',
        },
      });
      await audit.record(tx, {
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
      if (enqueue) await jobs.sendInTx(tx, QUEUES.exportRun, { exportJobId: job.id, tenantId: data.tenantId }, { id: job.id });
      return job;
    });
  }

  /**
   * Starts a background export (reason required, audited `export.start`). ENGINEER and
   * SUPERADMIN: any resource or a tenant bundle; COMPLIANCE: AuditEvent only; SUPPORT: resources
   * of granted tenants. Refusals are audited DENIED (403, or 404 for a tenant out of scope).
   * `inline` (the CLI) records the export without queueing it: the caller runs it itself.
   */
  async function start(ctx: ServiceContext, raw: StartExportInput, options: { inline?: boolean } = {}): Promise<ExportJob> {
    const input = StartExportInput.parse(raw);
    const tenantId = checkShape(input);
    if (!canStartExport(ctx, { resource: input.resource, tenantId }))
      throw await deny(
        deps,
        ctx,
        { action: 'export.start', resource: 'ExportJob', reason: input.reason },
        forbidden('EXPORT.FORBIDDEN'),
      );
    if (tenantId) {
      const visible = await prisma.tenant.count({ where: { AND: [exportableTenantsWhere(ctx), { id: tenantId }] } });
      if (!visible)
        throw await deny(deps, ctx, { action: 'export.start', resource: 'Tenant', recordId: tenantId, reason: input.reason });
    }
    const filters = tenantId ? { ...input.filters, tenantId } : input.filters;
    return insert(
      ctx,
      { tenantId, resource: input.resource, format: input.format, filters, reason: input.reason },
      !options.inline,
    );
  }

  /**
   * A tenant user's own data (right of access, `POST /api/v1/me/exports`): the tenant bundle as
   * that user's ability sees it (their own profile, not other members'). An export still queued
   * or running is returned instead of starting another.
   */
  async function requestUserExport(ctx: ServiceContext): Promise<ExportJob> {
    const actor = ctx.actor;
    if (actor.type !== 'USER' || !canStartExport(ctx, { resource: BUNDLE, tenantId: actor.tenantId }))
      throw await deny(deps, ctx, { action: 'export.start', resource: 'ExportJob' }, forbidden('EXPORT.FORBIDDEN'));
    const running = await prisma.exportJob.findFirst({
      where: {
        requestedByType: 'USER',
        requestedById: actor.id,
        tenantId: actor.tenantId,
        status: { in: ['QUEUED', 'RUNNING'] },
      },
      orderBy: { createdAt: 'desc' },
    });
    if (running) return running;
    return insert(
      ctx,
      {
        tenantId: actor.tenantId,
        resource: BUNDLE,
        format: 'JSON',
        filters: { tenantId: actor.tenantId },
        reason: USER_EXPORT_REASON,
      },
      true,
    );
  }

  /** One export visible to a staff member (or the CLI), or NOT_FOUND. */
  async function get(ctx: ServiceContext, id: string): Promise<ExportJob> {
    if (!ExportId.safeParse(id).success) throw notFound('export');
    const job = await prisma.exportJob.findFirst({ where: { AND: [{ id }, visibleWhere(ctx)] } });
    if (!job) throw notFound('export');
    return job;
  }

  /** One of the user's own exports (`GET /api/v1/me/exports/{id}`), or NOT_FOUND. */
  async function getForUser(ctx: ServiceContext, id: string): Promise<ExportJob> {
    if (ctx.actor.type !== 'USER' || !ExportId.safeParse(id).success) throw notFound('export');
    const job = await prisma.exportJob.findFirst({ where: { AND: [{ id }, scope(ctx, 'read', 'ExportJob')] } });
    if (!job) throw notFound('export');
    return job;
  }

  /** The latest exports the actor may see, newest first (admin dashboards). */
  async function listRecent(ctx: ServiceContext, limit = 20): Promise<ExportJob[]> {
    return prisma.exportJob.findMany({
      where: visibleWhere(ctx),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.min(Math.max(limit, 1), 100),
    });
  }

  /** Does the actor's current scope still cover every tenant the export contains? */
  async function covers(ctx: ServiceContext, job: ExportJob): Promise<boolean> {
    const listed = (job.manifest as { scope?: { tenantIds?: string[] | 'ALL' } } | null)?.scope?.tenantIds;
    const probe = new SqlParams();
    if (listed === 'ALL' || listed === undefined) {
      if (job.resource === 'AuditEvent') return exportScopeSql(ctx, 'AuditEvent', probe) === 'TRUE';
      return prismaWhereToSql(exportableTenantsWhere(ctx), 't', RESOURCES.Tenant.scopeFields, probe) === 'TRUE';
    }
    if (listed.length === 0) return true;
    const visible = await prisma.tenant.count({ where: { AND: [exportableTenantsWhere(ctx), { id: { in: listed } }] } });
    return visible === listed.length;
  }

  /**
   * The file of a finished export, for authorised staff or the user who asked for it (audited
   * `export.download`). Out of the actor's sight: 404; visible but not theirs to download: 403;
   * both refusals audited DENIED.
   */
  async function download(ctx: ServiceContext, id: string): Promise<ExportDownload> {
    const valid = ExportId.safeParse(id).success;
    const job = valid ? await prisma.exportJob.findFirst({ where: { AND: [{ id }, visibleWhere(ctx)] } }) : null;
    if (!job)
      throw await deny(
        deps,
        ctx,
        { action: 'export.download', resource: 'ExportJob', recordId: valid ? id : null },
        notFound('export'),
      );
    if (!canDownloadExport(ctx, job) || (job.status === 'COMPLETED' && !(await covers(ctx, job))))
      throw await deny(
        deps,
        ctx,
        { action: 'export.download', resource: 'ExportJob', recordId: job.id, tenantId: job.tenantId },
        forbidden('EXPORT.DOWNLOAD_FORBIDDEN'),
      );
    if (job.status !== 'COMPLETED' || !job.filePath || !job.sha256) throw conflict('EXPORT.NOT_READY');
    const stat = await fsp.stat(job.filePath).catch(() => null);
    if (!stat) throw new AppError({ code: 'EXPORT.FILE_EXPIRED', kind: 'NOT_FOUND' });
    await prisma.$transaction((tx) =>
      audit.record(tx, {
        ...actorFields(ctx),
        tenantId: job.tenantId,
        action: 'export.download',
        resource: 'ExportJob',
        recordId: job.id,
      }),
    );
    return {
      stream: createReadStream(job.filePath),
      filename: `export-${job.resource}-${job.id}.${EXTENSIONS[job.format]}`,
      sha256: job.sha256,
      bytes: stat.size,
      contentType: CONTENT_TYPES[job.format],
    };
  }

  return { start, requestUserExport, get, getForUser, listRecent, download };
}
