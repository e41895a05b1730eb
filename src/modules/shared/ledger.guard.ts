import { subject } from '@casl/ability';
import type { ReadSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { forbidden, notFound, validation, type AppError } from '../../lib/errors.js';
import type { CoreDeps } from './deps.js';
import { deny } from './guard.js';
import { Uuid } from './ledger.schemas.js';

/** Models whose rows belong to one tenant and are created in one (see TENANT_OWNED in ability.ts). */
export type TenantOwnedSubject =
  'Account' | 'Transaction' | 'Category' | 'Budget' | 'RecurringRule' | 'Asset' | 'Liability' | 'Loan';

export const isUuid = (value: unknown): value is string => Uuid.safeParse(value).success;

/**
 * The error for a record the actor cannot see. When it exists in a tenant outside the actor's
 * ability the attempt is audited as DENIED (in that tenant's chain); either way the answer is
 * a plain not-found, so other tenants' ids are indistinguishable from unknown ones.
 */
export async function refuseInvisible(
  deps: CoreDeps,
  ctx: ServiceContext,
  info: { action: string; resource: string; recordId: string; reason?: string | null },
  unsafeFindTenantId: (session: ReadSession) => Promise<string | null | undefined>,
): Promise<AppError> {
  // Across tenants: the record is by definition outside the actor's tenant set (ADR 0011).
  const tenantId = isUuid(info.recordId)
    ? await deps.db.readAcrossTenants(ctx, 'find the tenant of a refused record', unsafeFindTenantId)
    : null;
  if (!tenantId) return notFound(info.resource);
  return deny(deps, ctx, { ...info, tenantId });
}

/**
 * The tenant a new record belongs to: a tenant user's own tenant (a `tenantId` in the input is
 * ignored for them), otherwise the given one. Throws (after auditing the denial) unless the
 * actor may create `subject` records in that tenant.
 */
export async function resolveTenantForCreate(
  deps: CoreDeps,
  ctx: ServiceContext,
  subjectName: TenantOwnedSubject,
  tenantIdInput: string | undefined,
  action: string,
): Promise<string> {
  const tenantId = ctx.actor.type === 'USER' ? ctx.actor.tenantId : tenantIdInput;
  if (!tenantId) throw validation([{ field: 'tenantId', code: 'required', message: 'The tenant is required' }]);
  if (!ctx.ability.can('create', subject(subjectName, { tenantId } as never)))
    throw await deny(deps, ctx, { action, resource: subjectName, tenantId }, forbidden());
  return tenantId;
}
