import { ZodError, type z } from 'zod';
import { AppError, isAppError, validation, type ErrorDetail } from '../../lib/errors.js';

/** camelCase → snake_case for field paths (domain names → wire names); header names stay as they are. */
export const snakeCase = (field: string): string =>
  /^[a-z][A-Za-z0-9_.]*$/.test(field) ? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : field;

function codeOf(issue: z.core.$ZodIssue, input: unknown): string {
  const custom = (issue as { params?: { code?: unknown } }).params?.code;
  if (typeof custom === 'string') return custom;
  if (issue.code === 'invalid_type') return input === undefined ? 'required' : 'invalid_type';
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.code;
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  // invalid_format, invalid_value, invalid_union, custom, ...: the value is not acceptable.
  return 'invalid';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The one mapping from zod issues to the API's error details `{field, code, message}`. Codes are
 * stable and documented (`required`, `invalid_type`, `invalid`, `too_small`, `too_big`,
 * `unknown_field`, `invalid_currency`, `too_many_decimals`, ...); messages are translated later
 * from `errors:details.<code>`. `prefix` names where the input came from (`query`, `header`).
 */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], input?: unknown, prefix?: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        details.push({ field: [...path, key].join('.'), code: 'unknown_field', message: `Unknown field "${key}"` });
      continue;
    }
    const field = path.map(snakeCase).join('.') || prefix || 'body';
    details.push({ field, code: codeOf(issue, valueAt(input, issue.path)), message: issue.message });
  }
  // One detail per field and code is enough (unions repeat themselves).
  const seen = new Set<string>();
  return details.filter((d) => {
    const k = `${d.field}\u0000${d.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Parses with a wire schema or throws VALIDATION_ERROR with mapped details. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validation(zodIssuesToDetails(result.error.issues, input, prefix));
}

/**
 * Normalises an error for the API: a ZodError thrown by a domain service becomes the same
 * VALIDATION_ERROR as a wire-schema failure, and detail fields use the wire's snake_case names.
 */
export function toApiError(error: unknown): unknown {
  if (error instanceof ZodError) return validation(zodIssuesToDetails(error.issues));
  if (isAppError(error) && error.details.length > 0 && error.details.some((d) => snakeCase(d.field) !== d.field)) {
    return new AppError({
      code: error.code,
      kind: error.kind,
      internal: error.message,
      params: error.params,
      details: error.details.map((d) => ({ ...d, field: snakeCase(d.field) })),
      cause: error.cause,
      retryAfter: error.retryAfter,
    });
  }
  return error;
}
