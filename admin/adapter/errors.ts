import { ZodError } from 'zod';
import { validation } from '../../src/lib/errors.js';
import { zodIssuesToDetails } from '../../src/lib/zod-details.js';

/**
 * A service's input error becomes the one VALIDATION_ERROR (400) rather than a 500 (the one
 * classifier). `input`, the object the service parsed, tells a missing value from a wrong one.
 */
export function toAdminError(error: unknown, ...input: [unknown] | []): unknown {
  if (error instanceof ZodError) return validation(zodIssuesToDetails(error.issues, input.length ? { input: input[0] } : {}));
  return error;
}

/** Runs a service call on `input`, normalising its input errors. */
export async function callService<T>(fn: () => Promise<T>, ...input: [unknown] | []): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdminError(err, ...input);
  }
}
