import { z } from 'zod';

/** Resources whose personal data can be revealed (those with personal fields a role may reveal). */
export const RevealableResource = z.enum(['User', 'Tenant', 'MailMessage']);
export type RevealableResource = z.infer<typeof RevealableResource>;

/** A reveal of one record's personal data: the reason is mandatory and lands in the audit trail. */
export const RevealInput = z.object({
  resource: RevealableResource,
  recordId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});
export type RevealInput = z.input<typeof RevealInput>;
