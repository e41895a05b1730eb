import type PgBoss from 'pg-boss';
import pg from 'pg';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { prismaWhereToSql, PositionalParams, type FieldTypes } from '../access/scope-sql.js';
import { scope } from '../shared/guard.js';

/** The ExportJob columns a CASL condition of ours may name, for SQL written by hand. */
const EXPORT_FIELDS: FieldTypes = { id: 'uuid', tenantId: 'uuid', requestedById: 'text', resource: 'text' };

/**
 * The persistence of the background jobs: pg-boss's sends inside a caller's transaction, its
 * schema's grants, and the bookkeeping of exports the jobs keep honest (the export itself is the
 * exports module's). Every method on a session applies its ability.
 */
export const jobsRepository = {
  /** Whether pg-boss's schema is installed (before the first worker starts it is not). */
  isQueueInstalled: async (s: WriteSession, schema: string): Promise<boolean> => {
    const [row] = await txOf(s).$queryRaw<Array<{ ok: boolean }>>`SELECT to_regclass(${`${schema}.job`}) IS NOT NULL AS ok`;
    return row?.ok === true;
  },

  /** pg-boss's `db` option over the session's transaction: a job sent through it commits with the caller. */
  sqlExecutor(s: WriteSession): PgBoss.Db {
    const tx = txOf(s);
    return {
      executeSql: async (text: string, values: unknown[] = []) => {
        const params = values.map((v) => {
          if (v === undefined || v === null) return null;
          if (v instanceof Date) return v.toISOString();
          if (typeof v === 'object') return JSON.stringify(v);
          return v;
        });
        const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...params);
        return { rows };
      },
    };
  },

  /**
   * Grants the application role exactly what a worker needs on pg-boss's schema (DML, never
   * DDL), as the database owner. No session: this is schema installation, like a migration,
   * and runs on the owner's connection. Nothing to do when the application owns the database.
   */
  async grantWorkerAccess(ownerUrl: string, appRole: string, schema: string): Promise<void> {
    const client = new pg.Client({ connectionString: ownerUrl, application_name: 'backoffice-job-schema' });
    await client.connect();
    try {
      const { rows } = await client.query<{ app: boolean; owner: string }>(
        'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS app, current_user AS owner',
        [appRole],
      );
      if (!rows[0]!.app || rows[0]!.owner === appRole) return;
      const ident = (name: string) => {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
        return name;
      };
      await client.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(appRole)}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${ident(appRole)}`);
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(schema)} TO ${ident(appRole)}`);
    } finally {
      await client.end();
    }
  },

  /**
   * Exports the session may update that nobody will run: QUEUED, or RUNNING since before
   * `runningBefore`, with no live pg-boss job of `queue` and no runner holding the export's
   * advisory lock (export.runner.ts takes it while it runs). Oldest first, at most 200.
   */
  async findOrphanedExports(
    s: ReadSession,
    runningBefore: Date,
    schema: string,
    queue: string,
  ): Promise<Array<{ id: string; tenantId: string | null; attempts: number }>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unsafe schema ${schema}`);
    const params = new PositionalParams();
    const cutoff = params.add(runningBefore, 'timestamptz');
    const queueRef = params.add(queue, 'text');
    const allowed = prismaWhereToSql(scope(s.ctx, 'update', 'ExportJob'), 'e', EXPORT_FIELDS, params);
    return dbOf(s).$queryRawUnsafe(
      `SELECT e."id"::text AS "id", e."tenantId"::text AS "tenantId", e."attempts" FROM "ExportJob" e
        WHERE (e."status" = 'QUEUED' OR (e."status" = 'RUNNING' AND e."createdAt" < ${cutoff}))
          AND (${allowed})
          AND NOT EXISTS (SELECT 1 FROM ${schema}.job j
                           WHERE j.name = ${queueRef} AND j.data->>'exportJobId' = e."id"::text
                             AND j.state IN ('created', 'retry', 'active'))
          -- Nobody runs it: its lock is free (taken and given back at once; CASE fixes the order).
          AND CASE WHEN pg_try_advisory_lock(hashtextextended('export:' || e."id"::text, 0))
                   THEN pg_advisory_unlock(hashtextextended('export:' || e."id"::text, 0)) ELSE false END
        ORDER BY e."createdAt"
        LIMIT 200`,
      ...params.values,
    );
  },

  /** Finished exports the session may update whose file is older than `finishedBefore` (at most 500). */
  findExpiredExportFiles: (s: ReadSession, finishedBefore: Date) =>
    dbOf(s).exportJob.findMany({
      where: {
        AND: [
          scope(s.ctx, 'update', 'ExportJob'),
          { status: 'COMPLETED', filePath: { not: null }, finishedAt: { lt: finishedBefore } },
        ],
      },
      select: { id: true, tenantId: true, filePath: true },
      take: 500,
    }),

  /** Forgets the file of an export the session may update (the row and its manifest stay). */
  clearExportFile: async (s: WriteSession, id: string): Promise<boolean> =>
    (
      await txOf(s).exportJob.updateMany({
        where: { AND: [scope(s.ctx, 'update', 'ExportJob'), { id, filePath: { not: null } }] },
        data: { filePath: null },
      })
    ).count === 1,
};
