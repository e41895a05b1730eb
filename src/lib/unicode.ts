import { AppError } from './errors.js';

const MAX_DEPTH = 64;
// With the `u` flag a surrogate pair is one code point: this matches lone surrogates only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/**
 * The path of the first string (value or key) in a parsed JSON value that is not well-formed
 * UTF-16 — a lone surrogate, which JSON's `\ud800` escape can carry but PostgreSQL (text, jsonb)
 * and UTF-8 cannot — or null when there is none.
 */
export function findIllFormedString(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return wellFormed(value) ? null : path || 'body';
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormedString(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!wellFormed(key)) return path || 'body';
    const found = findIllFormedString(item, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws VALIDATION_ERROR (`HTTP.INVALID_UNICODE`) naming the field when `value` holds a lone surrogate. */
export function requireWellFormedStrings(value: unknown, fieldName: (path: string) => string = (p) => p): void {
  const path = findIllFormedString(value);
  if (path === null) return;
  throw new AppError({
    code: 'HTTP.INVALID_UNICODE',
    kind: 'VALIDATION_ERROR',
    details: [{ field: fieldName(path), code: 'invalid_unicode', message: 'Text must be valid Unicode (no lone surrogates)' }],
  });
}
