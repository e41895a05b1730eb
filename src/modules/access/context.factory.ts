import { randomUUID } from 'node:crypto';
import type { PrismaClient, StaffUser, User } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { activeGrantTenantIds } from '../staff/staff.service.js';
import { defineAbilityFor } from './ability.js';
import type { Actor } from './actor.js';

export interface RequestMeta {
  correlationId?: string;
  locale?: string;
  ip?: string;
  userAgent?: string;
  revealed?: ReadonlySet<string>;
}

/**
 * A staff member's context, built per request: grants are read now, so an expired or revoked
 * grant stops working on the very next request.
 */
export async function buildStaffContext(
  prisma: Pick<PrismaClient, 'tenantAccessGrant'>,
  staff: Pick<StaffUser, 'id' | 'role' | 'locale'>,
  meta: RequestMeta = {},
): Promise<ServiceContext> {
  const grantedTenantIds = staff.role === 'SUPPORT' ? await activeGrantTenantIds(prisma, staff.id) : [];
  const actor: Actor = { type: 'STAFF', id: staff.id, role: staff.role, grantedTenantIds };
  return {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: meta.correlationId ?? randomUUID(),
    locale: meta.locale ?? staff.locale,
    ip: meta.ip,
    userAgent: meta.userAgent,
    revealed: meta.revealed,
  };
}

/** A tenant user's context (public API): everything scoped to the user's tenant. */
export function buildUserContext(
  user: Pick<User, 'id' | 'role' | 'tenantId' | 'locale'>,
  meta: RequestMeta = {},
): ServiceContext {
  const actor: Actor = { type: 'USER', id: user.id, role: user.role, tenantId: user.tenantId };
  return {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: meta.correlationId ?? randomUUID(),
    locale: meta.locale ?? user.locale,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}
