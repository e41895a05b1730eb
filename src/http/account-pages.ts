import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { isAppError } from '../lib/errors.js';
import { normaliseLocale, translate, type Locale } from '../lib/i18n.js';
import type { Runtime } from '../runtime.js';
import type { Services } from '../services.js';
import { requestMeta } from './api/authenticate.js';
import { createRateLimiters } from './api/rate-limit.js';

/**
 * The two pages a link in account mail opens, for users without a separate web app
 * (ACCOUNT_LINK_BASE_URL points elsewhere when there is one): /reset-password (choose a new
 * password) and /verify-email (confirm an address). Server-rendered HTML forms: no script at all,
 * no third-party asset, one inline style (the CSP allows inline styles; scripts would need the
 * response's nonce), English or Spanish (`lang`, else Accept-Language). Thin adapters: they call
 * the same lifecycle service as the API.
 */

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function localeOf(req: Request): Locale {
  const asked = (req.body as { lang?: unknown } | undefined)?.lang ?? req.query.lang;
  if (typeof asked === 'string' && (asked === 'en' || asked === 'es')) return asked;
  return normaliseLocale(req.acceptsLanguages('en', 'es') || 'en');
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; line-height: 1.5; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; border: 1px solid #c9ced6; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #5b6470; border-radius: 4px; }
  button { margin-top: 1.5rem; padding: .7rem 1.2rem; font-size: 1rem; background: #0b5394; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  :focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
  .hint { color: #4a525c; font-size: .9rem; margin: .25rem 0 0; }
  .error { color: #a4161a; font-weight: 600; }
  .ok { color: #1e6b30; font-weight: 600; }
  nav { margin-top: 2rem; font-size: .9rem; }
  a { color: #0b5394; }
`;

function page(
  res: Response,
  locale: Locale,
  view: { status?: number; title: string; body: string; path: string; token?: string | undefined },
): void {
  const t = (key: string) => translate(locale, `pages:${key}`);
  const other: Locale = locale === 'en' ? 'es' : 'en';
  const switchHref = `${view.path}?lang=${other}${view.token ? `&token=${encodeURIComponent(view.token)}` : ''}`;
  const nonce = String((res.locals as { cspNonce?: string }).cspNonce ?? '');
  res
    .status(view.status ?? 200)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(view.title)} — ${escapeHtml(translate(locale, 'common:appName'))}</title>
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(view.title)}</h1>
${view.body}
<nav aria-label="${escapeHtml(t('language'))}"><a href="${escapeHtml(switchHref)}" lang="${other}" hreflang="${other}">${escapeHtml(
        translate(other, 'pages:switchTo'),
      )}</a></nav>
</main>
</body>
</html>`,
    );
}

const message = (cls: 'error' | 'ok', text: string) =>
  `<p class="${cls}" role="${cls === 'error' ? 'alert' : 'status'}">${escapeHtml(text)}</p>`;

function resetForm(locale: Locale, token: string, error?: string): string {
  const t = (key: string) => translate(locale, `pages:${key}`);
  return `${error ? message('error', error) : ''}
<p>${escapeHtml(t('reset.intro'))}</p>
<form method="post" action="/reset-password" novalidate>
<input type="hidden" name="token" value="${escapeHtml(token)}">
<input type="hidden" name="lang" value="${locale}">
<label for="password">${escapeHtml(t('reset.password'))}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256" aria-describedby="password-hint"${
    error ? ' aria-invalid="true"' : ''
  }>
<p class="hint" id="password-hint">${escapeHtml(t('reset.hint'))}</p>
<label for="confirm">${escapeHtml(t('reset.confirm'))}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="256">
<button type="submit">${escapeHtml(t('reset.submit'))}</button>
</form>`;
}

function verifyForm(locale: Locale, token: string): string {
  const t = (key: string) => translate(locale, `pages:${key}`);
  // Confirming takes a click (a POST): mail scanners that open links must not confirm for the user.
  return `<p>${escapeHtml(t('verify.intro'))}</p>
<form method="post" action="/verify-email">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<input type="hidden" name="lang" value="${locale}">
<button type="submit">${escapeHtml(t('verify.submit'))}</button>
</form>`;
}

/** The two flows: their path, their keys in the `pages` namespace and their form. */
interface Flow {
  key: 'reset' | 'verify';
  path: string;
  form: (locale: Locale, token: string, error?: string) => string;
}
const RESET: Flow = { key: 'reset', path: '/reset-password', form: resetForm };
const VERIFY: Flow = { key: 'verify', path: '/verify-email', form: verifyForm };

/** A page of a flow: its title (or its "done" title) around `body`. */
function flowPage(
  res: Response,
  locale: Locale,
  flow: Flow,
  view: { status?: number; done?: boolean; body: string; token?: string | undefined },
): void {
  const title = translate(locale, `pages:${flow.key}.${view.done ? 'doneTitle' : 'title'}`);
  page(res, locale, { status: view.status, title, path: flow.path, token: view.token, body: view.body });
}

/** The page of a link that is missing, malformed, used or expired. */
const invalidLink = (res: Response, locale: Locale, flow: Flow, status = 400, key = 'invalid'): void =>
  flowPage(res, locale, flow, { status, body: message('error', translate(locale, `pages:${flow.key}.${key}`)) });

/** Whether the two typed passwords agree, compared in constant time. */
const sameText = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name] ?? req.query[name];
  return typeof value === 'string' ? value.slice(0, 2048) : '';
};

/** The pages' router (mounted at the root of the app). */
export function createAccountPagesRouter(runtime: Runtime, services: Services): Router {
  const router = Router();
  const limits = createRateLimiters(runtime);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const wrap =
    (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    (req, res, next) => {
      handler(req, res).catch(next);
    };

  // Opening a link shows its form (nothing is confirmed by a GET); without a token, says so.
  for (const flow of [RESET, VERIFY])
    router.get(flow.path, limits.perIp, (req, res) => {
      const locale = localeOf(req);
      const token = field(req, 'token');
      if (!token) return invalidLink(res, locale, flow);
      flowPage(res, locale, flow, { token, body: flow.form(locale, token) });
    });

  router.post(
    '/reset-password',
    limits.perAuthIp,
    form,
    wrap(async (req, res) => {
      const locale = localeOf(req);
      const t = (key: string) => translate(locale, `pages:${key}`);
      const token = field(req, 'token');
      const password = field(req, 'password');
      const again = (error: string) =>
        flowPage(res, locale, RESET, { status: 400, token, body: resetForm(locale, token, error) });
      if (!password) return again(t('errors.password_required'));
      if (!sameText(password, field(req, 'confirm'))) return again(t('errors.password_mismatch'));
      try {
        await services.lifecycle.confirmPasswordReset(requestMeta(req), { token, password });
      } catch (err) {
        if (isAppError(err) && err.code === 'AUTH.WEAK_PASSWORD') {
          const code = err.details[0]?.code ?? 'password_too_short';
          return again(t(`errors.${code}`));
        }
        if ((isAppError(err) && err.code === 'AUTH.INVALID_RESET_TOKEN') || (err instanceof Error && err.name === 'ZodError'))
          return invalidLink(res, locale, RESET);
        throw err;
      }
      flowPage(res, locale, RESET, { done: true, body: message('ok', t('reset.done')) });
    }),
  );

  router.post(
    '/verify-email',
    limits.perAuthIp,
    form,
    wrap(async (req, res) => {
      const locale = localeOf(req);
      const t = (key: string) => translate(locale, `pages:${key}`);
      try {
        const { emailChanged } = await services.lifecycle.verifyEmail(requestMeta(req), { token: field(req, 'token') });
        flowPage(res, locale, VERIFY, { done: true, body: message('ok', t(emailChanged ? 'verify.changed' : 'verify.done')) });
      } catch (err) {
        const known =
          (isAppError(err) && ['AUTH.INVALID_VERIFICATION_TOKEN', 'USER.EMAIL_TAKEN'].includes(err.code)) ||
          (err instanceof Error && err.name === 'ZodError');
        if (!known) throw err;
        const taken = isAppError(err) && err.code === 'USER.EMAIL_TAKEN';
        invalidLink(res, locale, VERIFY, taken ? 409 : 400, taken ? 'taken' : 'invalid');
      }
    }),
  );
  return router;
}
