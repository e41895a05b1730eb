import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../access/password.js';

/** The staff login form (AdminJS keeps its field names: `email`, `password`). */
export const StaffLoginInput = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});
export type StaffLoginInput = z.input<typeof StaffLoginInput>;

/** The second step of a login for accounts with TOTP: the 6-digit code. */
export const SecondFactorInput = z.object({ staffUserId: z.uuid(), code: z.string().trim().max(16) });
export type SecondFactorInput = z.input<typeof SecondFactorInput>;

/** Turning a staff account's TOTP second factor on (returns the secret once) or off. */
export const TotpEnrollInput = z.object({ staffUserId: z.uuid() });
export type TotpEnrollInput = z.input<typeof TotpEnrollInput>;
export const TotpDisableInput = z.object({ staffUserId: z.uuid(), reason: z.string().trim().min(3).max(2000) });
export type TotpDisableInput = z.input<typeof TotpDisableInput>;

export const StaffLocaleInput = z.object({ locale: z.enum(['en', 'es']) });
export type StaffLocaleInput = z.input<typeof StaffLocaleInput>;

/** What a staff session carries: enough to render the admin and to re-check the account. */
export interface StaffSessionUser {
  id: string;
  email: string;
  name: string;
  role: 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER';
  locale: 'en' | 'es';
  sessionVersion: number;
}

/** A login either opens a session or, for an account with TOTP, asks for the second factor. */
export type LoginOutcome = { status: 'authenticated'; user: StaffSessionUser } | { status: 'second_factor'; staffUserId: string };

/** Request facts recorded with login events (there is no actor yet when a login starts). */
export interface LoginMeta {
  correlationId: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}
