import type { Services } from '../../../services.js';
import { creatingOp, op, type Operation } from '../operation.js';
import { meJson, tokenPairJson } from '../serializers.js';
import { MeSchema, RefreshBody, RegisterBody, TokenBody, TokenPairSchema } from '../schemas.js';

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
      description: 'The password must have at least 12 characters and not be a common one. Requires Idempotency-Key.',
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
        example: {
          id: '1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
          email: 'ana@example.com',
          name: 'Ana García',
          role: 'OWNER',
          status: 'ACTIVE',
          locale: 'es',
          created_at: '2025-03-14T09:30:00.000Z',
          tenant: {
            id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
            name: 'The García household',
            slug: 'hh-5f1c2a9b0d3e',
            status: 'ACTIVE',
            base_currency: 'EUR',
          },
        },
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
  ];
}
