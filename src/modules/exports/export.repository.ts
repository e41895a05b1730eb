import type { ExportJob, Prisma, StaffUser, User } from '@prisma/client';
import type pg from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import { writeAuditBundle, type BundleSummary, type BundleWriteOptions } from '../audit/audit.bundle.js';
import { bulkPoolOf, dbOf, poolOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { setLocalTenantSql, type TenantSet } from '../../db/tenant-set.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError } from '../../lib/errors.js';
import { tenantSetOf } from '../access/ability.js';
import { col, prismaWhereToSql, sqlAnd, sqlOr, SqlParams } from '../access/scope-sql.js';
import { QUEUES, type JobSender } from '../jobs/jobs.queues.js';
import { requireCreatable, scope } from '../shared/guard.js';
import { exportableTenantsWhere } from './export.policy.js';
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
import { neutraliseFormulaSql } from '../../lib/csv.js';

/** One SELECT of an export (a resource, or one section of the tenant bundle). */
export interface PlannedSection {
  key?: string | undefined;
  single?: boolean | undefined;
  resource: ExportableResource;
  /** The SELECT, its scope and filters reading bound settings (`current_setting(...)`). */
  readonly select: string;
  readonly count: string;
}

/**
 * What one export reads, for one requester: the sections' SQL with the requester's ability
 * rendered into it, and the values bound to it. Made only by `exportRepository.plan` and run only
 * by an ExportRunConnection.
 */
export interface ExportPlan {
  readonly sections: readonly PlannedSection[];
  readonly params: SqlParams;
  /**
   * The requester's tenant set (tenantSetOf): the snapshot applies it, whoever opened the run's
   * connection, so row-level security bounds the COPY to what the requester may see (ADR 0011).
   */
  readonly tenantSet: TenantSet;
}

/**
 * The dedicated connection one export run streams through: it holds the run's advisory lock (one
 * runner per export; the lock dies with the connection of a killed process) and reads all counts
 * and rows inside one REPEATABLE READ READ ONLY snapshot.
 */
export interface ExportRunConnection {
  /** Opens the snapshot and binds the plan's values (transaction-local settings); returns its identity. */
  beginSnapshot(plan: ExportPlan): Promise<{ txid: string; at: Date }>;
  /** Row counts of every section, in the snapshot. */
  countRows(plan: ExportPlan): Promise<number[]>;
  /** `COPY (section) TO STDOUT` in the export's format: a stream of CSV or one JSON document per line. */
  copy(section: PlannedSection, format: ExportJob['format'], highWaterMark: number): CopyToStreamQuery;
  /** The audit trail as a verifiable bundle (format BUNDLE), written from the same snapshot. */
  auditBundle(write: (text: string) => Promise<void> | void, options: BundleWriteOptions): Promise<BundleSummary>;
  /** Ends the snapshot. */
  commit(): Promise<void>;
  /**
   * Gives the lock back and the connection to the pool. After an error (`broken`: a COPY abandoned
   * midway) the connection is destroyed instead, and its lock with it. Idempotent.
   */
  release(broken?: Error): Promise<void>;
}

export type ExportRequester =
  | { type: 'STAFF'; staff: Pick<StaffUser, 'id' | 'role' | 'locale' | 'status'> }
  | { type: 'USER'; user: Pick<User, 'id' | 'role' | 'tenantId' | 'locale' | 'status'> }
  | { type: 'SYSTEM'; id: string }
  | { type: 'MISSING' };

export interface StaleFile {
  id: string;
  path: string;
}

const runLockKey = (exportJobId: string) => `export:${exportJobId}`;

/** The SQL condition (over alias `t`) of the rows of `resource` the session's actor may export. */
function scopeSql(ctx: ServiceContext, resource: ExportableResource, params: SqlParams): string {
  const def = RESOURCES[resource];
  const read = prismaWhereToSql(scope(ctx, 'read', def.model), 't', def.scopeFields, params);
  if (resource === 'AuditEvent')
    return sqlOr(read, prismaWhereToSql(scope(ctx, 'export', 'AuditEvent'), 't', def.scopeFields, params));
  if (read === 'TRUE') return 'TRUE';
  // Plus the rows of tenants the actor may export as a whole (an engineer's `export Tenant`).
  const tenantAlias = resource === 'Tenant' ? 't' : 'x';
  const tenants = prismaWhereToSql(scope(ctx, 'export', 'Tenant'), tenantAlias, RESOURCES.Tenant.scopeFields, params);
  if (tenants === 'TRUE' || tenants === 'FALSE' || resource === 'Tenant') return sqlOr(read, tenants);
  return sqlOr(read, `${col('t', def.tenantColumn)} IN (SELECT x."id" FROM "Tenant" x WHERE ${tenants})`);
}

/** Whether the actor's export scope of `resource` is unrestricted (every row, every tenant). */
function exportsEverything(ctx: ServiceContext, resource: 'AuditEvent' | 'Tenant'): boolean {
  const probe = new SqlParams();
  return resource === 'AuditEvent'
    ? scopeSql(ctx, 'AuditEvent', probe) === 'TRUE'
    : prismaWhereToSql(exportableTenantsWhere(ctx), 't', RESOURCES.Tenant.scopeFields, probe) === 'TRUE';
}

function copySql(section: PlannedSection, format: ExportJob['format']): string {
  if (format === 'CSV') {
    // Every cell as text through the formula rule (src/lib/csv.ts): the same bytes as COPY's own
    // output for everything else (COPY writes each value with its type's text output too).
    const cells = RESOURCES[section.resource].columns
      .map(([name]) => `${neutraliseFormulaSql(`r."${name}"::text`)} AS "${name}"`)
      .join(', ');
    return `COPY (SELECT ${cells} FROM (${section.select}) r) TO STDOUT WITH (FORMAT csv, HEADER true)`;
  }
  // One JSON document per line. CSV mode with a delimiter and quote that JSON text never
  // contains (row_to_json escapes control characters) copies the text verbatim: text mode
  // would double every backslash.
  return `COPY (SELECT row_to_json(r)::text FROM (${section.select}) r) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;
}

/**
 * `lock` holds the run's advisory lock on the primary; `client` reads the snapshot (the replica's
 * connection when there is a replica, else `lock` itself).
 */
function runConnection(lock: pg.PoolClient, client: pg.PoolClient, exportJobId: string): ExportRunConnection {
  let released = false;
  return {
    async beginSnapshot(plan) {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The requester's tenant set, for this snapshot only (it replaces the run connection's own).
      await client.query(setLocalTenantSql(plan.tenantSet));
      await client.query(`SET LOCAL TimeZone TO 'UTC'`);
      await client.query(`SET LOCAL DateStyle TO 'ISO, YMD'`);
      if (plan.params.values.length)
        await client.query('SELECT set_config(n, v, true) FROM unnest($1::text[], $2::text[]) AS p(n, v)', [
          plan.params.values.map((p) => p.name),
          plan.params.values.map((p) => p.value),
        ]);
      return (await client.query<{ txid: string; at: Date }>('SELECT txid_current_snapshot()::text AS txid, now() AS at'))
        .rows[0]!;
    },
    async countRows(plan) {
      const counts: number[] = [];
      for (const s of plan.sections) counts.push(Number((await client.query<{ n: string }>(s.count)).rows[0]!.n));
      return counts;
    },
    copy: (section, format, highWaterMark) => client.query(copyTo(copySql(section, format), { highWaterMark })),
    auditBundle: (write, options) => writeAuditBundle(client, write, options),
    async commit() {
      await client.query('COMMIT');
    },
    async release(broken) {
      if (released) return;
      released = true;
      if (client !== lock) client.release(broken);
      if (broken && client === lock) return lock.release(broken);
      try {
        await lock.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [runLockKey(exportJobId)]);
        lock.release();
      } catch (err) {
        lock.release(err as Error);
      }
    },
  };
}

/**
 * The only code that touches ExportJob (and the only code that runs an export's SQL). Every method
 * takes the session and applies its ability in its own query; SQL written by hand renders the
 * ability with the one CASL → SQL translator (access/scope-sql.ts). The ones that do not apply it
 * say so in their names.
 */
export const exportRepository = {
  /** One export the session may read, or null. */
  findVisible: (s: ReadSession, id: string) =>
    dbOf(s).exportJob.findFirst({ where: { AND: [scope(s.ctx, 'read', 'ExportJob'), { id }] } }),

  /** The latest exports the session may read, newest first. */
  listVisible: (s: ReadSession, take: number) =>
    dbOf(s).exportJob.findMany({
      where: scope(s.ctx, 'read', 'ExportJob'),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    }),

  /**
   * The session's actor's own export of `tenantId` still queued or running, if any. Takes a
   * transaction-level lock on the actor's export requests first, so two concurrent requests
   * serialise and the second sees the first's export rather than starting another.
   */
  async lockOwnPending(s: WriteSession, tenantId: string): Promise<ExportJob | null> {
    const tx = txOf(s);
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`export-request:${s.ctx.actor.id}`}, 0))::text AS locked`;
    return tx.exportJob.findFirst({
      where: {
        AND: [
          scope(s.ctx, 'read', 'ExportJob'),
          {
            requestedByType: s.ctx.actor.type,
            requestedById: s.ctx.actor.id,
            tenantId,
            status: { in: ['QUEUED', 'RUNNING'] },
          },
        ],
      },
      orderBy: { createdAt: 'desc' },
    });
  },

  /** Records an export; refused unless the session's ability may create exactly this job. */
  create: (s: WriteSession, data: Prisma.ExportJobUncheckedCreateInput) => {
    requireCreatable(s.ctx, 'ExportJob', data);
    return txOf(s).exportJob.create({ data });
  },

  /** Queues the run of an export the session created, in its transaction (the job exists iff the export does). */
  enqueueRun: (s: WriteSession, jobs: JobSender, job: ExportJob) => {
    requireCreatable(s.ctx, 'ExportJob', job);
    return jobs.sendInTx(s, QUEUES.exportRun, { exportJobId: job.id, tenantId: job.tenantId }, { id: job.id });
  },

  /** Whether every one of `tenantIds` is a tenant the session's actor may export. */
  async mayExportTenants(s: ReadSession, tenantIds: readonly string[]): Promise<boolean> {
    if (tenantIds.length === 0) return true;
    const visible = await dbOf(s).tenant.count({
      where: { AND: [exportableTenantsWhere(s.ctx), { id: { in: [...new Set(tenantIds)] } }] },
    });
    return visible === new Set(tenantIds).size;
  },

  /** The tenants an export of `job` by the session's actor covers ('ALL' when unrestricted), for its manifest. */
  async coveredTenants(s: ReadSession, job: Pick<ExportJob, 'resource' | 'tenantId'>): Promise<string[] | 'ALL'> {
    if (job.tenantId) return [job.tenantId];
    if (job.resource === 'AuditEvent') return exportsEverything(s.ctx, 'AuditEvent') ? 'ALL' : [];
    if (exportsEverything(s.ctx, 'Tenant')) return 'ALL';
    const rows = await dbOf(s).tenant.findMany({
      where: exportableTenantsWhere(s.ctx),
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.id);
  },

  /** Whether the session's actor's current scope still covers every tenant a finished export contains. */
  async covers(s: ReadSession, job: ExportJob): Promise<boolean> {
    const listed = (job.manifest as { scope?: { tenantIds?: string[] | 'ALL' } } | null)?.scope?.tenantIds;
    if (listed === 'ALL' || listed === undefined)
      return exportsEverything(s.ctx, job.resource === 'AuditEvent' ? 'AuditEvent' : 'Tenant');
    return exportRepository.mayExportTenants(s, listed);
  },

  /**
   * The SQL of an export of `job` as the session's actor may see it: per section, the actor's
   * ability (read of the model, or export of whole tenants) and the job's filters, as conditions
   * reading bound settings. Fails closed (throws) on an ability condition it cannot translate.
   */
  plan(s: ReadSession, job: Pick<ExportJob, 'resource' | 'tenantId' | 'filters'>): ExportPlan {
    const params = new SqlParams();
    const one = (resource: ExportableResource, filters: ExportFilters, key?: string, single?: boolean): PlannedSection => {
      const def = RESOURCES[resource];
      const where = sqlAnd(scopeSql(s.ctx, resource, params), filtersToSql(def, resource, filters, params));
      return { key, single, resource, select: selectSql(def, where), count: countSql(def, where) };
    };
    if (job.resource === BUNDLE) {
      if (!job.tenantId) throw new AppError({ code: 'EXPORT.BUNDLE_NEEDS_TENANT', kind: 'VALIDATION_ERROR' });
      const tenantId = job.tenantId;
      return {
        params,
        sections: BUNDLE_SECTIONS.map((x) => one(x.resource, { tenantId }, x.key, x.single)),
        tenantSet: tenantSetOf(s.ctx.actor),
      };
    }
    const filters = ExportFilters.parse(job.filters ?? {});
    const resource = job.resource as ExportableResource;
    if (!(resource in RESOURCES)) throw new AppError({ code: 'EXPORT.UNKNOWN_RESOURCE', kind: 'VALIDATION_ERROR' });
    return {
      params,
      sections: [one(resource, job.tenantId ? { ...filters, tenantId: job.tenantId } : filters)],
      tenantSet: tenantSetOf(s.ctx.actor),
    };
  },

  /**
   * A connection of its own for running one export, holding the export's advisory lock; null when
   * another runner holds it. Running exports is the system's work: the session must be allowed to
   * update exports. The rows are read later, through a plan made for the requester's session.
   */
  async openRunConnection(s: ReadSession, exportJobId: string): Promise<ExportRunConnection | null> {
    requireCreatable(s.ctx, 'ExportJob', { id: exportJobId }, 'update');
    const pool = poolOf(s);
    if (!pool) throw new Error('exports stream through the raw pg pool: the database port has none');
    const client = await pool.connect();
    let locked: boolean;
    try {
      locked = (
        await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
          runLockKey(exportJobId),
        ])
      ).rows[0]!.ok;
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    if (!locked) {
      client.release();
      return null;
    }
    // The rows stream from the streaming replica when there is one (the lock stays on the primary,
    // where export maintenance looks for it).
    const bulk = bulkPoolOf(s);
    if (!bulk || bulk === pool) return runConnection(client, client, exportJobId);
    try {
      return runConnection(client, await bulk.connect(), exportJobId);
    } catch {
      // The replica is away: the primary serves the export.
      return runConnection(client, client, exportJobId);
    }
  },

  /** Locks an export the session may update for the rest of the transaction, and returns it. */
  async lockForUpdate(s: WriteSession, id: string): Promise<ExportJob | null> {
    const tx = txOf(s);
    const visible = await tx.exportJob.findFirst({
      where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id }] },
      select: { id: true },
    });
    if (!visible) return null;
    await tx.$queryRaw`SELECT 1 FROM "ExportJob" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.exportJob.findUnique({ where: { id } });
  },

  /** Changes an export the session may update (locked first by the caller); null when it may not. */
  async updateVisible(s: WriteSession, id: string, data: Prisma.ExportJobUpdateManyMutationInput): Promise<ExportJob | null> {
    const tx = txOf(s);
    const { count } = await tx.exportJob.updateMany({ where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id }] }, data });
    return count === 1 ? tx.exportJob.findUnique({ where: { id } }) : null;
  },

  /** Changes an export only while `attempt` still owns it (progress of a run); false otherwise. */
  async updateAttempt(
    s: WriteSession,
    id: string,
    attempt: number,
    data: Prisma.ExportJobUpdateManyMutationInput,
  ): Promise<boolean> {
    const { count } = await txOf(s).exportJob.updateMany({
      where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id, attempts: attempt }] },
      data,
    });
    return count === 1;
  },

  /** Hands a RUNNING export back to the queue after a failed attempt (it will be retried); false otherwise. */
  async requeueRunning(s: WriteSession, id: string, error: string): Promise<boolean> {
    const { count } = await txOf(s).exportJob.updateMany({
      where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id, status: 'RUNNING' }] },
      data: { status: 'QUEUED', error },
    });
    return count === 1;
  },

  /**
   * Ignores the session's ability: who asked for an export, as they are now (status, role,
   * grants come later), so the run can rebuild their context — the context is what this builds.
   */
  async unsafeFindRequester(s: ReadSession, job: Pick<ExportJob, 'requestedByType' | 'requestedById'>): Promise<ExportRequester> {
    const db = dbOf(s);
    switch (job.requestedByType) {
      case 'STAFF': {
        const staff = await db.staffUser.findUnique({
          where: { id: job.requestedById },
          select: { id: true, role: true, locale: true, status: true },
        });
        return staff ? { type: 'STAFF', staff } : { type: 'MISSING' };
      }
      case 'USER': {
        const user = await db.user.findUnique({
          where: { id: job.requestedById },
          select: { id: true, role: true, tenantId: true, locale: true, status: true },
        });
        return user ? { type: 'USER', user } : { type: 'MISSING' };
      }
      case 'SYSTEM':
        return { type: 'SYSTEM', id: job.requestedById };
    }
  },

  /**
   * Erasure: every export of `tenantId` lets go of its file in the erasure's transaction (the path
   * moves to `staleFilePath`), so no row points at a file that is about to be deleted; the files
   * themselves are deleted after commit. Returns the files to delete.
   */
  async detachFilesOfTenant(s: WriteSession, tenantId: string): Promise<StaleFile[]> {
    const tx = txOf(s);
    const where = { AND: [scope(s.ctx, 'update', 'ExportJob'), { tenantId, filePath: { not: null } }] };
    const rows = await tx.exportJob.findMany({ where, select: { id: true, filePath: true }, orderBy: { id: 'asc' } });
    for (const row of rows)
      await tx.exportJob.updateMany({
        where: { AND: [where, { id: row.id }] },
        data: { staleFilePath: row.filePath, filePath: null },
      });
    return rows.map((r) => ({ id: r.id, path: r.filePath! }));
  },

  /** Files exports let go of and that are still to be deleted (the session may update those exports), oldest first. */
  listStaleFiles: async (s: ReadSession, take: number): Promise<StaleFile[]> =>
    (
      await dbOf(s).exportJob.findMany({
        where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { staleFilePath: { not: null } }] },
        select: { id: true, staleFilePath: true },
        orderBy: { createdAt: 'asc' },
        take,
      })
    ).map((r) => ({ id: r.id, path: r.staleFilePath! })),

  /** Forgets a deleted stale file (only if it is still the one recorded). */
  forgetStaleFile: async (s: WriteSession, file: StaleFile): Promise<boolean> =>
    (
      await txOf(s).exportJob.updateMany({
        where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id: file.id, staleFilePath: file.path }] },
        data: { staleFilePath: null },
      })
    ).count === 1,
};
