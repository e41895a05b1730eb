import type AdminJS from 'adminjs';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import type { Runtime } from '../../src/runtime.js';
import type { Services } from '../../src/services.js';
import type { RequestMeta } from '../../src/modules/access/context.factory.js';
import { normaliseLocale } from '../../src/lib/i18n.js';
import { AppError, isAppError } from '../../src/lib/errors.js';
import { StaffLoginError, type SessionEnd } from '../../src/modules/staff-auth/staff-auth.service.js';
import type { StaffSessionUser } from '../../src/modules/staff-auth/staff-auth.schemas.js';
import { attachRequestMeta } from './current-admin.js';
import { loginRateLimiter } from './rate-limit.js';
import { requireSameOrigin } from './same-origin.js';
import { adminBodyParser } from '../http/body.js';
import { renderLoginPage } from '../layout.js';
import { methodNotAllowed } from '../../src/http/middleware/method-not-allowed.js';
import type { SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'backoffice.sid';

/** What the login page may be told; keys of `components.Login.messages` in locales/<lng>/admin.json. */
export type LoginNotice =
  'invalidCredentials' | 'invalidCode' | 'tooManyRequests' | 'sessionEnded' | 'loggedOut' | 'httpsRequired';

/** How long the second factor may follow a right password. */
const SECOND_FACTOR_MS = 5 * 60_000;

export interface StaffSessionOptions {
  admin: AdminJS;
  runtime: Pick<Runtime, 'config' | 'secrets' | 'redis' | 'logger'>;
  services: Pick<Services, 'staffAuth'>;
  store: SessionStore;
}

export interface StaffSessionLayer {
  /** Same-origin check, session, login and logout: mount before anything that needs a session. */
  entry: Router;
  /** Lets only a live staff session through; everything after it can trust `req.session.adminUser`. */
  guard: RequestHandler;
  /** POST /api/me/locale: the language switch, persisted to the staff member's profile. */
  localeRoute: RequestHandler;
  cookie: session.CookieOptions;
}

export const requestMeta = (req: Request): RequestMeta & { correlationId: string } => ({
  correlationId: typeof req.id === 'string' ? req.id : JSON.stringify(req.id),
  ip: req.ip,
  userAgent: req.get('user-agent')?.slice(0, 500),
});

/** The session store (Redis or PostgreSQL) failed: 503, the client may retry; never a 500. */
const storeUnavailable = (cause: unknown) =>
  new AppError({
    code: 'ADMIN.SESSION_STORE_UNAVAILABLE',
    kind: 'SERVICE_UNAVAILABLE',
    retryAfter: 5,
    cause,
    internal: 'session store unavailable',
  });

/**
 * Whether two plain records hold the same values, whatever their key order (a session read back
 * from a jsonb column has its keys reordered: comparing JSON texts saw a change on every request).
 */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.is(x[k], y[k]));
}

/** A session operation as a promise; a store failure becomes SERVICE_UNAVAILABLE. */
const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(storeUnavailable(err)) : resolve())));

/**
 * Staff login and sessions around AdminJS (@adminjs/express's stock login keeps the session id
 * across login and has no timeouts; this layer replaces it):
 * - the session id is regenerated at login (no fixation), the cookie is HttpOnly, SameSite=Lax
 *   and Secure in production;
 * - idle timeout (SESSION_IDLE_MINUTES: the cookie and the store entry expire after that much
 *   inactivity, and the server checks the idle clock too) and absolute timeout
 *   (SESSION_ABSOLUTE_HOURS after login, whatever the activity). The idle clock (lastSeenAt), the
 *   store entry's expiry and the cookie are extended together, by one session save, only when the
 *   clock is older than a tenth of the idle timeout (at most one minute) — not on every click,
 *   which cost a durable write per admin request (issue 17). A session therefore ends between
 *   idle − touchEveryMs and idle after its last request;
 * - every request re-reads the staff member: disabled, or sessionVersion bumped, ends the session
 *   at once;
 * - state-changing requests from another origin are refused; logins are rate limited per IP;
 * - an account with TOTP gives its code in a second step (same form, field `code`) within five
 *   minutes of the right password; until then the session carries no staff member at all.
 */
