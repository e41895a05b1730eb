import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../lib/errors.js';

/** Access tokens live 15 minutes, refresh tokens 7 days (SPEC §4.3). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'finance-backoffice';
const AUDIENCE = 'api/v1';

/** What an access token says: the user, their tenant and role, and the refresh-token family. */
export interface AccessClaims {
  userId: string;
  tenantId: string;
  role: 'OWNER' | 'MEMBER';
  familyId: string;
  expiresAt: number;
}

export const invalidToken = (internal?: string) =>
  new AppError({ code: 'AUTH.INVALID_TOKEN', kind: 'UNAUTHENTICATED', internal });

/** A refresh token that is unknown, expired or revoked (its message names the refresh token, not the access token). */
export const invalidRefreshToken = (internal?: string) =>
  new AppError({ code: 'AUTH.INVALID_REFRESH_TOKEN', kind: 'UNAUTHENTICATED', internal });

/**
 * Signs and verifies access tokens (HS256 JWTs through `jose`, key from configuration). Refresh
 * tokens are opaque random strings: only their SHA-256 is stored, and their life is decided by
 * the database row (rotation, reuse detection, revocation), so a signature would add nothing.
 */
export function createTokenSigner(secret: string, options: { cacheSize?: number } = {}) {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'utf8'));
  const cacheSize = options.cacheSize ?? 10_000;
  // Verified tokens, by their exact text: a token's claims cannot change, so verifying it once
  // until it expires is enough. Insertion order makes the Map a FIFO for eviction.
  const verified = new Map<string, AccessClaims>();

  async function signAccess(
    claims: Omit<AccessClaims, 'expiresAt'>,
    now = Date.now(),
  ): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(now / 1000);
    const token = await new SignJWT({ tid: claims.tenantId, role: claims.role, sid: claims.familyId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(key);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** Verifies signature, issuer, audience, expiry and shape; throws 401 AUTH.INVALID_TOKEN. */
  async function verifyAccess(token: string): Promise<AccessClaims> {
    const cached = verified.get(token);
    if (cached) {
      if (cached.expiresAt * 1000 > Date.now()) return cached;
      verified.delete(token);
      throw invalidToken('expired');
    }
    if (token.length > 2048) throw invalidToken('oversized');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }));
    } catch (err) {
      throw invalidToken(err instanceof joseErrors.JOSEError ? err.code : 'malformed');
    }
    const { sub, tid, role, sid, typ, exp } = payload;
    if (
      typ !== 'access' ||
      typeof sub !== 'string' ||
      typeof tid !== 'string' ||
      typeof sid !== 'string' ||
      typeof exp !== 'number'
    )
      throw invalidToken('claims');
    if (role !== 'OWNER' && role !== 'MEMBER') throw invalidToken('role');
    const claims: AccessClaims = { userId: sub, tenantId: tid, role, familyId: sid, expiresAt: exp };
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  }

  return { signAccess, verifyAccess };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** A new opaque refresh token (256 random bits) and the hash that is stored instead of it. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');
