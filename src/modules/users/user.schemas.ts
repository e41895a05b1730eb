import { z } from 'zod';

export const UserEmail = z.email().trim().toLowerCase().max(254);
export const UserName = z.string().trim().min(1).max(200);
export const UserPhone = z.string().trim().max(40);
export const UserLocale = z.enum(['en', 'es']);

export const CreateUserInput = z.object({
  tenantId: z.uuid(),
  email: UserEmail,
  name: UserName.optional(),
  phone: UserPhone.optional(),
  password: z.string(),
  role: z.enum(['OWNER', 'MEMBER']).optional(),
  locale: UserLocale.default('en'),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

/**
 * A profile change by staff. The status is not here: it changes only through its transitions
 * (unlock, disable, enable, and the erasure request and its cancellation), each with its rules.
 */
export const UpdateUserProfileInput = z
  .object({
    email: UserEmail.optional(),
    name: UserName.optional(),
    phone: UserPhone.nullish(),
    locale: UserLocale.optional(),
    role: z.enum(['OWNER', 'MEMBER']).optional(),
  })
  .strict();
export type UpdateUserProfileInput = z.input<typeof UpdateUserProfileInput>;

/** A support action on one user's account (unlock, password reset); the reason is optional. */
export const UserAccountActionInput = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(3).max(2000).optional(),
});
export type UserAccountActionInput = z.input<typeof UserAccountActionInput>;

/** Disabling or re-enabling a user's access: a reason is required. */
export const UserStatusChangeInput = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});
export type UserStatusChangeInput = z.input<typeof UserStatusChangeInput>;
