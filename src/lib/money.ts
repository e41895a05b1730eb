import { Decimal } from 'decimal.js';

/**
 * Money is a decimal with an ISO 4217 currency, never a float. Each currency has its own number
 * of minor units; amounts are rounded half-even (banker's rounding) to that scale.
 */
const MINOR_UNITS: Record<string, number> = {
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

/** Currencies the product accepts (ISO 4217, active, non-fund codes in common use). */
export const SUPPORTED_CURRENCIES = [
  'AED',
  'ARS',
  'AUD',
  'BHD',
  'BRL',
  'CAD',
  'CHF',
  'CLP',
  'CNY',
  'COP',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HKD',
  'HUF',
  'IDR',
  'ILS',
  'INR',
  'ISK',
  'JOD',
  'JPY',
  'KRW',
  'KWD',
  'MXN',
  'MYR',
  'NOK',
  'NZD',
  'OMR',
  'PEN',
  'PHP',
  'PLN',
  'RON',
  'SAR',
  'SEK',
  'SGD',
  'THB',
  'TND',
  'TRY',
  'TWD',
  'UAH',
  'USD',
  'UYU',
  'VND',
  'ZAR',
] as const;

export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

const supported = new Set<string>(SUPPORTED_CURRENCIES);

export function isSupportedCurrency(code: string): code is Currency {
  return supported.has(code);
}

/** Number of decimal places of a currency (ISO 4217 minor units). */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** Rounds an amount to its currency's scale, half-even. */
export function roundMoney(amount: Decimal.Value, currency: string): Decimal {
  return new Decimal(amount).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_EVEN);
}

/** True when the amount has no more decimals than the currency allows. */
export function hasValidScale(amount: Decimal.Value, currency: string): boolean {
  return new Decimal(amount).decimalPlaces() <= minorUnits(currency);
}

/** The JSON form of an amount: a string with exactly the currency's decimals ("12.30"). */
export function formatAmount(amount: Decimal.Value, currency: string): string {
  return roundMoney(amount, currency).toFixed(minorUnits(currency));
}

/**
 * Formatters by locale and currency: building an Intl.NumberFormat costs far more than using one
 * (measured: the largest self time of the admin's list rendering). Bounded: locales and
 * currencies come from closed lists, but a cap keeps a stream of odd locale tags from growing it.
 */
const MAX_FORMATTERS = 256;
const formatters = new Map<string, Intl.NumberFormat>();

function formatterOf(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = minorUnits(currency);
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Human display in a locale, e.g. "1.234,50 €" for es. */
export function displayMoney(amount: Decimal.Value, currency: string, locale: string): string {
  return formatterOf(locale, currency).format(roundMoney(amount, currency).toNumber());
}

export { Decimal };
