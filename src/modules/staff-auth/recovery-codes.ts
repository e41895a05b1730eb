import { createHash, randomInt } from 'node:crypto';

/** How many recovery codes an account gets at a time. */
export const RECOVERY_CODE_COUNT = 10;

// No 0/o, 1/l/i: codes are read off paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** A recovery code as typed: two groups of five (about 49 bits of randomness). */
export const RECOVERY_CODE_PATTERN = /^[a-z2-9]{5}-?[a-z2-9]{5}$/;

/** Fresh recovery codes, `xxxxx-xxxxx`, from the operating system's CSPRNG. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const code = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => {
    const c = code();
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
}

/** Whether what was typed in the code field looks like a recovery code (rather than a TOTP code). */
export const isRecoveryCode = (typed: string): boolean => RECOVERY_CODE_PATTERN.test(typed.trim().toLowerCase());

/**
 * What is stored instead of a code: SHA-256 over the account id and the normalised code. The
 * codes are random (not chosen by people), so a fast hash suffices; the account id keeps equal
 * codes of two accounts apart.
 */
export const hashRecoveryCode = (staffUserId: string, typed: string): string =>
  createHash('sha256')
    .update(`${staffUserId}:${typed.trim().toLowerCase().replace('-', '')}`)
    .digest('hex');
