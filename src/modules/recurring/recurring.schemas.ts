import { z } from 'zod';
import { ENDS_BEFORE_START, endsBeforeStart } from '../budgets/budget.schemas.js';
import { AmountString, CalendarDate, CurrencyCode, refineScale, SafeText, Uuid } from '../shared/ledger.schemas.js';

const DateInput = z.union([z.date(), CalendarDate]);
export const FrequencyInput = z.enum(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
export const RuleInterval = z.number().int().min(1).max(366);

// The one date-order rule of the ledger (budgets and recurring rules): nothing ends before it starts.
export { ENDS_BEFORE_START, endsBeforeStart };

/** Its next run is never before its start (it would materialise dates the rule does not cover). */
export const NEXT_RUN_BEFORE_START = {
  field: 'nextRunOn',
  code: 'invalid',
  message: 'The next run is before the start date',
} as const;

const issue = (ctx: z.RefinementCtx, detail: { field: string; code: string; message: string }) =>
  ctx.addIssue({ code: 'custom', path: [detail.field], message: detail.message, params: { code: detail.code } });

/**
 * A rule that creates a transaction on an account every period. The currency must be the
 * account's (checked by the service); the amount must fit it; `nextRunOn` defaults to `startsOn`.
 */
export const CreateRecurringRuleInput = z
  .object({
    tenantId: Uuid.optional(),
    accountId: Uuid,
    categoryId: Uuid.nullish(),
    amount: AmountString,
    currency: CurrencyCode,
    direction: z.enum(['CREDIT', 'DEBIT']),
    description: SafeText(500).nullish(),
    frequency: FrequencyInput,
    interval: RuleInterval.default(1),
    startsOn: DateInput,
    endsOn: DateInput.nullish(),
    nextRunOn: DateInput.optional(),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    refineScale(ctx, v.amount, v.currency, 'amount');
    if (!(v.startsOn instanceof Date)) return;
    if (endsBeforeStart(v.startsOn, v.endsOn)) issue(ctx, ENDS_BEFORE_START);
    if (v.nextRunOn instanceof Date && v.nextRunOn < v.startsOn) issue(ctx, NEXT_RUN_BEFORE_START);
  })
  .transform((v) => ({ ...v, nextRunOn: v.nextRunOn ?? v.startsOn }));
export type CreateRecurringRuleInput = z.input<typeof CreateRecurringRuleInput>;

/**
 * Changes to a rule. Its tenant, account, currency, direction and start are fixed; the amount
 * is checked against the rule's currency and the dates against its start by the service.
 */
export const UpdateRecurringRuleInput = z
  .object({
    description: SafeText(500).nullish(),
    amount: AmountString.optional(),
    frequency: FrequencyInput.optional(),
    interval: RuleInterval.optional(),
    endsOn: DateInput.nullish(),
    nextRunOn: DateInput.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type UpdateRecurringRuleInput = z.input<typeof UpdateRecurringRuleInput>;
