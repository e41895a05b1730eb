import type { ActionContext, CurrentAdmin } from 'adminjs';
import type { ServiceContext } from '../../src/lib/context.js';
import { AppError } from '../../src/lib/errors.js';
import type { Services } from '../../src/services.js';
import { requestMetaOf } from '../auth/current-admin.js';

const STAFF_ROLES = new Set(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']);

/** The staff member AdminJS's session carries (set by the admin's login, see admin/index.ts). */
export interface AdminStaff {
  id: string;
  email: string;
  name?: string;
  role: 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER';
  locale: string;
  sessionVersion?: number;
}

/** The signed-in staff member of an action context; refuses (401) when there is none. */
export function requireStaff(currentAdmin: CurrentAdmin | undefined | null): AdminStaff {
  const admin = currentAdmin as Partial<AdminStaff> | undefined | null;
  if (!admin || typeof admin.id !== 'string' || typeof admin.role !== 'string' || !STAFF_ROLES.has(admin.role))
    throw new AppError({ code: 'AUTH.UNAUTHENTICATED', kind: 'UNAUTHENTICATED' });
  return admin as AdminStaff;
}

const cache = new WeakMap<object, Promise<ServiceContext>>();

/**
 * The service context of an AdminJS call, built from the signed-in staff member. Active grants
 * are read for every request (never remembered across requests), so an expired or revoked grant
 * stops working at once; within one request (list + count + references) it is built once.
 */
export function serviceContextFor(
  services: Pick<Services, 'staffAuth'>,
  context: ActionContext | undefined,
): Promise<ServiceContext> {
  if (!context)
    return Promise.reject(new AppError({ code: 'AUTH.UNAUTHENTICATED', kind: 'UNAUTHENTICATED', internal: 'no action context' }));
  let staff: AdminStaff;
  try {
    staff = requireStaff(context.currentAdmin);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const cached = cache.get(context);
  if (cached) return cached;
  // The session guard attaches the request's id, IP and user agent to the admin object.
  const meta = requestMetaOf(context.currentAdmin);
  const built = services.staffAuth.contextFor(
    { id: staff.id, role: staff.role, locale: staff.locale ?? 'en' },
    {
      correlationId: meta.correlationId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      locale: staff.locale,
    },
  );
  cache.set(context, built);
  return built;
}
