import type { CurrentAdmin } from 'adminjs';
import type { RequestMeta } from '../../src/modules/access/context.factory.js';
import type { StaffSessionUser } from '../../src/modules/staff-auth/staff-auth.schemas.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in staff member; AdminJS reads it as `currentAdmin`. */
    adminUser?: StaffSessionUser;
    /** Epoch ms of the login (absolute timeout). */
    loginAt?: number;
    /** Epoch ms of the last request (idle timeout, checked on the server as well as by TTL). */
    lastSeenAt?: number;
    /** Password verified, TOTP code pending (no access to anything until it is given). */
    pendingSecondFactor?: { staffUserId: string; at: number };
    /** Where to go after logging in (the page that asked for a login). */
    redirectTo?: string;
  }
}

/** AdminJS's `currentAdmin` as this admin fills it. */
export type AdminUser = CurrentAdmin & StaffSessionUser;

const META = Symbol.for('backoffice.admin.requestMeta');

/**
 * Attaches this request's correlation id, IP and user agent to the session's admin object, as a
 * non-enumerable property: AdminJS hands the same object to actions as `context.currentAdmin`,
 * and a non-enumerable property is never serialised into the session store.
 */
export function attachRequestMeta(admin: StaffSessionUser, meta: RequestMeta): void {
  Object.defineProperty(admin, META, { value: meta, enumerable: false, configurable: true, writable: true });
}

/** The request facts attached by the session guard (empty outside a request). */
export function requestMetaOf(admin: unknown): RequestMeta {
  return (admin as Record<symbol, RequestMeta> | undefined)?.[META] ?? {};
}

/** Narrows AdminJS's `currentAdmin` to a signed-in staff member, or undefined. */
export function staffFromCurrentAdmin(currentAdmin: CurrentAdmin | undefined): StaffSessionUser | undefined {
  const admin = currentAdmin as Partial<StaffSessionUser> | undefined;
  if (!admin?.id || !admin.role || typeof admin.sessionVersion !== 'number') return undefined;
  return admin as StaffSessionUser;
}
