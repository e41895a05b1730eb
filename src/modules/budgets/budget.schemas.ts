import { z } from 'zod';
import { PageQuery } from '../transactions/keyset.js';
import { AmountString, CalendarDate, CurrencyCode, refineScale, SafeText, Uuid } from '../transactions/ledger.schemas.js';

export const BudgetPeriodSchema = z.enum(['WEEKLY', 'MONTHLY', 'YEARLY']);

const DateInput = z.union([z.date(), CalendarDate]);

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
    if (v.endsOn && v.startsOn instanceof Date && v.endsOn < v.startsOn)
      ctx.addIssue({
        code: 'custom',
        path: ['endsOn'],
        message: 'The end date is before the start date',
        params: { code: 'invalid' },
      });
  });
export type CreateBudgetInput = z.input<typeof CreateBudgetInput>;

export const BudgetListQuery = PageQuery.extend({ tenantId: Uuid.optional() });
export type BudgetListQuery = z.input<typeof BudgetListQuery>;
