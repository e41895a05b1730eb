import type { ExportJob } from '@prisma/client';
import type { Services } from '../../../services.js';
import { creatingOp, op, type Operation } from '../operation.js';
import type { ConsentState } from '../../../modules/lifecycle/lifecycle.service.js';
import { meJson } from '../serializers.js';
import {
  ConsentsBody,
  ConsentsSchema,
  DeleteMeBody,
  ErasureSchema,
  EXAMPLE_ME,
  ExportJobSchema,
  IdParams,
  MeSchema,
  RectifyMeBody,
} from '../schemas.js';

const EXAMPLE_CONSENTS = {
  marketing: true,
  notifications: true,
  updated_at: '2025-03-14T09:30:00.000Z',
  history: [{ purpose: 'MARKETING', granted: true, source: 'API', at: '2025-03-14T09:30:00.000Z' }],
};

export function consentsJson(c: ConsentState) {
  return {
    marketing: c.marketing,
    notifications: c.notifications,
    updated_at: c.updatedAt?.toISOString() ?? null,
    history: c.history.map((h) => ({ purpose: h.purpose, granted: h.granted, source: h.source, at: h.createdAt.toISOString() })),
  };
}

const EXAMPLE_EXPORT = {
  id: '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a',
  status: 'QUEUED',
  resource: 'TenantBundle',
  format: 'JSON',
  rows_done: 0,
  rows_total: null,
  sha256: null,
  error: null,
  created_at: '2025-03-14T09:30:00.000Z',
  started_at: null,
  finished_at: null,
  download_url: null,
};

export function exportJson(job: ExportJob) {
  return {
    id: job.id,
    status: job.status,
    resource: job.resource,
    format: job.format,
    rows_done: Number(job.rowsDone),
    rows_total: job.rowsTotal === null ? null : Number(job.rowsTotal),
    sha256: job.sha256,
    error: job.status === 'FAILED' ? 'The export failed; request a new one.' : null,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    download_url: job.status === 'COMPLETED' ? `/api/v1/me/exports/${job.id}/download` : null,
  };
}

/**
 * The user's data rights: rectification, consent, their own export (right of access) and closing
 * their account (erasure).
 */
