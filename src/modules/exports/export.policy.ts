import { subject } from '@casl/ability';
import type { ExportJob } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { scope } from '../shared/guard.js';
import { BUNDLE, RESOURCES, type ExportableResource, type ExportResource } from './export.resources.js';

/**
 * Who may export what: derived from the ability (src/modules/access/ability.ts) alone, with no
 * role names here. One rule set, used when an export starts, again when its job runs (the
 * requester's ability is rebuilt then: a revoked grant or a disabled account stops it), and when
 * its file is downloaded. As ability.ts grants it today:
 *
 * - SUPERADMIN and ENGINEER: any resource and tenant bundles (create ExportJob, export Tenant);
 * - COMPLIANCE: the audit trail only (create ExportJob where resource = AuditEvent, export AuditEvent);
 * - SUPPORT: what they may read, within granted tenants (create ExportJob of their own, of a
 *   granted tenant or of no tenant — then the rows of their granted tenants — and read the model);
 * - a tenant's USER: their own right-of-access bundle (create ExportJob of their own).
 */
export function canStartExport(ctx: ServiceContext, job: { resource: string; tenantId: string | null }): boolean {
  const { ability, actor } = ctx;
  if (!isExportResource(job.resource)) return false;
  const draft = subject('ExportJob', {
    resource: job.resource,
    tenantId: job.tenantId,
    requestedById: actor.id,
    requestedByType: actor.type,
  } as unknown as ExportJob);
  if (!ability.can('create', draft)) return false;
  return maySeeResource(ctx, job.resource);
}

/**
 * May this actor download this export? The ability's `download` on the job (a support agent's own
 * exports of tenants they still hold a grant on; a user's own), and the right to see its resource.
 * (Coverage of the job's tenants by the downloader's current scope is checked by the service.)
 */
export function canDownloadExport(ctx: ServiceContext, job: ExportJob): boolean {
  if (!isExportResource(job.resource)) return false;
  return ctx.ability.can('download', subject('ExportJob', job)) && maySeeResource(ctx, job.resource);
}

/** The rows of the resource are within the actor's sight: through `read`, or `export` of the whole. */
function maySeeResource(ctx: ServiceContext, resource: ExportResource): boolean {
  const { ability } = ctx;
  if (resource === 'AuditEvent') return ability.can('export', 'AuditEvent');
  const model = resource === BUNDLE ? 'Tenant' : (resource as ExportableResource);
  return ability.can('export', 'Tenant') || ability.can('read', RESOURCES[model].model);
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

/** The export's resource name, narrowed. */
export const isExportResource = (value: string): value is ExportResource => value === BUNDLE || value in RESOURCES;
