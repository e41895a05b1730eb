import type { Request, RequestHandler } from 'express';
import { AppError } from '../../src/lib/errors.js';

// Only GET passes unchecked: AdminJS ran an action's write branch for HEAD (any method but GET),
// and no admin route answers OPTIONS (no CORS). Nothing answers GET by changing state.
const SAFE_METHODS = new Set(['GET']);

function originOf(value: string | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Is `origin` this request's own host (any scheme: TLS may end at a proxy) or the public URL? */
function isOwnOrigin(req: Request, origin: string, publicOrigin: string | null): boolean {
  if (publicOrigin && origin === publicOrigin) return true;
  const host = req.get('host');
  return !!host && new URL(origin).host === host.toLowerCase();
}

/**
 * Refuses every request but GET from another origin (AdminJS has no CSRF
 * protection; the session cookie is SameSite=Lax, this is the second wall), with 403:
 * - a browser's `Sec-Fetch-Site` decides first: `same-origin` passes (it is computed by the
 *   browser against the page, so it stays right behind proxies that rewrite Host, and when a
 *   no-referrer policy makes the browser send `Origin: null`); `cross-site` is refused;
 *   `same-site` and `none` pass only with an `Origin` that is this host or PUBLIC_URL;
 * - without it (older browsers), `Origin`, or else `Referer`, must be this host or PUBLIC_URL;
 * - a request with no browser signal at all (curl, an API client) cannot have been forged by a
 *   web page and passes on to authentication.
 */
export function requireSameOrigin(publicUrl: string | undefined): RequestHandler {
  const publicOrigin = originOf(publicUrl);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const fetchSite = req.get('sec-fetch-site');
    const originHeader = req.get('origin');
    const refererHeader = req.get('referer');
    const claimed = originHeader !== undefined ? originOf(originHeader) : originOf(refererHeader);
    const ownClaim = !!claimed && isOwnOrigin(req, claimed, publicOrigin);
    let allowed: boolean;
    if (fetchSite === 'same-origin') allowed = true;
    else if (fetchSite !== undefined) allowed = fetchSite !== 'cross-site' && ownClaim;
    else allowed = (originHeader === undefined && refererHeader === undefined) || ownClaim;
    if (allowed) return next();
    req.log?.warn({ fetchSite, origin: claimed }, 'cross-origin admin request refused');
    next(
      new AppError({ code: 'ADMIN.CROSS_ORIGIN_REFUSED', kind: 'FORBIDDEN', internal: 'cross-origin state-changing request' }),
    );
  };
}
