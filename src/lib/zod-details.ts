import type { z } from 'zod';
import type { ErrorDetail } from './errors.js';

function valueAt(root: unknown, path: readonly PropertyKey[]): { known: boolean; value: unknown } {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return { known: true, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { known: true, value };
}

function codeOf(issue: z.core.$ZodIssue, input: { known: boolean; value: unknown }): string {
  const custom = (issue as { params?: { code?: unknown } }).params?.code;
  if (typeof custom === 'string') return custom;
  // Whatever the schema (an enum, a union), nothing given is "required".
  if (input.known && input.value === undefined && issue.code !== 'unrecognized_keys') return 'required';
  if (issue.code === 'invalid_type') {
    // A missing value is "required", a value of the wrong type "invalid_type". Without the input
    // (a ZodError thrown by a service's own parse), zod's message tells which it was.
    const missing = input.known ? input.value === undefined : /received undefined$/.test(issue.message);
    return missing ? 'required' : 'invalid_type';
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.code;
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  // invalid_format, invalid_value, invalid_union, custom, ...: the value is not acceptable.
  return 'invalid';
}

export interface DetailOptions {
  /** The parsed input, when known: tells a missing value from a wrong one. */
  input?: unknown;
  /** Where the input came from (`query`, `header`), named when the whole input is at fault. */
  prefix?: string;
  /** Renames a domain field for the adapter's wire (the API: snake_case). */
  fieldName?: (field: string) => string;
}

/**
 * The one mapping from zod issues to error details `{field, code, message}`, for every front
 * door (API, admin, CLI). Codes are stable and documented (`required`, `invalid_type`, `invalid`,
 * `too_small`, `too_big`, `unknown_field`, `invalid_currency`, `too_many_decimals`, ...); messages
 * are translated later from `errors:details.<code>`. Fields are the domain's (camelCase) names
 * unless the adapter renames them.
 */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], options: DetailOptions = {}): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const known = 'input' in options;
  const fieldName = options.fieldName ?? ((f: string) => f);
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        details.push({
          field: [...path, key].map(fieldName).join('.'),
          code: 'unknown_field',
          message: `Unknown field "${key}"`,
        });
      continue;
    }
    const field = path.map(fieldName).join('.') || options.prefix || 'body';
    const at = known ? valueAt(options.input, issue.path) : { known: false, value: undefined };
    details.push({ field, code: codeOf(issue, at), message: issue.message });
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
