import { z } from 'zod';
import { SafeText } from '../shared/ledger.schemas.js';

/** What a staff member typed in the tenant search box: part of a name, a slug or an email. */
export const TenantSearchInput = z
  .object({
    q: SafeText(200, 2),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export type TenantSearchInput = z.input<typeof TenantSearchInput>;
