import type { StaffRole, UserRole } from '@prisma/client';

/** Who performs an action. Staff carry the tenants their active grants open to them. */
export type Actor =
  | { type: 'STAFF'; id: string; role: StaffRole; grantedTenantIds: readonly string[] }
  | { type: 'USER'; id: string; role: UserRole; tenantId: string }
  | { type: 'SYSTEM'; id: string; role: 'SYSTEM' };

export const systemActor = (job: string): Actor => ({ type: 'SYSTEM', id: job, role: 'SYSTEM' });
