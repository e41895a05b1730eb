import type { StaffRole, UserRole } from '@prisma/client';

/** Who performs an action. Staff carry the tenants their active grants open to them. */
export type Actor =
  | { type: 'STAFF'; id: string; role: StaffRole; grantedTenantIds: readonly string[] }
  | { type: 'USER'; id: string; role: UserRole; tenantId: string }
  | {
      type: 'SYSTEM';
      id: string;
      role: 'SYSTEM';
      /**
       * The tenants this system work touches (a job's payload tenant, re-validated), or 'all' for
       * work that spans tenants by definition — always named where the context is built.
       */
      tenants: SystemTenants;
    };

/** The tenants of a system context: 'all' (named at the call site: ALL_TENANTS), or a list. */
export type SystemTenants = 'all' | readonly string[];

/** The tenant set of system work that spans tenants by definition (say so at the call site). */
export const ALL_TENANTS = 'all' as const satisfies SystemTenants;

export const systemActor = (job: string, tenants: SystemTenants): Actor => ({
  type: 'SYSTEM',
  id: job,
  role: 'SYSTEM',
  tenants: tenants === 'all' ? 'all' : Object.freeze([...tenants]),
});
