import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import type { Operation } from './operation.js';
import { ErrorSchema, IdempotencyHeaders } from './schemas.js';

const ERRORS: Record<number, { description: string; code: string; message: string; details?: unknown[] }> = {
  400: {
    description: 'The request is not valid (details name each field)',
    code: 'VALIDATION_ERROR',
    message: 'The request is not valid.',
    details: [{ field: 'amount', code: 'too_many_decimals', message: 'Too many decimal places for this currency.' }],
  },
  401: {
    description: 'Missing, invalid or expired credentials',
    code: 'UNAUTHENTICATED',
    message: 'Authentication is required.',
  },
  403: { description: 'Not allowed (e.g. the tenant is suspended)', code: 'FORBIDDEN', message: 'This account is suspended.' },
  404: { description: "Not found (also for other tenants' records)", code: 'NOT_FOUND', message: 'Not found.' },
  409: {
    description: 'Conflict: duplicate, or Idempotency-Key reused with a different request',
    code: 'CONFLICT',
    message: 'This Idempotency-Key was already used with a different request.',
  },
  413: { description: 'The body is larger than 64 kB', code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  429: {
    description: 'Rate limited; retry after Retry-After seconds',
    code: 'RATE_LIMITED',
    message: 'Too many requests. Please wait and try again.',
  },
  500: {
    description: 'Unexpected error (quote the correlation id)',
    code: 'INTERNAL_ERROR',
    message: 'Something went wrong on our side. Quote the correlation id when contacting support.',
  },
  503: {
    description: 'Temporarily unavailable; retry',
    code: 'SERVICE_UNAVAILABLE',
    message: 'The service is temporarily unavailable. Please retry shortly.',
  },
};

/** Any request can be unreadable (400, malformed JSON), too large (413), limited (429) or fail (500, 503). */
const ALWAYS = [400, 413, 429, 500, 503];

function errorResponse(status: number): ResponseConfig {
  const e = ERRORS[status]!;
  const response: ResponseConfig = {
    description: e.description,
    content: {
      'application/json': {
        schema: ErrorSchema,
        example: {
          error: {
            code: e.code,
            message: e.message,
            details: e.details ?? [],
            correlation_id: '5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30',
          },
        },
      },
    },
  };
  if (status === 429 || status === 503)
    response.headers = {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
    };
  if (status === 409)
    response.headers = {
      'Retry-After': {
        description: 'Present when an earlier request with this Idempotency-Key is still being processed: retry after it',
        schema: { type: 'integer', minimum: 1 },
      },
    };
  return response;
}

const TAGS = [
  { name: 'Auth', description: 'Registration, login, token refresh and logout' },
  { name: 'Me', description: 'The signed-in user' },
  { name: 'Accounts', description: 'Financial accounts with computed balances' },
  { name: 'Transactions', description: 'Append-only money movements and their adjustments' },
  { name: 'Categories', description: 'Classifications of transactions' },
  { name: 'Budgets', description: 'Spending limits per category and period' },
  { name: 'Data rights', description: "The user's own data export and account erasure" },
];

/** The OpenAPI 3.1 document of the API, generated from the operations' zod schemas. */
export function buildOpenApiDocument(operations: Operation[]): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /api/v1/auth/token (15 minutes)',
  });
  for (const o of operations) {
    const responses: Record<string, ResponseConfig> = {};
    responses[String(o.success.status)] = o.success.schema
      ? {
          description: o.success.description,
          content: { 'application/json': { schema: o.success.schema, example: o.success.example } },
        }
      : o.success.mediaType
        ? {
            description: o.success.description,
            content: {
              [o.success.mediaType]: {
                schema: o.success.mediaType.endsWith('json') ? { type: 'object' } : { type: 'string', format: 'binary' },
                ...(o.success.example === undefined ? {} : { example: o.success.example }),
              },
            },
            headers: {
              Digest: { description: 'sha-256=<base64> of the file', schema: { type: 'string' } },
              'Content-Disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } },
            },
          }
        : { description: o.success.description };
    if (o.idempotent)
      responses[String(o.success.status)]!.headers = {
        'Idempotent-Replayed': {
          description: '"true" when this is the stored response of an earlier request',
          schema: { type: 'string' },
        },
      };
    if (o.held)
      responses['202'] = { description: o.held.description, content: { 'application/json': { schema: o.held.schema } } };
    for (const status of [
      ...new Set([...o.errors, ...(o.auth ? [401] : []), ...(o.idempotent ? [400, 409] : []), ...ALWAYS]),
    ].sort())
      responses[String(status)] = errorResponse(status);
    registry.registerPath({
      method: o.method,
      path: o.path,
      operationId: o.operationId,
      summary: o.summary,
      description: o.description ?? o.summary,
      tags: [o.tag],
      security: o.auth ? [{ bearerAuth: [] }] : [],
      request: {
        ...(o.body && {
          body: { required: !o.optionalBody, content: { 'application/json': { schema: o.body, example: o.requestExample } } },
        }),
        ...(o.query && { query: o.query }),
        ...(o.params && { params: o.params }),
        ...(o.idempotent && { headers: IdempotencyHeaders }),
      },
      responses,
    });
  }
  const usedTags = new Set(operations.map((o) => o.tag));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Finance back office — public API',
      version: '1.0.0',
      description:
        "The API of tenants' users: their accounts, transactions, categories and budgets. JSON is snake_case; amounts are decimal strings. " +
        'Every creating POST requires an Idempotency-Key. Errors always have the shape of the Error schema, with messages in the language of Accept-Language (en, es). ' +
        'A method a path does not answer gets 405 with an Allow header (in the Error shape). Text fields are trimmed before their length is checked; NUL characters are refused; dates lie between 1900-01-01 and 2199-12-31.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The server this document is served from' }],
    tags: TAGS.filter((t) => usedTags.has(t.name)),
  });
}
