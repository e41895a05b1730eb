import { subject } from '@casl/ability';
import { accessibleBy } from '@casl/prisma';
import type { ExportJob } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { scope } from '../shared/guard.js';
import { BUNDLE, RESOURCES, type ExportableResource, type ExportResource } from './export.resources.js';
import { col, prismaWhereToSql, sqlOr, type SqlParams } from '../access/scope-sql.js';

/**
 * Who may export what. One rule set, used when an export starts, again when its job runs (the
 * requester's ability is rebuilt then: a revoked grant or a disabled account stops it), and when
 * its file is downloaded.
 *
 * - SUPERADMIN and ENGINEER: any resource and tenant bundles (ability: create ExportJob, export Tenant).
 * - COMPLIANCE: the audit trail only (ability: create ExportJob where resource = AuditEvent).
 * - SUPPORT: what they can read in the admin, i.e. granted tenants only. ability.ts gives support
 *   no ExportJob rule; the SPEC nevertheless expects support exports limited to granted tenants
 *   ("invisible ... in exports"), so support may export a resource they may `read`, and the rows
 *   come from that read scope. Documented in docs/jobs.md.
 * - a tenant's USER: their own right-of-access bundle (ability: create ExportJob of their own).
 */
export function canStartExport(ctx: ServiceContext, job: { resource: string; tenantId: string | null }): boolean {
  const { ability, actor } = ctx;
  const draft = subject('ExportJob', {
    resource: job.resource,
    tenantId: job.tenantId,
    requestedById: actor.id,
    requestedByType: actor.type,
  } as unknown as ExportJob);
  if (job.resource === 'AuditEvent') return ability.can('create', draft) && ability.can('export', 'AuditEvent');
  const model = job.resource === BUNDLE ? 'Tenant' : (job.resource as ExportableResource);
  if (!(job.resource === BUNDLE || job.resource in RESOURCES)) return false;
  if (ability.can('create', draft)) return ability.can('export', 'Tenant') || ability.can('read', RESOURCES[model].model);
  return actor.type === 'STAFF' && actor.role === 'SUPPORT' && ability.can('read', RESOURCES[model].model);
}

/**
 * `OR` of Prisma `where`s. Prisma's query compiler matches nothing for `{ OR: [{}] }`, so a
 * match-all member (no keys) must make the whole disjunction `{}` explicitly.
 */
export function anyOf(...wheres: Array<Record<string, unknown>>): Record<string, unknown> {
  if (wheres.some((w) => Object.keys(w).length === 0)) return {};
  return { OR: wheres };
}

/** The Prisma `where` of tenants whose rows the actor may export: those they may read or export. */
export function exportableTenantsWhere(ctx: ServiceContext): Record<string, unknown> {
  return anyOf(scope(ctx, 'read', 'Tenant'), scope(ctx, 'export', 'Tenant'));
}

/**
 * The SQL condition (over alias `t`) of the rows of `resource` the actor may export: what the
 * ability lets them read, plus rows of tenants they may export as a whole. Built from the same
 * CASL rules as every admin query, translated to SQL (export.sql.ts) for COPY.
 */
export function exportScopeSql(ctx: ServiceContext, resource: ExportableResource, params: SqlParams): string {
  const def = RESOURCES[resource];
  const read = prismaWhereToSql(accessibleBy(ctx.ability, 'read').ofType(def.model), 't', def.scopeFields, params);
  if (resource === 'AuditEvent') {
    const exportable = prismaWhereToSql(accessibleBy(ctx.ability, 'export').ofType('AuditEvent'), 't', def.scopeFields, params);
    return sqlOr(read, exportable);
  }
  if (read === 'TRUE') return 'TRUE';
  const tenantAlias = resource === 'Tenant' ? 't' : 'x';
  const tenants = prismaWhereToSql(
    accessibleBy(ctx.ability, 'export').ofType('Tenant'),
    tenantAlias,
    RESOURCES.Tenant.scopeFields,
    params,
  );
  if (tenants === 'TRUE' || tenants === 'FALSE' || resource === 'Tenant') {
    const viaTenant = tenants === 'TRUE' ? 'TRUE' : tenants === 'FALSE' ? 'FALSE' : tenants;
    return sqlOr(read, viaTenant);
  }
  return sqlOr(read, `${col('t', def.tenantColumn)} IN (SELECT x."id" FROM "Tenant" x WHERE ${tenants})`);
}

/**
 * May this actor download this finished export? Its requester may, while they could still start
 * it; anybody else needs the ability's `download` on the job and the right to see its resource.
 * (Coverage of the job's tenants by the downloader's current scope is checked by the service.)
 */
export function canDownloadExport(ctx: ServiceContext, job: ExportJob): boolean {
  const { ability, actor } = ctx;
  if (job.requestedByType === actor.type && job.requestedById === actor.id && canStartExport(ctx, job)) return true;
  if (!ability.can('download', subject('ExportJob', job))) return false;
  if (job.resource === 'AuditEvent') return ability.can('export', 'AuditEvent') || ability.can('read', 'AuditEvent');
  const model = job.resource === BUNDLE ? 'Tenant' : (job.resource as ExportableResource);
  const def = RESOURCES[model];
  return !!def && (ability.can('export', 'Tenant') || ability.can('read', def.model));
}

/** The export's resource name, narrowed. */
export const isExportResource = (value: string): value is ExportResource => value === BUNDLE || value in RESOURCES;
