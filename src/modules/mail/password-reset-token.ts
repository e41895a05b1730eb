import { createHmac, timingSafeEqual } from 'node:crypto';

/** A reset link is valid for one hour. */
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

interface ResetClaims {
  /** user id */
  u: string;
  /** expiry, epoch ms */
  e: number;
  /** the user's passwordResetSentAt (epoch ms): a newer request invalidates older links */
  n: number;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`password-reset:${payload}`).digest('base64url');

/**
 * A stateless password-reset token: claims + HMAC with the server secret. Bound to the request
 * that issued it (passwordResetSentAt), so a later request or a completed reset (which should
 * clear passwordResetSentAt) invalidates it. Nothing secret is stored in the database.
 */
export function createPasswordResetToken(secret: string, userId: string, requestedAt: Date, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ u: userId, e: now + RESET_TOKEN_TTL_MS, n: requestedAt.getTime() } satisfies ResetClaims),
  ).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** The user id of a valid token for the user's current reset request, or null. */
export function verifyPasswordResetToken(
  secret: string,
  token: string,
  currentRequest: (userId: string) => Date | null,
  now = Date.now(),
): string | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: ResetClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ResetClaims;
  } catch {
    return null;
  }
  if (typeof claims.u !== 'string' || typeof claims.e !== 'number' || claims.e < now) return null;
  const requested = currentRequest(claims.u);
  return requested && requested.getTime() === claims.n ? claims.u : null;
}
