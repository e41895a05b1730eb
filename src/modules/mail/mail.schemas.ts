import { z } from 'zod';

/** Messages of the development mailbox to delete, by id (the admin's delete and bulk delete). */
export const RemoveMailMessagesInput = z.array(z.uuid()).min(1).max(500);
export type RemoveMailMessagesInput = z.input<typeof RemoveMailMessagesInput>;
