import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SUPPORTED_CURRENCIES } from '../../lib/money.js';

export const TenantSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2 to 63 characters');

/**
 * A new tenant's slug when none is chosen: opaque and random (`hh-` and 12 hex digits). Slugs
 * reach the audit trail, which erasure cannot touch, so they are never derived from the
 * household's name (usually a surname).
 */
export const randomTenantSlug = (): string => `hh-${randomBytes(6).toString('hex')}`;

export const CreateTenantInput = z.object({
  /** Optional: a random slug (randomTenantSlug) when absent. One given must not name the household. */
  slug: TenantSlug.optional(),
  name: z.string().trim().min(1).max(200),
  baseCurrency: z.enum(SUPPORTED_CURRENCIES).default('EUR'),
});
export type CreateTenantInput = z.input<typeof CreateTenantInput>;

export const TenantStatusChangeInput = z.object({
  tenantId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});
export type TenantStatusChangeInput = z.input<typeof TenantStatusChangeInput>;

/** Changes to a tenant's profile (its status changes only through suspend / reactivate). */
export const UpdateTenantInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    baseCurrency: z.enum(SUPPORTED_CURRENCIES).optional(),
  })
  .strict();
export type UpdateTenantInput = z.input<typeof UpdateTenantInput>;
