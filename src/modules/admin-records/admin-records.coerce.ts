import { Decimal } from 'decimal.js';
import type { ErrorDetail } from '../../lib/errors.js';
import { hasValidScale, isSupportedCurrency } from '../../lib/money.js';
import { enumValues, isUuidColumn, type FieldMeta } from './model-metadata.js';

/**
 * Turns values as the admin sends them (form strings, flattened arrays) into what a column holds,
 * or a validation detail. Money stays a decimal string (never a float).
 */
export class CoercionError extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d{1,19}$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,10})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const fail = (field: string, code: string, message: string): never => {
  throw new CoercionError({ field, code, message });
};

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** The text of a scalar (Decimal, bigint, number, string); '' for null and undefined. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return (value as { toString(): string }).toString();
}

function coerceScalar(field: FieldMeta, raw: unknown, path: string): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if (field.kind === 'enum') {
    if (typeof text !== 'string' || !enumValues(field.type).includes(text))
      fail(path, 'invalid', 'Not one of the allowed values');
    return text;
  }
  switch (field.type) {
    case 'String': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail(path, 'invalid_type', 'Expected text');
      const value = String(raw);
      if (value.includes('\u0000')) fail(path, 'invalid', 'NUL characters are not allowed');
      if (value.length > 10_000) fail(path, 'too_big', 'Too long');
      if (isUuidColumn(field) && !UUID.test(value.trim())) fail(path, 'invalid', 'Expected an id');
      return isUuidColumn(field) ? value.trim().toLowerCase() : value;
    }
    case 'Int': {
      const value = typeof text === 'number' ? String(text) : text;
      if (typeof value !== 'string' || !INTEGER.test(value)) return fail(path, 'invalid_type', 'Expected a whole number');
      const n = Number(value);
      if (n > 2_147_483_647 || n < -2_147_483_648) fail(path, 'too_big', 'Number out of range');
      return n;
    }
    case 'BigInt': {
      const value = typeof text === 'number' || typeof text === 'bigint' ? String(text) : text;
      if (typeof value !== 'string' || !INTEGER.test(value)) return fail(path, 'invalid_type', 'Expected a whole number');
      return BigInt(value);
    }
    case 'Decimal': {
      const value = typeof text === 'number' ? String(text) : text;
      if (typeof value !== 'string' || !DECIMAL.test(value)) return fail(path, 'invalid', 'Expected a decimal such as "12.34"');
      const scale = Number(field.nativeType?.[1]?.[1] ?? 4);
      if (new Decimal(value).decimalPlaces() > scale) fail(path, 'too_many_decimals', 'Too many decimal places');
      return value;
    }
    case 'Boolean':
      if (text === true || text === 'true') return true;
      if (text === false || text === 'false') return false;
      return fail(path, 'invalid_type', 'Expected true or false');
    case 'DateTime': {
      if (text instanceof Date && !Number.isNaN(text.getTime())) return text;
      if (typeof text !== 'string') return fail(path, 'invalid_type', 'Expected a date');
      const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00.000Z` : text);
      if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1900 || date.getUTCFullYear() >= 2200)
        fail(path, 'invalid', 'Not a valid date');
      return date;
    }
    case 'Json':
      if (typeof raw === 'string') {
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          return fail(path, 'invalid', 'Not valid JSON');
        }
      }
      return raw;
    default:
      return fail(path, 'invalid', 'Unsupported column');
  }
}

/** A column's value from admin input; '' and null mean "no value" (refused when required). */
export function coerceColumn(field: FieldMeta, raw: unknown): unknown {
  if (field.isList) {
    const items = raw === '' || raw === null || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    return items
      .filter((v) => v !== '' && v !== null && v !== undefined)
      .map((v, i) => coerceScalar(field, v, `${field.name}.${i}`));
  }
  if (raw === '' || raw === null || raw === undefined) {
    if (field.isRequired) fail(field.name, 'required', 'This field is required');
    return null;
  }
  return coerceScalar(field, raw, field.name);
}

/** A filter value for a column; filters are never "required". */
export function coerceFilterValue(field: FieldMeta, raw: unknown): unknown {
  return coerceScalar({ ...field, isList: false }, raw, field.name);
}

/** Refuses amounts with more decimals than their currency has, and unknown currencies. */
export function checkMoney(currency: unknown, amounts: Record<string, unknown>): void {
  if (typeof currency !== 'string') return;
  if (!isSupportedCurrency(currency)) fail('currency', 'invalid_currency', 'Unknown or unsupported currency');
  for (const [field, amount] of Object.entries(amounts)) {
    if (amount === null || amount === undefined) continue;
    if (!hasValidScale(textOf(amount), currency)) fail(field, 'too_many_decimals', 'Too many decimal places for this currency');
  }
}

/** True when two values of a column are the same (Decimal vs string, Date vs ISO, BigInt vs string). */
export function sameValue(field: FieldMeta, a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === '') return null;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return v.toString();
    if (field.type === 'Decimal' && v !== null) return new Decimal(textOf(v)).toString();
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
