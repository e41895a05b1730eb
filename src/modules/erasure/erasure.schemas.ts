import { z } from 'zod';

/** `DELETE /api/v1/me`: the user closes their own account; a reason is optional. */
export const RequestErasureInput = z.object({ reason: z.string().trim().max(2000).optional() }).default({});
export type RequestErasureInput = z.input<typeof RequestErasureInput>;

/** The support action: close a user's account and schedule the erasure of their personal data. */
export const SupportErasureInput = z.object({ userId: z.uuid(), reason: z.string().trim().min(3).max(2000) });
export type SupportErasureInput = z.input<typeof SupportErasureInput>;

export const EraseUserInput = z.object({ userId: z.uuid(), tenantId: z.uuid() });
export type EraseUserInput = z.input<typeof EraseUserInput>;

/** Reopening a closed account within the grace period (cancelling its erasure): a reason is required. */
export const CancelErasureInput = z.object({ userId: z.uuid(), reason: z.string().trim().min(3).max(2000) }).strict();
export type CancelErasureInput = z.input<typeof CancelErasureInput>;
