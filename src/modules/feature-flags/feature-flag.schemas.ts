import { z } from 'zod';

const FlagFields = {
  description: z.string().trim().max(500).nullish(),
  owner: z.string().trim().max(200).nullish(),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  tenantIds: z.array(z.uuid()).max(1000),
  startsAt: z.coerce.date().nullish(),
  endsAt: z.coerce.date().nullish(),
};

const windowIsOrdered = (v: { startsAt?: Date | null; endsAt?: Date | null }) =>
  !v.startsAt || !v.endsAt || v.startsAt < v.endsAt;
const windowIssue = { message: 'endsAt must be after startsAt', path: ['endsAt'] };

export const FeatureFlagKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{1,99}$/, 'lowercase letters, digits, dots, dashes and underscores');

export const CreateFeatureFlagInput = z
  .object({
    key: FeatureFlagKey,
    ...FlagFields,
    enabled: FlagFields.enabled.default(false),
    rolloutPercentage: FlagFields.rolloutPercentage.default(0),
    tenantIds: FlagFields.tenantIds.default([]),
    reason: z.string().trim().max(2000).optional(),
  })
  .refine(windowIsOrdered, windowIssue);
export type CreateFeatureFlagInput = z.input<typeof CreateFeatureFlagInput>;

export const UpdateFeatureFlagInput = z
  .object({
    id: z.uuid(),
    description: FlagFields.description,
    owner: FlagFields.owner,
    enabled: FlagFields.enabled.optional(),
    rolloutPercentage: FlagFields.rolloutPercentage.optional(),
    tenantIds: FlagFields.tenantIds.optional(),
    startsAt: FlagFields.startsAt,
    endsAt: FlagFields.endsAt,
    reason: z.string().trim().max(2000).optional(),
  })
  .refine(windowIsOrdered, windowIssue);
export type UpdateFeatureFlagInput = z.input<typeof UpdateFeatureFlagInput>;

export const DeleteFeatureFlagInput = z.object({ id: z.uuid(), reason: z.string().trim().max(2000).optional() });
export type DeleteFeatureFlagInput = z.input<typeof DeleteFeatureFlagInput>;

/** The admin's bulk delete: flags by id, all or nothing. */
export const DeleteFeatureFlagsInput = z.object({
  ids: z.array(z.uuid()).min(1).max(500),
  reason: z.string().trim().max(2000).optional(),
});
export type DeleteFeatureFlagsInput = z.input<typeof DeleteFeatureFlagsInput>;
