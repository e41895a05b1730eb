import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, isAppError, type ErrorDetail } from '../../lib/errors.js';
import { translate } from '../../lib/i18n.js';
import { fromUnknown } from '../../lib/error-mapping.js';

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
