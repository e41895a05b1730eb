import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../lib/errors.js';

/** OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1. */
const ARGON2_OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
const common = new Set(dictionary.passwords.map((p: string) => p.toLowerCase()));

/** The password policy shared by staff and users; throws VALIDATION_ERROR with the reason. */
export function requireAcceptablePassword(password: string, field = 'password'): void {
  let code: string | undefined;
  if (password.length < MIN_PASSWORD_LENGTH) code = 'password_too_short';
  else if (password.length > MAX_PASSWORD_LENGTH) code = 'password_too_long';
  else if (common.has(password.toLowerCase())) code = 'password_too_common';
  if (code)
    throw new AppError({
      code: 'AUTH.WEAK_PASSWORD',
      kind: 'VALIDATION_ERROR',
      details: [{ field, code, message: `Password rejected: ${code.replaceAll('_', ' ')}` }],
    });
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_OPTIONS);

/** Constant-time verification; a malformed hash counts as a mismatch. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword('decoy-password-for-timing'));

/** Lockout policy: after 5 consecutive failures the account is locked for 15 minutes. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;
