import { z } from 'zod';
import {
  AmountString,
  CalendarDateInput,
  CurrencyCode,
  InstantInput,
  refineScale,
  SafeText,
  Uuid,
} from '../shared/ledger.schemas.js';

export const AssetType = z.enum(['PROPERTY', 'VEHICLE', 'INVESTMENT', 'CASH', 'OTHER']);
export const LiabilityType = z.enum(['CREDIT_CARD', 'LOAN', 'MORTGAGE', 'OTHER']);

const DateInput = CalendarDateInput;

/** An annual interest rate in percent: 0 to 100, at most 4 decimals. */
export const RatePercent = z
  .string()
  .refine((v) => /^\d{1,3}(\.\d{1,4})?$/.test(v), { message: 'A percentage such as "3.25"', params: { code: 'invalid' } })
  .refine((v) => Number(v) <= 100, { message: 'At most 100', params: { code: 'too_big' } });

/** Something of value a household owns, valued at a point in time. */
export const CreateAssetInput = z
  .object({
    tenantId: Uuid,
    name: SafeText(120),
    type: AssetType,
    value: AmountString,
    currency: CurrencyCode,
    valuedAt: InstantInput,
  })
  .strict()
  .superRefine((v, ctx) => refineScale(ctx, v.value, v.currency, 'value'));
export type CreateAssetInput = z.input<typeof CreateAssetInput>;

export const UpdateAssetInput = z
  .object({
    name: SafeText(120).optional(),
    type: AssetType.optional(),
    value: AmountString.optional(),
    valuedAt: InstantInput.optional(),
  })
  .strict();
export type UpdateAssetInput = z.input<typeof UpdateAssetInput>;

/** Money a household owes. */
export const CreateLiabilityInput = z
  .object({ tenantId: Uuid, name: SafeText(120), type: LiabilityType, amount: AmountString, currency: CurrencyCode })
  .strict()
  .superRefine((v, ctx) => refineScale(ctx, v.amount, v.currency, 'amount'));
export type CreateLiabilityInput = z.input<typeof CreateLiabilityInput>;

export const UpdateLiabilityInput = z
  .object({ name: SafeText(120).optional(), type: LiabilityType.optional(), amount: AmountString.optional() })
  .strict();
export type UpdateLiabilityInput = z.input<typeof UpdateLiabilityInput>;

/** A liability with a repayment schedule; in the liability's tenant and currency. */
export const CreateLoanInput = z
  .object({
    tenantId: Uuid,
    liabilityId: Uuid,
    lender: SafeText(120),
    principal: AmountString,
    currency: CurrencyCode,
    annualRatePct: RatePercent,
    termMonths: z.number().int().min(1).max(600),
    startsOn: DateInput,
    paymentAmount: AmountString,
    paymentDay: z.number().int().min(1).max(31),
  })
  .strict()
  .superRefine((v, ctx) => {
    refineScale(ctx, v.principal, v.currency, 'principal');
    refineScale(ctx, v.paymentAmount, v.currency, 'paymentAmount');
  });
export type CreateLoanInput = z.input<typeof CreateLoanInput>;

export const UpdateLoanInput = z
  .object({
    lender: SafeText(120).optional(),
    annualRatePct: RatePercent.optional(),
    paymentAmount: AmountString.optional(),
    paymentDay: z.number().int().min(1).max(31).optional(),
  })
  .strict();
export type UpdateLoanInput = z.input<typeof UpdateLoanInput>;
