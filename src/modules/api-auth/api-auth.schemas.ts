import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../access/password.js';
import { CurrencyCode, SafeText } from '../shared/ledger.schemas.js';

export const Email = z.email().trim().toLowerCase().max(254);
/** Long enough for any acceptable password; the policy itself is requireAcceptablePassword. */
export const PasswordText = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH * 4);

/** Self-service sign-up: a new tenant (household) and its owner. */
export const RegisterInput = z.object({
  email: Email,
  password: PasswordText,
  name: SafeText(200),
  tenantName: SafeText(200),
  baseCurrency: CurrencyCode.optional(),
  locale: z.enum(['en', 'es']).optional(),
  /** The terms version the person saw and accepted; when given, it must be the one in force. */
  acceptedTermsVersion: z.string().trim().min(1).max(64).optional(),
});
export type RegisterInput = z.input<typeof RegisterInput>;

/** Login; the email is not format-checked so that a typo answers like a wrong password. */
export const TokenInput = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: PasswordText,
});
export type TokenInput = z.input<typeof TokenInput>;

export const RefreshInput = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshInput = z.input<typeof RefreshInput>;
