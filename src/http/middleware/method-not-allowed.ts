import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';

/** 405 in the one error shape, with the methods the path does answer (RFC 9110 §15.5.6). */
export function methodNotAllowed(allow: readonly string[]): RequestHandler {
  const header = allow.join(', ');
  return (_req, res, next) => {
    res.setHeader('Allow', header);
    next(new AppError({ code: 'HTTP.METHOD_NOT_ALLOWED', kind: 'METHOD_NOT_ALLOWED', params: { allow: header } }));
  };
}
