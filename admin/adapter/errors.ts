import { ZodError } from 'zod';
import { validation, type ErrorDetail } from '../../src/lib/errors.js';

/** Issues of a ZodError (thrown by a service's input schema) as validation details. */
export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => {
    const custom = (issue as { params?: { code?: unknown } }).params?.code;
    const code =
      typeof custom === 'string'
        ? custom
        : issue.code === 'invalid_type'
          ? 'invalid_type'
          : issue.code === 'too_small'
            ? 'too_small'
            : issue.code === 'too_big'
              ? 'too_big'
              : 'invalid';
    return { field: issue.path.map(String).join('.') || 'payload', code, message: issue.message };
  });
}

/** A service's input error becomes the one VALIDATION_ERROR (400) rather than a 500. */
export function toAdminError(error: unknown): unknown {
  if (error instanceof ZodError) return validation(zodDetails(error));
  return error;
}

/** Runs a service call, normalising its input errors. */
export async function callService<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdminError(err);
  }
}