export function createStaffSessionLayer({ admin, runtime, services, store }: StaffSessionOptions): StaffSessionLayer {
  const { config } = runtime;
  const rootPath = admin.options.rootPath;
  const loginPath = admin.options.loginPath;
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  /** How stale the idle clock may get before a request extends the session (one store write). */
  const touchEveryMs = Math.min(60_000, Math.floor(idleMs / 10));
  const absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3_600_000;
  const cookie: session.CookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.NODE_ENV !== 'development' && config.NODE_ENV !== 'test',
    path: rootPath,
    maxAge: idleMs,
  };

  const storeSession = session({
    name: SESSION_COOKIE,
    secret: runtime.secrets.sessionSecret,
    store: store.store,
    cookie,
    // Not rolling: the cookie is sent again only when the session is saved (see touchEveryMs).
    rolling: false,
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
  });
  const sessionMiddleware: RequestHandler = (req, res, next) => {
    storeSession(req, res, (err?: unknown) => (err ? next(storeUnavailable(err)) : next()));
  };

  const loginLanguage = (req: Request) => {
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    return normaliseLocale(asked ?? (req.acceptsLanguages('en', 'es') || 'en'));
  };

  const renderLogin = async (req: Request, res: Response, notice?: LoginNotice, step: 'password' | 'totp' = 'password') => {
    // Only fixed keys reach the page: AdminJS embeds these props in an inline script.
    const html = await renderLoginPage(
      admin,
      { action: loginPath, errorMessage: notice ?? null, language: loginLanguage(req), step },
      String(res.locals.cspNonce ?? ''),
    );
    res.type('html').send(html);
  };

  /** Opens the staff session: a new session id (an id planted before login is worth nothing after it). */
  const establish = async (req: Request, res: Response, user: StaffSessionUser) => {
    const redirectTo = safeRedirect(req.session.redirectTo);
    await promisify((cb) => req.session.regenerate(cb));
    const now = Date.now();
    req.session.adminUser = user;
    req.session.loginAt = now;
    req.session.lastSeenAt = now;
    await promisify((cb) => req.session.save(cb));
    res.redirect(302, redirectTo);
  };

  /** Only paths inside the admin, so a crafted `redirectTo` cannot send anyone elsewhere. */
  const safeRedirect = (target: string | undefined) =>
    target && (target === rootPath || target.startsWith(`${rootPath}/`)) && !target.startsWith('//') && !target.includes('\\')
      ? target
      : rootPath;

  const destroy = async (req: Request, res: Response) => {
    await promisify((cb) => req.session.destroy(cb));
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: cookie.secure === true, path: rootPath });
  };

  const toLogin = (req: Request, res: Response, notice?: LoginNotice) => {
    // AdminJS's API answers JSON: an unauthenticated call gets a 401 in the error shape, not a page.
    if (req.path.startsWith('/api/')) throw new AppError({ code: 'AUTH.UNAUTHENTICATED', kind: 'UNAUTHENTICATED' });
    const isPage = req.method === 'GET' && req.accepts('html');
    if (isPage && req.session && !notice) req.session.redirectTo = req.originalUrl;
    res.redirect(302, notice ? `${loginPath}?notice=${notice}` : loginPath);
  };

  const endSession = async (req: Request, res: Response, user: StaffSessionUser, reason: SessionEnd) => {
    await services.staffAuth.recordSessionEnd(user, requestMeta(req), reason);
    await destroy(req, res);
    toLogin(req, res, 'sessionEnded');
  };

  const entry = Router();
  entry.use(requireSameOrigin(config.PUBLIC_URL));
  entry.use(sessionMiddleware);

  entry.get('/login', (req, res, next) => {
    if (req.session.adminUser) return res.redirect(302, rootPath);
    const notice =
      typeof req.query.notice === 'string' && ['sessionEnded', 'loggedOut'].includes(req.query.notice)
        ? (req.query.notice as LoginNotice)
        : undefined;
    renderLogin(req, res, notice).catch(next);
  });

  const limiter = loginRateLimiter(runtime, (req, res, next) => {
    renderLogin(req, res, 'tooManyRequests').catch(next);
  });
  entry.post('/login', limiter, adminBodyParser({ maxFields: 10, maxBodyBytes: 64 * 1024 }), (req, res, next) => {
    const fields = req.fields ?? {};
    const field = (name: string) => (typeof fields[name] === 'string' ? fields[name] : '');
    (async () => {
      if (cookie.secure && !req.secure) {
        // A Secure cookie is never set over plain HTTP: say so rather than loop back to this page.
        runtime.logger.warn('staff login over plain HTTP refused: serve the admin over HTTPS (TRUST_PROXY behind a TLS proxy)');
        res.status(400);
        await renderLogin(req, res, 'httpsRequired');
        return;
      }
      const meta = requestMeta(req);
      const pending = req.session.pendingSecondFactor;
      const isCodeStep = !field('email') && !!field('code');
      try {
        if (isCodeStep) {
          if (!pending || Date.now() - pending.at > SECOND_FACTOR_MS) {
            res.status(401);
            await renderLogin(req, res, 'invalidCredentials');
            return;
          }
          const user = await services.staffAuth.completeSecondFactor(meta, {
            staffUserId: pending.staffUserId,
            code: field('code'),
          });
          await establish(req, res, user);
          return;
        }
        const outcome = await services.staffAuth.login(meta, { email: field('email'), password: field('password') });
        if (outcome.status === 'authenticated') {
          await establish(req, res, outcome.user);
          return;
        }
        // Password right, code still to come: a fresh id already, and nothing a page may use.
        const redirectTo = req.session.redirectTo;
        await promisify((cb) => req.session.regenerate(cb));
        req.session.pendingSecondFactor = { staffUserId: outcome.staffUserId, at: Date.now() };
        if (redirectTo) req.session.redirectTo = redirectTo;
        await promisify((cb) => req.session.save(cb));
        await renderLogin(req, res, undefined, 'totp');
      } catch (err) {
        if (err instanceof StaffLoginError || (isAppError(err) && err.kind === 'VALIDATION_ERROR')) {
          res.status(401);
          const retryCode = isCodeStep && err instanceof StaffLoginError && err.refusal === 'invalid_second_factor';
          if (!retryCode && req.session.pendingSecondFactor) delete req.session.pendingSecondFactor;
          await renderLogin(req, res, retryCode ? 'invalidCode' : 'invalidCredentials', retryCode ? 'totp' : 'password');
          return;
        }
        throw err;
      }
    })().catch(next);
  });

  const logout: RequestHandler = (req, res, next) => {
    (async () => {
      const user = req.session.adminUser;
      if (user) await services.staffAuth.logout(await services.staffAuth.contextFor(user, requestMeta(req)));
      await destroy(req, res);
      res.redirect(302, `${loginPath}?notice=loggedOut`);
    })().catch(next);
  };
  // Only a POST logs out (a link or an image on another page must not end a session).
  entry.post('/logout', logout);
  entry.all('/logout', methodNotAllowed(['POST']));

  const guard: RequestHandler = (req, res, next) => {
    (async () => {
      const user = req.session?.adminUser;
      if (!user) return toLogin(req, res);
      const now = Date.now();
      if (!req.session.loginAt || now - req.session.loginAt > absoluteMs) return endSession(req, res, user, 'absolute_timeout');
      if (req.session.lastSeenAt && now - req.session.lastSeenAt > idleMs) return endSession(req, res, user, 'idle_timeout');
      const check = await services.staffAuth.checkSession(user);
      if (!check.ok) return endSession(req, res, user, check.reason);
      // Name, role or language changed since login: the session follows the account.
      if (!sameFields(check.user, user)) req.session.adminUser = check.user;
      // Modifying the session saves it (store expiry and cookie pushed forward): only when due.
      if (!req.session.lastSeenAt || now - req.session.lastSeenAt >= touchEveryMs) req.session.lastSeenAt = now;
      attachRequestMeta(req.session.adminUser!, requestMeta(req));
      // Errors of admin requests speak the staff member's language, not the browser's.
      res.locals.locale = req.session.adminUser?.locale;
      next();
    })().catch(next);
  };

  const localeRoute: RequestHandler = (req, res, next) => {
    (async () => {
      const user = req.session.adminUser!;
      const ctx = await services.staffAuth.contextFor(user, requestMeta(req));
      // The admin's body parser puts JSON and form bodies alike into req.fields; the service validates.
      const locale = req.fields?.locale;
      req.session.adminUser = await services.staffAuth.setLocale(ctx, { locale: locale as 'en' });
      res.status(204).end();
    })().catch(next);
  };

  return { entry, guard, localeRoute, cookie };
}
