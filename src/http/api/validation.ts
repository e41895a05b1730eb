import { ZodError, type z } from 'zod';
import { AppError, isAppError, validation, type ErrorDetail } from '../../lib/errors.js';
import { zodIssuesToDetails as toDetails } from '../../lib/zod-details.js';

/** camelCase → snake_case for field paths (domain names → wire names); header names stay as they are. */
export const snakeCase = (field: string): string =>
  /^[a-z][A-Za-z0-9_.]*$/.test(field) ? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : field;

/** The one mapping of zod issues to details (src/lib/zod-details.ts), with the API's snake_case field names. */
export function zodIssuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  ...known: [input: unknown, prefix?: string] | []
): ErrorDetail[] {
  return known.length
    ? toDetails(issues, { input: known[0], prefix: known[1], fieldName: snakeCase })
    : toDetails(issues, { fieldName: snakeCase });
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
