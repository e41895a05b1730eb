import { z } from 'zod';
import { Decimal, isSupportedCurrency, minorUnits, SUPPORTED_CURRENCIES } from '../../lib/money.js';

/**
 * Field-level schemas shared by the ledger modules (accounts, transactions, categories, budgets)
 * and by the public API's wire schemas, so a rule about money, currency or text exists once.
 */

/** Text the database can store: PostgreSQL refuses NUL characters in `text` columns. */
export const SafeText = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), { message: 'NUL characters are not allowed', params: { code: 'invalid' } });

/** An ISO 4217 code the product supports; unknown codes fail with detail code `invalid_currency`. */
export const CurrencyCode = z.string().superRefine((value, ctx) => {
  if (!isSupportedCurrency(value))
    ctx.addIssue({ code: 'custom', message: 'Unknown or unsupported currency', params: { code: 'invalid_currency' } });
});

export const SUPPORTED_CURRENCY_LIST = SUPPORTED_CURRENCIES;

/** Largest integer part a `numeric(19,4)` column holds. */
export const MAX_INTEGER_DIGITS = 15;
const AMOUNT_FORMAT = /^-?\d+(\.\d+)?$/;

export type AmountProblem = 'invalid' | 'too_small' | 'too_big' | 'too_many_decimals';

/**
 * Why an amount string is not acceptable money for a currency, or null when it is: a plain
 * positive decimal ("12.34"), at most 15 integer digits, no more decimals than the currency has.
 */
export function checkAmount(amount: string, currency?: string): AmountProblem | null {
  if (amount.length > 64 || !AMOUNT_FORMAT.test(amount)) return 'invalid';
  const value = new Decimal(amount);
  if (value.lte(0)) return 'too_small';
  if (value.trunc().toFixed().length > MAX_INTEGER_DIGITS) return 'too_big';
  if (currency && isSupportedCurrency(currency) && value.decimalPlaces() > minorUnits(currency)) return 'too_many_decimals';
  return null;
}

const AMOUNT_MESSAGES: Record<AmountProblem, string> = {
  invalid: 'An amount is a decimal string such as "12.34"',
  too_small: 'The amount must be greater than zero',
  too_big: `The amount must have at most ${MAX_INTEGER_DIGITS} integer digits`,
  too_many_decimals: 'Too many decimal places for this currency',
};

/** The detail of an amount problem, for a validation error. */
export const amountDetail = (field: string, problem: AmountProblem) => ({
  field,
  code: problem,
  message: AMOUNT_MESSAGES[problem],
});

/** A money amount as a string (never a JSON number: floats lose cents). Scale is checked with the currency. */
export const AmountString = z.string().superRefine((value, ctx) => {
  const problem = checkAmount(value);
  if (problem) ctx.addIssue({ code: 'custom', message: AMOUNT_MESSAGES[problem], params: { code: problem } });
});

/** Adds a `too_many_decimals` issue on `amountPath` when the amount has more decimals than `currency`. */
export function refineScale(
  ctx: z.RefinementCtx,
  amount: string | undefined,
  currency: string | undefined,
  amountPath: string,
): void {
  if (!amount || !currency || !isSupportedCurrency(currency)) return;
  if (checkAmount(amount, currency) === 'too_many_decimals')
    ctx.addIssue({
      code: 'custom',
      path: [amountPath],
      message: AMOUNT_MESSAGES.too_many_decimals,
      params: { code: 'too_many_decimals' },
    });
}

/** UTC timestamps the product accepts: ISO 8601 with an offset, within 1900–2199. */
export const Timestamp = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() < 2200, {
    message: 'Date out of range',
    params: { code: 'invalid' },
  });

/** A calendar date (YYYY-MM-DD) within 1900–2199. */
export const CalendarDate = z.iso
  .date()
  .transform((s) => new Date(`${s}T00:00:00.000Z`))
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() < 2200, {
    message: 'Date out of range',
    params: { code: 'invalid' },
  });

export const Uuid = z.uuid();

/** Dates the product accepts: within 1900–2199, whichever way they arrive. */
const inRange = (d: Date) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() < 2200;

/**
 * A calendar date given as a Date (admin, CLI) or as YYYY-MM-DD (API): the same range rule
 * either way (a Date must not be a way around it).
 */
export const CalendarDateInput = z.union([
  z.date().refine(inRange, { message: 'Date out of range', params: { code: 'invalid' } }),
  CalendarDate,
]);

/** A point in time given as a Date (admin, CLI) or as an ISO 8601 string with offset (API). */
export const InstantInput = z.union([
  z.date().refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() < 2200, {
    message: 'Date out of range',
    params: { code: 'invalid' },
  }),
  Timestamp,
]);
