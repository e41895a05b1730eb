import { randomUUID } from 'node:crypto';
import type { Tenant, User } from '@prisma/client';
import type { WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict, validation } from '../../lib/errors.js';
import {
  anonymousUserActor,
  buildAnonymousContext,
  buildAnonymousContextOfTenant,
  buildSystemContext,
  buildUserContext,
  type RequestMeta,
} from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import {
  decoyHash,
  hashPassword,
  LOCKOUT_MINUTES,
  LOCKOUT_THRESHOLD,
  requireAcceptablePassword,
  verifyPassword,
} from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { tenantRepository } from '../tenants/tenant.repository.js';
import type { userRepository } from '../users/user.repository.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import type { apiAuthRepository } from './api-auth.repository.js';
import { RefreshInput, RegisterInput, TokenInput } from './api-auth.schemas.js';
import { randomTenantSlug } from '../tenants/tenant.schemas.js';
import {
  createTokenSigner,
  invalidRefreshToken,
  invalidToken,
  newRefreshToken,
  hashRefreshToken,
  REFRESH_TOKEN_TTL_SECONDS,
} from './api-auth.tokens.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export type ApiAuthService = ReturnType<typeof createApiAuthService>;

const invalidCredentials = () => new AppError({ code: 'AUTH.INVALID_CREDENTIALS', kind: 'UNAUTHENTICATED' });
const tenantSuspended = () => new AppError({ code: 'TENANT.SUSPENDED', kind: 'FORBIDDEN' });

/**
 * Authentication of tenants' users on the public API: registration, password login with
 * per-account lockout, access tokens (15 min) and rotating refresh tokens (7 days) with reuse
 * detection, logout, and the per-request principal check. Every auth event is audited.
 */
export interface ApiAuthServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  credentials: typeof apiAuthRepository;
  users: typeof userRepository;
  tenants: typeof tenantRepository;
  /** Registration's verification link goes through the outbox. */
  outbox: typeof outboxRepository;
  jwtSecret: string;
  /** The terms of service a registration accepts (config.TERMS_VERSION). */
  termsVersion: string;
  now?: () => Date;
}

