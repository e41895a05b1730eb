import { z } from 'zod';

export const StaffRoleInput = z.enum(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']);

export const CreateStaffInput = z.object({
  email: z.email().trim().toLowerCase().max(254),
  name: z.string().trim().min(1).max(200).optional(),
  role: StaffRoleInput,
  password: z.string(),
  locale: z.enum(['en', 'es']).default('en'),
  /** For SUPPORT: tenants to grant access to, by id. */
  grantTenantIds: z.array(z.uuid()).default([]),
  grantDays: z.number().int().min(1).max(365).default(30),
  grantReason: z.string().trim().min(3).max(2000).default('Granted when the staff account was created'),
});
export type CreateStaffInput = z.input<typeof CreateStaffInput>;

export const GrantAccessInput = z.object({
  staffUserId: z.uuid(),
  tenantId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
  expiresAt: z.coerce.date(),
});
export type GrantAccessInput = z.input<typeof GrantAccessInput>;

export const RevokeAccessInput = z.object({
  grantId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});
export type RevokeAccessInput = z.input<typeof RevokeAccessInput>;

/** Disabling or re-enabling a staff account, or ending all of its sessions (reason required). */
export const StaffAccountChangeInput = z.object({
  staffUserId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});
export type StaffAccountChangeInput = z.input<typeof StaffAccountChangeInput>;

/**
 * The admin's edit of a staff member. The status changes only through disable / enable, the
 * password and second factor through their own flows, the email not at all here.
 */
export const UpdateStaffInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: StaffRoleInput.optional(),
    locale: z.enum(['en', 'es']).optional(),
  })
  .strict();
export type UpdateStaffInput = z.input<typeof UpdateStaffInput>;
