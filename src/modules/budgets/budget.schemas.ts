import { z } from 'zod';
import { PageQuery } from '../shared/keyset.js';
import { AmountString, CalendarDateInput, CurrencyCode, refineScale, SafeText, Uuid } from '../shared/ledger.schemas.js';

export const BudgetPeriodSchema = z.enum(['WEEKLY', 'MONTHLY', 'YEARLY']);

const DateInput = CalendarDateInput;

/** The one rule of a budget's dates: it may not end before it starts. */
export const endsBeforeStart = (startsOn: Date, endsOn: Date | null | undefined): boolean =>
  endsOn instanceof Date && endsOn < startsOn;

export const ENDS_BEFORE_START = {
  field: 'endsOn',
  code: 'invalid',
  message: 'The end date is before the start date',
} as const;

/** A spending limit on one category over a repeating period, in one currency. */
export const CreateBudgetInput = z
  .object({
    tenantId: Uuid.optional(),
    categoryId: Uuid,
    name: SafeText(120),
    amount: AmountString,
    currency: CurrencyCode,
    period: BudgetPeriodSchema.default('MONTHLY'),
    startsOn: DateInput,
    endsOn: DateInput.nullish(),
  })
  .superRefine((v, ctx) => {
    refineScale(ctx, v.amount, v.currency, 'amount');
    if (v.startsOn instanceof Date && endsBeforeStart(v.startsOn, v.endsOn))
      ctx.addIssue({
        code: 'custom',
        path: [ENDS_BEFORE_START.field],
        message: ENDS_BEFORE_START.message,
        params: { code: ENDS_BEFORE_START.code },
      });
  });
export type CreateBudgetInput = z.input<typeof CreateBudgetInput>;

export const BudgetListQuery = PageQuery.extend({ tenantId: Uuid.optional() });
export type BudgetListQuery = z.input<typeof BudgetListQuery>;

/**
 * Changes to a budget. The category and currency are fixed; the dates' order is checked against
 * the budget's current dates by the service (ENDS_BEFORE_START).
 */
export const UpdateBudgetInput = z
  .object({
    name: SafeText(120).optional(),
    amount: AmountString.optional(),
    period: BudgetPeriodSchema.optional(),
    startsOn: DateInput.optional(),
    endsOn: DateInput.nullish(),
  })
  .strict();
export type UpdateBudgetInput = z.input<typeof UpdateBudgetInput>;
