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