export function createApiAuthService(deps: ApiAuthServiceDeps) {
  const { db, audit, credentials, users, tenants } = deps;
  const now = deps.now ?? (() => new Date());
  const signer = createTokenSigner(deps.jwtSecret);
  // Bearer tokens are checked on every request, before there is a user context: one system
  // context (its ability built once) reads the principal the user's context is then built from.
  const principalContext = buildSystemContext('api-auth:principal', ALL_TENANTS, { correlationId: 'api-auth-principal' });

  async function issuePair(
    s: WriteSession,
    user: { id: string; tenantId: string; role: 'OWNER' | 'MEMBER' },
    familyId: string,
  ): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await credentials.insertRefreshToken(s, {
      tenantId: user.tenantId,
      userId: user.id,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: new Date(now().getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
    });
    const access = await signer.signAccess({ userId: user.id, tenantId: user.tenantId, role: user.role, familyId });
    return { accessToken: access.token, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }

  /**
   * Creates a tenant (with default categories) and its OWNER user; one audit event. 409 if the
   * email is taken. Records the terms accepted (version and time; a stated version must be the
   * current one) and sends a link to verify the address.
   */
  async function register(
    meta: RequestMeta,
    raw: RegisterInput,
    options: WriteOptions = {},
  ): Promise<{ user: User; tenant: Tenant }> {
    const input = RegisterInput.parse(raw);
    if (input.acceptedTermsVersion !== undefined && input.acceptedTermsVersion !== deps.termsVersion)
      throw validation(
        [
          {
            field: 'accepted_terms_version',
            code: 'terms_outdated',
            message: `The terms in force are version ${deps.termsVersion}`,
          },
        ],
        'AUTH.TERMS_OUTDATED',
      );
    requireAcceptablePassword(input.password);
    if (await db.read(buildAnonymousContext(meta), (s) => credentials.emailExists(s, input.email)))
      throw conflict('USER.EMAIL_TAKEN');
    const passwordHash = await hashPassword(input.password);
    try {
      // Before there is a user, the registration acts as the system: it creates the tenant.
      return await deps.db.write(
        buildAnonymousContext(meta),
        async (s) => {
          const tenant = await tenants.create(s, {
            // Opaque: the slug reaches the audit trail, the household name must not.
            slug: randomTenantSlug(),
            name: input.tenantName,
            baseCurrency: input.baseCurrency ?? 'EUR',
          });
          await tenants.createDefaultCategories(s, tenant.id);
          const user = await users.create(s, {
            tenantId: tenant.id,
            email: input.email,
            name: input.name,
            role: 'OWNER',
            locale: input.locale ?? (meta.locale === 'es' ? 'es' : 'en'),
            passwordHash,
            termsVersion: deps.termsVersion,
            termsAcceptedAt: now(),
            emailVerificationSentAt: now(),
          });
          await deps.outbox.enqueue(s, {
            tenantId: tenant.id,
            type: 'user.email_verification_requested',
            payload: { userId: user.id, tenantId: tenant.id },
          });
          const ctx = buildUserContext(user, meta);
          await audit.record(s, {
            ...actorFields(ctx),
            tenantId: tenant.id,
            action: 'user.register',
            resource: 'User',
            recordId: user.id,
            diff: { ...diffRecords(null, user), tenant: { from: null, to: { id: tenant.id, slug: tenant.slug } } },
          });
          return { user, tenant };
        },
        options,
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
  }

  async function recordLoginFailure(meta: RequestMeta, user: (User & { tenant: { id: string } }) | null, reason: string) {
    await db.write(buildAnonymousContext(meta), (s) =>
      audit.record(s, {
        ...anonymousUserActor(meta, user),
        tenantId: user?.tenantId ?? null,
        action: 'api.auth.login',
        resource: 'User',
        recordId: user?.id ?? null,
        outcome: 'FAILURE',
        reason,
      }),
    );
  }

  /**
   * Password login. Unknown email, wrong password, locked or inactive account all answer 401
   * AUTH.INVALID_CREDENTIALS (timing included); after 5 consecutive failures the account is
   * locked for 15 minutes. A suspended tenant answers 403 TENANT.SUSPENDED.
   */
  async function issueTokens(meta: RequestMeta, raw: TokenInput): Promise<TokenPair> {
    const input = TokenInput.parse(raw);
    const ctx = buildAnonymousContext(meta);
    const user = await db.read(ctx, (s) => credentials.findUserByEmail(s, input.email));
    if (!user) {
      await verifyPassword(await decoyHash(), input.password);
      await recordLoginFailure(meta, null, 'unknown_account');
      throw invalidCredentials();
    }
    const at = now();
    if (user.lockedUntil && user.lockedUntil > at) {
      await verifyPassword(await decoyHash(), input.password);
      await recordLoginFailure(meta, user, 'locked');
      throw invalidCredentials();
    }
    // The user is found: the rest of the login runs in their tenant only (ADR 0011).
    const userCtx = buildAnonymousContextOfTenant(user.tenantId, meta);
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      await db.write(userCtx, async (s) => {
        const counters = await credentials.lockUserCounters(s, user.id);
        let reason = 'bad_password';
        if (counters && !(counters.lockedUntil && counters.lockedUntil > at)) {
          const count = (counters.lockedUntil ? 0 : counters.failedLoginCount) + 1;
          const locks = count >= LOCKOUT_THRESHOLD;
          if (locks) reason = 'bad_password_locked_out';
          await credentials.updateUser(s, user.id, {
            failedLoginCount: locks ? 0 : count,
            lockedUntil: locks ? new Date(at.getTime() + LOCKOUT_MINUTES * 60_000) : null,
          });
        }
        await audit.record(s, {
          ...anonymousUserActor(meta, user),
          tenantId: user.tenantId,
          action: 'api.auth.login',
          resource: 'User',
          recordId: user.id,
          outcome: 'FAILURE',
          reason,
        });
      });
      throw invalidCredentials();
    }
    if (user.status !== 'ACTIVE' || user.tenant.status === 'CLOSED') {
      await recordLoginFailure(meta, user, `status_${user.status.toLowerCase()}_${user.tenant.status.toLowerCase()}`);
      throw invalidCredentials();
    }
    if (user.tenant.status === 'SUSPENDED') {
      await recordLoginFailure(meta, user, 'tenant_suspended');
      throw tenantSuspended();
    }
    return db.write(userCtx, async (s) => {
      await credentials.updateUser(s, user.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: at });
      const familyId = randomUUID();
      const pair = await issuePair(s, user, familyId);
      await audit.record(s, {
        ...anonymousUserActor(meta, user),
        tenantId: user.tenantId,
        action: 'api.auth.login',
        resource: 'User',
        recordId: user.id,
      });
      return pair;
    });
  }

  /**
   * Rotates a refresh token: the presented token is marked used and a new one of the same family
   * is issued. Presenting a used token again is reuse (a stolen copy): the whole family is
   * revoked, so both the thief and the victim must log in again.
   */
  async function refresh(meta: RequestMeta, raw: RefreshInput): Promise<TokenPair> {
    const input = RefreshInput.parse(raw);
    const tokenHash = hashRefreshToken(input.refreshToken);
    const outcome = await db.write(buildAnonymousContext(meta), async (s): Promise<{ pair: TokenPair } | { error: AppError }> => {
      const row = await credentials.lockRefreshToken(s, tokenHash);
      if (!row) return { error: invalidRefreshToken('unknown refresh token') };
      const at = now();
      const user = await credentials.userStatus(s, row.userId);
      const event = {
        ...anonymousUserActor(meta, user),
        tenantId: row.tenantId,
        resource: 'User',
        recordId: row.userId,
      };
      if (row.usedAt) {
        const revoked = await credentials.revokeFamily(s, row.familyId, at);
        await audit.record(s, {
          ...event,
          action: 'api.auth.refresh_reuse',
          outcome: 'DENIED',
          reason: `refresh token reused; ${revoked} token(s) of the family revoked`,
        });
        return { error: new AppError({ code: 'AUTH.REFRESH_TOKEN_REUSED', kind: 'UNAUTHENTICATED' }) };
      }
      const problem = row.revokedAt
        ? 'revoked'
        : row.expiresAt <= at
          ? 'expired'
          : !user || user.status !== 'ACTIVE'
            ? 'inactive_user'
            : user.tenant.status !== 'ACTIVE'
              ? `tenant_${user.tenant.status.toLowerCase()}`
              : null;
      if (problem || !user) {
        await audit.record(s, { ...event, action: 'api.auth.refresh', outcome: 'FAILURE', reason: problem ?? 'inactive_user' });
        return { error: problem === 'tenant_suspended' ? tenantSuspended() : invalidRefreshToken(problem ?? undefined) };
      }
      await credentials.markUsed(s, row.id, at);
      const pair = await issuePair(s, { id: row.userId, tenantId: row.tenantId, role: user.role }, row.familyId);
      await audit.record(s, { ...event, action: 'api.auth.refresh' });
      return { pair };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Ends a session: every token of the refresh token's family is revoked, access tokens included. */
  async function logout(meta: RequestMeta, raw: RefreshInput): Promise<void> {
    const input = RefreshInput.parse(raw);
    const tokenHash = hashRefreshToken(input.refreshToken);
    const found = await db.write(buildAnonymousContext(meta), async (s) => {
      const row = await credentials.lockRefreshToken(s, tokenHash);
      if (!row) return false;
      const user = await credentials.userStatus(s, row.userId);
      await credentials.revokeFamily(s, row.familyId, now());
      await audit.record(s, {
        ...anonymousUserActor(meta, user),
        tenantId: row.tenantId,
        action: 'api.auth.logout',
        resource: 'User',
        recordId: row.userId,
      });
      return true;
    });
    if (!found) throw invalidRefreshToken('unknown refresh token');
  }

  /**
   * The per-request check of a bearer token: signature and expiry, then (one query) the user is
   * ACTIVE, the tenant ACTIVE and the session not logged out. Returns the user's service context.
   */
  async function authenticate(accessToken: string, meta: RequestMeta = {}): Promise<ServiceContext> {
    const claims = await signer.verifyAccess(accessToken);
    if (!isUuid(claims.userId) || !isUuid(claims.familyId)) throw invalidToken('claims');
    const principal = await db.read(principalContext, (s) => credentials.unsafeLoadPrincipal(s, claims.userId, claims.familyId));
    if (!principal || principal.tenantId !== claims.tenantId) throw invalidToken('unknown user');
    if (principal.status !== 'ACTIVE') throw invalidToken('inactive user');
    if (principal.familyRevoked) throw invalidToken('session ended');
    if (principal.tenantStatus === 'SUSPENDED') throw tenantSuspended();
    if (principal.tenantStatus !== 'ACTIVE') throw invalidToken('tenant closed');
    return buildUserContext(
      { id: claims.userId, role: principal.role, tenantId: principal.tenantId, locale: principal.locale },
      meta,
    );
  }

  /** The signed-in user and their tenant. */
  async function getProfile(ctx: ServiceContext): Promise<User & { tenant: Tenant }> {
    const user = ctx.actor.type === 'USER' ? await db.read(ctx, (s) => credentials.findOwnProfile(s)) : null;
    if (!user) throw new AppError({ code: 'USER.NOT_FOUND', kind: 'NOT_FOUND' });
    return user;
  }

  return { register, issueTokens, refresh, logout, authenticate, getProfile, signer };
}
