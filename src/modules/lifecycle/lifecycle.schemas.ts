import { z } from 'zod';
import { Email, PasswordText } from '../api-auth/api-auth.schemas.js';
import { SafeText } from '../shared/ledger.schemas.js';
import { MAX_ACCOUNT_TOKEN_LENGTH } from '../mail/account-token.js';

const TokenText = z.string().trim().min(1).max(MAX_ACCOUNT_TOKEN_LENGTH);

/** "I forgot my password": the address only (not format-checked, so every request answers alike). */
export const PasswordResetRequestInput = z.object({ email: z.string().trim().toLowerCase().min(1).max(254) }).strict();
export type PasswordResetRequestInput = z.input<typeof PasswordResetRequestInput>;

/** The link's token and the new password (the policy is requireAcceptablePassword). */
export const PasswordResetConfirmInput = z.object({ token: TokenText, password: PasswordText }).strict();
export type PasswordResetConfirmInput = z.input<typeof PasswordResetConfirmInput>;

/** The token of a verification link. */
export const VerifyEmailInput = z.object({ token: TokenText }).strict();
export type VerifyEmailInput = z.input<typeof VerifyEmailInput>;

/** Rectification of one's own personal data; a new email waits for its verification. */
export const RectifyProfileInput = z
  .object({
    name: SafeText(200).optional(),
    phone: SafeText(40).nullable().optional(),
    locale: z.enum(['en', 'es']).optional(),
    email: Email.optional(),
  })
  .strict();
export type RectifyProfileInput = z.input<typeof RectifyProfileInput>;

/** The consents a user may give or withdraw; an absent one is left as it is. */
export const ConsentsInput = z.object({ marketing: z.boolean().optional(), notifications: z.boolean().optional() }).strict();
export type ConsentsInput = z.input<typeof ConsentsInput>;

/** Marketing mail to a tenant's consenting users (system or superadmin). */
export const QueueMarketingInput = z.object({ tenantId: z.uuid(), campaign: z.enum(['product_news']) }).strict();
export type QueueMarketingInput = z.input<typeof QueueMarketingInput>;
