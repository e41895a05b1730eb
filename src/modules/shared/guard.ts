import { accessibleBy } from '@casl/prisma';
import type { PrismaClient } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { Action, Subject } from '../access/ability.js';
import type { AuditTrail } from '../audit/audit.service.js';
import { actorFields } from '../audit/audit.service.js';

/**
 * The Prisma `where` of what the actor may do with a model: services put it in every query, so a
 * row outside the ability is never loaded. `accessibleBy` yields an impossible condition when the
 * actor has no rule at all, so the query returns nothing rather than everything.
 */
export function scope(ctx: ServiceContext, action: Action, subject: Exclude<Subject, 'all'>): Record<string, unknown> {
  return accessibleBy(ctx.ability, action).ofType(subject);
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
 * not going to happen, then returns the error to throw. Out-of-scope records answer 404.
 */
export async function deny(
  deps: { prisma: PrismaClient; audit: AuditTrail },
  ctx: ServiceContext,
  info: DenialInfo,
  error: AppError = notFound(info.resource),
): Promise<AppError> {
  await deps.prisma.$transaction((tx) =>
    deps.audit.record(tx, {
      ...actorFields(ctx),
      tenantId: info.tenantId ?? null,
      action: info.action,
      resource: info.resource,
      recordId: info.recordId ?? null,
      reason: info.reason ?? null,
      outcome: 'DENIED',
    } as never),
  );
  return error;
}

/** Throws (after auditing the denial) unless the actor's role allows the action at all. */
export async function requireAbility(
  deps: { prisma: PrismaClient; audit: AuditTrail },
  ctx: ServiceContext,
  action: Action,
  subject: Exclude<Subject, 'all'>,
  info: Omit<DenialInfo, 'resource'> & { resource?: string },
): Promise<void> {
  if (ctx.ability.can(action, subject)) return;
  throw await deny(deps, ctx, { resource: subject, ...info }, new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN' }));
}
