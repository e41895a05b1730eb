import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a link in account mail is for; each purpose is signed apart, so one cannot stand for another. */
export type AccountTokenPurpose = 'password-reset' | 'email-verify';

/** A reset link is valid for one hour, a verification link for two days. */
export const ACCOUNT_TOKEN_TTL_MS: Readonly<Record<AccountTokenPurpose, number>> = {
  'password-reset': 60 * 60 * 1000,
  'email-verify': 48 * 60 * 60 * 1000,
};

/** Longest token text accepted (a real one is about 150 characters). */
export const MAX_ACCOUNT_TOKEN_LENGTH = 1024;

/** What a verified token says. */
export interface AccountTokenClaims {
  userId: string;
  expiresAt: number;
  /**
   * The request it answers (epoch ms of the user's passwordResetSentAt / emailVerificationSentAt):
   * the service accepts it only while that is still the user's current request, so a newer
   * request and a completed one (which clears it) both invalidate the link: single use.
   */
  requestedAt: number;
  /** email-verify: a digest of the address the link proves (the pending new one, or the current one). */
  target?: string;
}

interface Wire {
  u: string;
  e: number;
  n: number;
  t?: string;
}

const sign = (secret: string, purpose: AccountTokenPurpose, payload: string) =>
  createHmac('sha256', secret).update(`${purpose}:${payload}`).digest('base64url');

/** The digest of an address a verification link carries (not the address: links end up in logs). */
export const addressDigest = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);

/**
 * A stateless token for a link in account mail: claims + HMAC-SHA256 with the account-token key
 * (ACCOUNT_TOKEN_SECRET, not the JWT key). Nothing secret is stored; the database decides whether
 * the request it answers is still current.
 */
export function createAccountToken(
  secret: string,
  purpose: AccountTokenPurpose,
  claims: { userId: string; requestedAt: Date; target?: string },
  now = Date.now(),
): string {
  const wire: Wire = { u: claims.userId, e: now + ACCOUNT_TOKEN_TTL_MS[purpose], n: claims.requestedAt.getTime() };
  if (claims.target !== undefined) wire.t = addressDigest(claims.target);
  const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${payload}.${sign(secret, purpose, payload)}`;
}

/** The claims of a well-signed, unexpired token of this purpose, or null (whatever is wrong with it). */
export function readAccountToken(
  secret: string,
  purpose: AccountTokenPurpose,
  token: string,
  now = Date.now(),
): AccountTokenClaims | null {
  if (token.length > MAX_ACCOUNT_TOKEN_LENGTH) return null;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(secret, purpose, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Wire>;
  } catch {
    return null;
  }
  if (typeof wire.u !== 'string' || typeof wire.e !== 'number' || typeof wire.n !== 'number' || wire.e < now) return null;
  if (wire.t !== undefined && typeof wire.t !== 'string') return null;
  return { userId: wire.u, expiresAt: wire.e, requestedAt: wire.n, ...(wire.t === undefined ? {} : { target: wire.t }) };
}
