import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';
import { normaliseLocale } from '../../lib/i18n.js';
import type { RequestMeta } from '../../modules/access/context.factory.js';
import type { Services } from '../../services.js';

/** The request's metadata for services: correlation id, language, client address and agent. */
export function requestMeta(req: Request): RequestMeta {
  const language = req.get('accept-language');
  return {
    correlationId: typeof req.id === 'string' ? req.id : JSON.stringify(req.id),
    ...(language && { locale: normaliseLocale(req.acceptsLanguages('en', 'es') || language) }),
    ...(req.ip && { ip: req.ip.slice(0, 100) }),
    ...(req.get('user-agent') && { userAgent: req.get('user-agent')!.slice(0, 500) }),
  };
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Bearer authentication: the token is verified and the user, tenant and session checked by the
 * api-auth service, which builds the request's ServiceContext (res.locals.ctx).
 */
export function authenticate(services: Services): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? BEARER.exec(header) : null;
    if (!match) {
      next(new AppError({ code: header ? 'AUTH.INVALID_TOKEN' : 'AUTH.TOKEN_REQUIRED', kind: 'UNAUTHENTICATED' }));
      return;
    }
    services.apiAuth.authenticate(match[1]!, requestMeta(req)).then((ctx) => {
      res.locals.ctx = ctx;
      next();
    }, next);
  };
}
