import { subject as caslSubject } from '@casl/ability';
import { accessibleBy } from '@casl/prisma';
import type { Database } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { Action, Subject } from '../access/ability.js';
import type { AuditTrail } from '../audit/audit.service.js';
import { actorFields } from '../../lib/actor-fields.js';
import { denialRepository } from './denial.repository.js';

/**
 * The Prisma `where` of what the actor may do with a model: services put it in every query, so a
 * row outside the ability is never loaded. `accessibleBy` yields an impossible condition when the
 * actor has no rule at all, so the query returns nothing rather than everything.
 */
export function scope(ctx: ServiceContext, action: Action, subject: Exclude<Subject, 'all'>): Record<string, unknown> {
  return withoutEmptyOr(accessibleBy(ctx.ability, action).ofType(subject)) as Record<string, unknown>;
}

/** A condition no row meets, in a form Prisma keeps wherever it is nested. */
const NO_ROW = Object.freeze({ id: { in: [] as string[] } });

/**
 * `scope(ctx, action, subject)` AND `tenantId = tenantId`, said as simply as the ability allows:
 * when every rule of the actor for (action, subject) conditions on `tenantId` alone, or on
 * nothing, the rows of one tenant are all allowed or none are, and the ability decides which for
 * a row that only has that tenant — so the condition is `{ tenantId }` or no row at all. Any
 * other rule keeps the general form. The simple form is what lets PostgreSQL estimate the query
 * (`tenantId IN (grants) AND tenantId = $n` is estimated at a few rows, and a page of a tenant
 * was then read whole and sorted instead of read in index order).
 */
export function scopeWithinTenant(
  ctx: ServiceContext,
  action: Action,
  subject: Exclude<Subject, 'all'>,
  tenantId: string,
): Record<string, unknown> {
  const rules = ctx.ability.rulesFor(action, subject);
  const onTenantOnly = rules.every(
    (rule) => !rule.fields && Object.keys((rule.conditions ?? {}) as object).every((key) => key === 'tenantId'),
  );
  if (!onTenantOnly) return { AND: [scope(ctx, action, subject), { tenantId }] };
  return ctx.ability.can(action, caslSubject(subject, { tenantId }) as never) ? { tenantId } : NO_ROW;
}

/**
 * CASL says "no rule" with `{ OR: [] }`. Prisma's query compiler turns that into `1=0` at the top
 * of a `where`, but silently drops it inside `AND: [...]` (6.19: `AND: [{ OR: [] }, { id }]`
 * becomes `WHERE id = $1`), which is how every service uses `scope`. Each empty OR becomes an
 * explicit impossible condition instead, at any depth.
 */
function withoutEmptyOr(where: unknown): unknown {
  if (Array.isArray(where)) return where.map(withoutEmptyOr);
  if (!where || typeof where !== 'object' || where instanceof Date) return where;
  const entries = Object.entries(where as Record<string, unknown>);
  if (entries.some(([key, value]) => key === 'OR' && Array.isArray(value) && value.length === 0)) return NO_ROW;
  return Object.fromEntries(
    entries.map(([key, value]) => [key, key === 'AND' || key === 'OR' || key === 'NOT' ? withoutEmptyOr(value) : value]),
  );
}

/**
 * The structural backstop of every repository insert: throws unless the ability may `action` a
 * row like `data` (its tenant, its owner). Services check first and audit the refusal; this
 * makes an unchecked insert impossible rather than merely unlikely.
 */
export function requireCreatable(
  ctx: ServiceContext,
  subject: Exclude<Subject, 'all'>,
  data: object,
  action: Action = 'create',
): void {
  if (!ctx.ability.can(action, caslSubject(subject, { ...data }) as never))
    throw new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN', internal: `${action} ${subject} outside the ability` });
}

export interface DenialInfo {
  action: string;
  resource: string;
  recordId?: string | null;
  tenantId?: string | null;
  reason?: string | null;
}

/**
 * Records a refused attempt (outcome DENIED) in its own transaction, since the caller's work is
 * not going to happen, then returns the error to throw. Out-of-scope records answer 404. Without
 * a tenant given, the tenant of the record aimed at is looked up, so the attempt shows in that
 * tenant's trail (a support agent probing an ungranted tenant's ids is seen by its review).
 */
export async function deny(
  deps: { db: Database; audit: AuditTrail },
  ctx: ServiceContext,
  info: DenialInfo,
  error: AppError = notFound(info.resource),
): Promise<AppError> {
  // Through an unscoped repository read (see its JSDoc), across tenants: the record aimed at is
  // by definition outside the actor's tenant set (the one widening of a request's set, ADR 0011).
  const tenantId =
    info.tenantId !== undefined
      ? info.tenantId
      : info.recordId
        ? await deps.db.readAcrossTenants(ctx, 'audit a refusal in the chain of the tenant it aimed at', (session) =>
            denialRepository.unsafeTenantIdOf(session, info.resource, info.recordId!),
          )
        : null;
  await deps.db.write(ctx, async (session) => {
    return deps.audit.record(session, {
      ...actorFields(ctx),
      tenantId,
      action: info.action,
      resource: info.resource,
      recordId: info.recordId ?? null,
      reason: info.reason ?? null,
      outcome: 'DENIED',
    } as never);
  });
  return error;
}

/**
 * Records an attempt the domain refused for a reason other than authority (a conflict: an account
 * that still has ledger entries, a name taken), outcome FAILURE, in its own transaction since the
 * attempt's own rolled back; then returns the error to throw.
 */
export async function recordFailure(
  deps: { db: Database; audit: AuditTrail },
  ctx: ServiceContext,
  info: DenialInfo,
  error: AppError,
): Promise<AppError> {
  await deps.db.write(ctx, (session) =>
    deps.audit.record(session, {
      ...actorFields(ctx),
      tenantId: info.tenantId ?? null,
      action: info.action,
      resource: info.resource,
      recordId: info.recordId ?? null,
      reason: info.reason ?? null,
      outcome: 'FAILURE',
    } as never),
  );
  return error;
}

/** Throws (after auditing the denial) unless the actor's role allows the action at all. */
export async function requireAbility(
  deps: { db: Database; audit: AuditTrail },
  ctx: ServiceContext,
  action: Action,
  subject: Exclude<Subject, 'all'>,
  info: Omit<DenialInfo, 'resource'> & { resource?: string },
): Promise<void> {
  if (ctx.ability.can(action, subject)) return;
  throw await deny(deps, ctx, { resource: subject, ...info }, new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN' }));
}
