import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, isAppError, type ErrorDetail } from '../../lib/errors.js';
import { translate } from '../../lib/i18n.js';
import { fromUnknown } from '../../lib/error-mapping.js';
import { isHeldForApproval, type ApprovalRequestView } from '../../modules/approvals/approval.held.js';

/** A held change as the API answers it (202): the approval request, snake_case. */
export function approvalRequestJson(r: ApprovalRequestView) {
  return {
    id: r.id,
    status: r.status,
    action: r.action,
    tenant_id: r.tenantId,
    target_type: r.targetType,
    target_id: r.targetId,
    reason: r.reason,
    approvals_required: r.approvalsRequired,
    approvals_given: r.approvalsGiven,
    expires_at: r.expiresAt.toISOString(),
    created_at: r.createdAt.toISOString(),
  };
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; correlation_id: string };
}

/** Builds the one error body of SPEC §4.3, translated for the request's language. */
export function errorBody(err: AppError, req: Request): ErrorBody {
  // A signed-in staff member's language (set by the admin's session guard) wins over the browser's.
  const chosen = (req.res?.locals as { locale?: unknown } | undefined)?.locale;
  const locale = chosen === 'en' || chosen === 'es' ? chosen : req.acceptsLanguages('en', 'es') || 'en';
  return {
    error: {
      code: err.kind,
      message: translate(locale, `errors:${err.code}`, err.params, `errors:${err.kind}`),
      details: err.details.map((d) => ({
        field: d.field,
        code: d.code,
        message: translate(locale, `errors:details.${d.code}`, {}, d.message),
      })),
      correlation_id: req.id as string,
    },
  };
}

/** The single error middleware: every failure leaves in the same shape, never with internals. */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  // Not a failure: the change waits for a second person (four-eyes, ADR 0013). 202 with the request.
  if (isHeldForApproval(error)) {
    res.status(202).json({ approval_request: approvalRequestJson(error.request) });
    return;
  }
  const appError = isAppError(error) ? error : fromUnknown(error);
  const log = req.log ?? console;
  if (appError.status >= 500) log.error({ err: error, code: appError.code }, 'request failed');
  else log.info({ code: appError.code }, 'request rejected');
  if (appError.retryAfter) res.setHeader('Retry-After', String(appError.retryAfter));
  res.status(appError.status).json(errorBody(appError, req));
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError({ code: 'HTTP.ROUTE_NOT_FOUND', kind: 'NOT_FOUND' }));
};