export function meOperations(services: Services): Operation[] {
  return [
    op({
      method: 'patch',
      path: '/api/v1/me',
      operationId: 'rectifyMe',
      summary: 'Correct my personal data (rectification)',
      description:
        'Changes name, phone and locale at once. A new email only becomes the account email once the link sent to it is followed (POST /api/v1/auth/verify-email); until then it is `pending_email`, and the current address is told. Sending the current email again cancels a pending change. 409 when the address belongs to another account.',
      tag: 'Data rights',
      auth: true,
      body: RectifyMeBody,
      requestExample: { name: 'Ana García López', email: 'ana.garcia@example.com' },
      success: {
        status: 200,
        description: 'The user after the change',
        schema: MeSchema,
        example: { ...EXAMPLE_ME, name: 'Ana García López', pending_email: 'ana.garcia@example.com' },
      },
      errors: [400, 401, 403, 404, 409, 413],
      handler: async ({ ctx, body }) => {
        await services.lifecycle.rectify(ctx, body);
        return { status: 200, body: meJson(await services.apiAuth.getProfile(ctx)) };
      },
    }),
    op({
      method: 'post',
      path: '/api/v1/me/email-verification',
      operationId: 'resendEmailVerification',
      summary: 'Send a new verification link',
      description:
        'For the address waiting to be verified (a pending new one, or the unverified current one). Earlier links stop working. 409 when there is nothing to verify.',
      tag: 'Data rights',
      auth: true,
      success: { status: 202, description: 'A new link is on its way' },
      errors: [401, 403, 404, 409],
      handler: async ({ ctx }) => {
        await services.lifecycle.resendVerification(ctx);
        return { status: 202 };
      },
    }),
    op({
      method: 'get',
      path: '/api/v1/me/consents',
      operationId: 'getMyConsents',
      summary: 'My consents and their history',
      description:
        'Marketing email is opt-in; notifications are on until turned off. Each change is recorded with its time and source.',
      tag: 'Data rights',
      auth: true,
      success: { status: 200, description: 'The consents', schema: ConsentsSchema, example: EXAMPLE_CONSENTS },
      errors: [401, 403, 404],
      handler: async ({ ctx }) => ({ status: 200, body: consentsJson(await services.lifecycle.getConsents(ctx)) }),
    }),
    op({
      method: 'put',
      path: '/api/v1/me/consents',
      operationId: 'setMyConsents',
      summary: 'Give or withdraw consents',
      description:
        'A consent left out is kept as it is. Each change is recorded (time, source API) and audited. Without marketing consent no marketing mail is sent: the outbox checks it again when it delivers, so a withdrawal takes effect at once.',
      tag: 'Data rights',
      auth: true,
      body: ConsentsBody,
      requestExample: { marketing: true },
      success: { status: 200, description: 'The consents after the change', schema: ConsentsSchema, example: EXAMPLE_CONSENTS },
      errors: [400, 401, 403, 404, 413],
      handler: async ({ ctx, body }) => ({ status: 200, body: consentsJson(await services.lifecycle.setConsents(ctx, body)) }),
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/me/exports',
      operationId: 'requestMyExport',
      summary: 'Export all my data',
      description:
        "Starts (or returns the running) export of the household's data as the user may see it. Poll it with GET /api/v1/me/exports/{id}.",
      tag: 'Data rights',
      auth: true,
      success: { status: 201, description: 'The export job', schema: ExportJobSchema, example: EXAMPLE_EXPORT },
      errors: [400, 401, 403, 409],
      creates: async ({ ctx, write }) => services.exports.requestUserExport(ctx, write),
      respond: (job) => ({ status: 201, body: exportJson(job) }),
    }),
    op({
      method: 'get',
      path: '/api/v1/me/exports/{id}',
      operationId: 'getMyExport',
      summary: 'Progress of one of my exports',
      tag: 'Data rights',
      auth: true,
      params: IdParams,
      success: {
        status: 200,
        description: 'The export job with its progress',
        schema: ExportJobSchema,
        example: {
          ...EXAMPLE_EXPORT,
          status: 'RUNNING',
          rows_done: 1200,
          rows_total: 5400,
          started_at: '2025-03-14T09:30:02.000Z',
        },
      },
      errors: [401, 403, 404],
      handler: async ({ ctx, params }) => ({ status: 200, body: exportJson(await services.exports.getForUser(ctx, params.id)) }),
    }),
    op({
      method: 'get',
      path: '/api/v1/me/exports/{id}/download',
      operationId: 'downloadMyExport',
      summary: 'Download one of my finished exports',
      description: 'The file of a COMPLETED export, with its SHA-256 in the Digest header. Audited.',
      tag: 'Data rights',
      auth: true,
      params: IdParams,
      success: {
        status: 200,
        description: "The export file: the household's data as one JSON document (right of access)",
        mediaType: 'application/json',
        example: {
          tenant: { id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', name: 'The García household', baseCurrency: 'EUR' },
          users: [],
          accounts: [],
          categories: [],
          transactions: [],
          budgets: [],
          recurringRules: [],
          assets: [],
          liabilities: [],
          loans: [],
        },
      },
      errors: [401, 403, 404, 409],
      handler: async ({ ctx, params }) => ({ status: 200, file: await services.exports.download(ctx, params.id) }),
    }),
    op({
      method: 'delete',
      path: '/api/v1/me',
      operationId: 'deleteMe',
      summary: 'Close my account (erasure request)',
      description:
        'Closes the account at once (tokens stop working) and schedules the erasure of personal data after the grace period. Financial records are kept anonymised. Asking twice returns the first request.',
      tag: 'Data rights',
      auth: true,
      body: DeleteMeBody,
      optionalBody: true,
      requestExample: { reason: 'I no longer use the app' },
      success: {
        status: 202,
        description: 'Closed; erasure scheduled',
        schema: ErasureSchema,
        example: {
          user_id: '1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
          status: 'CLOSED',
          closed_at: '2025-03-14T09:30:00.000Z',
          erasure_due_at: '2025-04-13T09:30:00.000Z',
          tenant_closed: false,
        },
      },
      errors: [400, 401, 403, 404, 413],
      handler: async ({ ctx, body }) => {
        const result = await services.erasure.requestErasure(ctx, { reason: body?.reason });
        return {
          status: 202,
          body: {
            user_id: result.userId,
            status: 'CLOSED',
            closed_at: result.closedAt.toISOString(),
            erasure_due_at: result.erasureDueAt.toISOString(),
            tenant_closed: result.tenantClosed,
          },
        };
      },
    }),
  ];
}
