import type { Services } from '../../../services.js';
import { creatingOp, op, type Operation } from '../operation.js';
import { meJson, tokenPairJson } from '../serializers.js';
import {
  AcceptedSchema,
  EXAMPLE_ME,
  MeSchema,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  RefreshBody,
  RegisterBody,
  TokenBody,
  TokenPairSchema,
  VerifyEmailBody,
  VerifyEmailResultSchema,
} from '../schemas.js';
import { translate } from '../../../lib/i18n.js';

const EXAMPLE_PAIR = {
  access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.sig',
  refresh_token: 'rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu',
  token_type: 'Bearer',
  expires_in: 900,
};

/** Registration, login, token refresh (rotation with reuse detection) and logout. */
export function authOperations(services: Services): Operation[] {
  return [
    creatingOp({
      method: 'post',
      path: '/api/v1/auth/register',
      operationId: 'register',
      summary: 'Create a household (tenant) and its owner',
      description:
        'The password must have at least 12 characters and not be a common one. Registering accepts the terms of service in force (their version and the time are recorded; `accepted_terms_version`, when sent, must be that version). A link to verify the address is mailed. Requires Idempotency-Key.',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: RegisterBody,
      requestExample: {
        email: 'ana@example.com',
        password: 'correct-Horse-battery-42',
        name: 'Ana García',
        tenant_name: 'The García household',
      },
      success: {
        status: 201,
        description: 'The new owner and their tenant',
        schema: MeSchema,
        example: EXAMPLE_ME,
      },
      errors: [400, 409, 413],
      creates: async ({ body, meta, write }) =>
        services.apiAuth.register(
          meta,
          {
            email: body.email,
            password: body.password,
            name: body.name,
            tenantName: body.tenant_name,
            baseCurrency: body.base_currency,
            locale: body.locale,
            acceptedTermsVersion: body.accepted_terms_version,
          },
          write,
        ),
      respond: ({ user, tenant }) => ({ status: 201, body: meJson({ ...user, tenant }) }),
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/token',
      operationId: 'createToken',
      summary: 'Log in with email and password',
      description:
        'Returns a 15-minute access token and a 7-day refresh token. After 5 consecutive failures the account is locked for 15 minutes.',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: TokenBody,
      requestExample: { email: 'ana@example.com', password: 'correct-Horse-battery-42' },
      success: { status: 200, description: 'A token pair', schema: TokenPairSchema, example: EXAMPLE_PAIR },
      errors: [400, 401, 403, 413],
      handler: async ({ body, meta }) => ({ status: 200, body: tokenPairJson(await services.apiAuth.issueTokens(meta, body)) }),
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/refresh',
      operationId: 'refreshToken',
      summary: 'Exchange a refresh token for a new pair',
      description:
        'Rotation: the presented refresh token is spent. Presenting a spent token again is treated as theft: every token of its family is revoked (401).',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: RefreshBody,
      requestExample: { refresh_token: 'rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu' },
      success: { status: 200, description: 'A new token pair', schema: TokenPairSchema, example: EXAMPLE_PAIR },
      errors: [400, 401, 403, 413],
      handler: async ({ body, meta }) => ({
        status: 200,
        body: tokenPairJson(await services.apiAuth.refresh(meta, { refreshToken: body.refresh_token })),
      }),
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/logout',
      operationId: 'logout',
      summary: 'End a session',
      description: "Revokes the refresh token's whole family; access tokens of the session stop working at once.",
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: RefreshBody,
      requestExample: { refresh_token: 'rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu' },
      success: { status: 204, description: 'Logged out' },
      errors: [400, 401, 413],
      handler: async ({ body, meta }) => {
        await services.apiAuth.logout(meta, { refreshToken: body.refresh_token });
        return { status: 204 };
      },
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Ask for a password-reset link by email',
      description:
        'Always 202 with the same body, whether or not an account uses the address (and in about the same time). A known, open account is mailed a link valid for one hour; a newer request invalidates older links; at most one mail a minute. Rate-limited like every /auth route.',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: PasswordResetRequestBody,
      requestExample: { email: 'ana@example.com' },
      success: {
        status: 202,
        description: 'Accepted (the same answer for every address)',
        schema: AcceptedSchema,
        example: { status: 'accepted', message: 'If an account uses this address, a link to reset its password is on its way.' },
      },
      errors: [400, 413],
      handler: async ({ body, meta }) => {
        await services.lifecycle.requestPasswordReset(meta, { email: body.email });
        return {
          status: 202,
          body: { status: 'accepted', message: translate(meta.locale ?? 'en', 'common:passwordResetAccepted') },
        };
      },
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Choose a new password with the token of a reset link',
      description:
        'The token works once, for one hour, and only if no newer reset was requested. The password policy applies. Every session of the user ends (all refresh tokens are revoked) and a lockout is cleared. An unusable token answers 400 with code VALIDATION_ERROR (AUTH.INVALID_RESET_TOKEN).',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: PasswordResetConfirmBody,
      requestExample: { token: 'eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl', password: 'new-Correct-horse-43' },
      success: { status: 204, description: 'The password is changed; log in with it' },
      errors: [400, 413],
      handler: async ({ body, meta }) => {
        await services.lifecycle.confirmPasswordReset(meta, { token: body.token, password: body.password });
        return { status: 204 };
      },
    }),
    op({
      method: 'post',
      path: '/api/v1/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the token of a verification link',
      description:
        'Sent at registration (to the address registered) and on a change of address (to the new one). The token works once, for two days, and only for the latest request. For a change of address, this is when the new address becomes the account email. 409 when the new address was taken meanwhile.',
      tag: 'Auth',
      auth: false,
      authRoute: true,
      body: VerifyEmailBody,
      requestExample: { token: 'eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl' },
      success: {
        status: 200,
        description: 'The address is verified',
        schema: VerifyEmailResultSchema,
        example: { email_verified: true, email_changed: false },
      },
      errors: [400, 409, 413],
      handler: async ({ body, meta }) => {
        const result = await services.lifecycle.verifyEmail(meta, { token: body.token });
        return { status: 200, body: { email_verified: true, email_changed: result.emailChanged } };
      },
    }),
  ];
}
