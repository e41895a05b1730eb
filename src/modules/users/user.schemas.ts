import { z } from 'zod';

export const CreateUserInput = z.object({
  tenantId: z.uuid(),
  email: z.email().trim().toLowerCase().max(254),
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().max(40).optional(),
  password: z.string(),
  role: z.enum(['OWNER', 'MEMBER']).optional(),
  locale: z.enum(['en', 'es']).default('en'),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

/** A support action on one user's account (unlock, password reset); the reason is optional. */
export const UserAccountActionInput = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(3).max(2000).optional(),
});
export type UserAccountActionInput = z.input<typeof UserAccountActionInput>;
