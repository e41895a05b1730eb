import { z } from 'zod';

/** The admin's "requeue a failed event": the reason is optional and lands in the audit trail. */
export const RequeueOutboxEventInput = z.object({ reason: z.string().trim().min(3).max(2000).optional() }).strict();
export type RequeueOutboxEventInput = z.input<typeof RequeueOutboxEventInput>;
