import { randomUUID } from 'node:crypto';
import type { StaffUser, User } from '@prisma/client';
import type { Database } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import type { staffRepository } from '../staff/staff.repository.js';
import { defineAbilityFor } from './ability.js';
import { ALL_TENANTS, systemActor, type Actor, type SystemTenants } from './actor.js';

export interface RequestMeta {
  correlationId?: string;
  locale?: string;
  ip?: string;
  userAgent?: string;
  revealed?: ReadonlySet<string>;
}

/** Reads a staff member's active grants (the tenants their ability opens). */
export type GrantReader = (staffUserId: string) => Promise<readonly string[]>;

/**
 * The one place service contexts are made: actor + ability + request metadata. Staff, users and
 * the system each get theirs here, and nowhere else.
 */
/**
 * Audit fields of a user's request made before anybody is signed in (a login, a password reset),
 * naming the user once known.
 */
export function anonymousUserActor(meta: RequestMeta, user?: Pick<User, 'id' | 'role'> | null) {
  return {
    actorType: 'USER' as const,
    actorId: user?.id ?? null,
    actorRole: user?.role ?? null,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent ?? null,
    correlationId: meta.correlationId ?? null,
  };
}

function contextOf(actor: Actor, meta: RequestMeta, locale: string): ServiceContext {
  return {
    actor,
    ability: defineAbilityFor(actor),
    correlationId: meta.correlationId ?? randomUUID(),
    locale: meta.locale ?? locale,
    ip: meta.ip,
    userAgent: meta.userAgent,
    revealed: meta.revealed,
  };
}

/**
 * A staff member's context, built per request: grants are read now, so an expired or revoked
 * grant stops working on the very next request.
 */
export async function buildStaffContext(
  grants: GrantReader,
  staff: Pick<StaffUser, 'id' | 'role' | 'locale'>,
  meta: RequestMeta = {},
): Promise<ServiceContext> {
  const grantedTenantIds = staff.role === 'SUPPORT' ? await grants(staff.id) : [];
  return contextOf({ type: 'STAFF', id: staff.id, role: staff.role, grantedTenantIds }, meta, staff.locale);
}

/** A tenant user's context (public API): everything scoped to the user's tenant. */
export function buildUserContext(
  user: Pick<User, 'id' | 'role' | 'tenantId' | 'locale'>,
  meta: RequestMeta = {},
): ServiceContext {
  const { revealed: _none, ...rest } = meta;
  return contextOf({ type: 'USER', id: user.id, role: user.role, tenantId: user.tenantId }, rest, user.locale);
}

/**
 * The context of work the system does on its own (a job, a CLI command, the seed): the system
 * actor named after it, so its audit events say who acted. `tenants` is the database's tenant
 * set of its work (row-level security, ADR 0011): the tenants a job's payload names (validated
 * by the job's schema; the database then shows nothing of any other tenant), or ALL_TENANTS for
 * work that spans tenants by definition — said at every call site.
 */
export function buildSystemContext(name: string, tenants: SystemTenants, meta: RequestMeta = {}): ServiceContext {
  return contextOf(systemActor(name, tenants), { userAgent: 'backoffice', ...meta, revealed: undefined }, 'en');
}

/**
 * The context of a request made before anybody is signed in (registration, login, refresh,
 * password reset, email verification). Named exception of row-level security (ADR 0011): these
 * flows resolve one principal by a secret or an email address before any tenant is known, so
 * they run across tenants; each repository method they call finds exactly one row by that key.
 */
export function buildAnonymousContext(meta: RequestMeta = {}): ServiceContext {
  return buildSystemContext('api:anonymous', ALL_TENANTS, meta);
}

/**
 * The same, once the principal is resolved (a login that found its user by email): the rest of
 * the flow — counters, tokens, its audit event — runs in that user's tenant only.
 */
export function buildAnonymousContextOfTenant(tenantId: string, meta: RequestMeta = {}): ServiceContext {
  return buildSystemContext('api:anonymous', [tenantId], meta);
}

/**
 * The grant reader over the database: a system read across tenants (the grants are what the
 * ability and the tenant set are built from).
 */
export function createGrantReader(db: Database, staff: typeof staffRepository): GrantReader {
  const ctx = buildSystemContext('access:grants', ALL_TENANTS, { correlationId: 'access-grants' });
  return (staffUserId) => db.read(ctx, (s) => staff.unsafeActiveGrantTenantIds(s, staffUserId));
}
