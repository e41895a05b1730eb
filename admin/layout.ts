import { combineStyles } from '@adminjs/design-system';
import type AdminJS from 'adminjs';
import {
  createStore,
  getAssets,
  getBranding,
  getLocales,
  initializeAssets,
  initializeBranding,
  initializeLocale,
  initializeStore,
  ViewHelpers,
  type CurrentAdmin,
} from 'adminjs';
import serialize from 'serialize-javascript';

/**
 * The admin's HTML pages, rendered here rather than by AdminJS's layout and login templates
 * (adminjs 7.8 `frontend/layout-template.js`, `login-template.js`), which write the page state
 * into inline scripts with a bare `JSON.stringify` — a staff name containing `</script>` closes
 * the script and runs whatever follows in every other staff member's session — and which need
 * `'unsafe-inline'` scripts. Here:
 * - every value written into a script goes through serialize-javascript, which escapes `<`, `>`,
 *   `/`, U+2028 and U+2029, so no string can end the script or the JavaScript literal;
 * - every value written into HTML is HTML-escaped;
 * - every inline script carries the request's CSP nonce (src/http/app.ts), so the policy needs
 *   no `'unsafe-inline'` for scripts;
 * - no third-party stylesheet (AdminJS links Google Fonts: a request to a third party on every
 *   page, and the reason the policy allowed `https:` styles).
 * The state, the bundles and the start-up script are the same as AdminJS's own.
 */

const escapeHtml = (value: string | undefined): string =>
  (value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A value as a JavaScript expression that is safe inside an HTML `<script>` element. */
export const scriptValue = (value: unknown): string => serialize(value ?? null, { isJSON: true });

const RESET_CSS = `
      html, body, div, span, applet, object, iframe, h1, h2, h3, h4, h5, h6, p, blockquote, pre,
      a, abbr, acronym, address, big, cite, code, del, dfn, em, img, ins, kbd, q, s, samp,
      small, strike, strong, sub, sup, tt, var, b, u, i, center, dl, dt, dd, ol, ul, li,
      fieldset, form, label, legend, table, caption, tbody, tfoot, thead, tr, th, td,
      article, aside, canvas, details, embed, figure, figcaption, footer, header, hgroup,
      main, menu, nav, output, ruby, section, summary, time, mark, audio, video {
        margin: 0; padding: 0; border: 0; font-size: 100%; font: inherit; vertical-align: baseline;
      }
      article, aside, details, figcaption, figure, footer, header, hgroup, main, menu, nav, section { display: block; }
      *[hidden] { display: none; }
      body { line-height: 1; }
      ol, ul { list-style: none; }
      blockquote, q { quotes: none; }
      blockquote:before, blockquote:after, q:before, q:after { content: ''; content: none; }
      table { border-collapse: collapse; border-spacing: 0; }
      html, body, #app { margin: 0; padding: 0; width: 100%; height: 100%; color: '#0C1E29'; }
      #app { isolation: isolate; }
      :root { color-scheme: light; }`;

interface Assets {
  scripts?: string[];
  styles?: string[];
}

function favicon(branding: { favicon?: string }): string {
  if (!branding.favicon) return '';
  const type = /\.png$/.test(branding.favicon) ? 'image/png' : 'image/x-icon';
  return `<link rel="shortcut icon" type="${type}" href="${escapeHtml(branding.favicon)}" />`;
}

function bundles(admin: AdminJS, assets: Assets | undefined, nonce: string) {
  const h = new ViewHelpers({ options: admin.options });
  const attr = `nonce="${escapeHtml(nonce)}"`;
  const src = (asset: string) => `<script ${attr} src="${escapeHtml(h.assetPath(asset, assets))}"></script>`;
  return {
    attr,
    core: ['global.bundle.js', 'design-system.bundle.js', 'app.bundle.js', 'components.bundle.js'].map(src).join('\n'),
    scripts: (assets?.scripts ?? []).map((s) => `<script ${attr} src="${escapeHtml(s)}"></script>`).join('\n'),
    styles: (assets?.styles ?? []).map((l) => `<link rel="stylesheet" type="text/css" href="${escapeHtml(l)}">`).join('\n'),
  };
}

/** An admin page (dashboard, list, show, edit, custom action): AdminJS's single-page app. */
export async function renderAdminPage(admin: AdminJS, currentAdmin: CurrentAdmin | undefined, nonce: string): Promise<string> {
  const store = await initializeStore(admin, currentAdmin);
  const state = store.getState() as unknown as {
    branding: { companyName?: string; favicon?: string; theme?: unknown };
    assets?: Assets;
    locale: { language: string };
    theme?: { id: string; overrides?: unknown };
  };
  const { branding, assets, locale, theme: selectedTheme } = state;
  const theme = combineStyles(branding.theme ?? {}, selectedTheme?.overrides as never);
  const h = new ViewHelpers({ options: admin.options });
  const b = bundles(admin, assets, nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(locale.language)}">
<head>
  <script ${b.attr}>
    window.REDUX_STATE = ${scriptValue(state)};
    window.THEME = ${scriptValue(theme)};
    window.THEME_COMPONENTS = {};
    window.AdminJS = { Components: {} };
  </script>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
  <title>${escapeHtml(branding.companyName)}</title>
  ${favicon(branding)}
  ${b.core}
  <style>${RESET_CSS}
  </style>
  ${selectedTheme ? `<script ${b.attr} src="${escapeHtml(h.assetPath(`themes/${selectedTheme.id}/theme.bundle.js`, assets))}"></script>` : ''}
  ${b.styles}
  ${selectedTheme ? `<link rel="stylesheet" type="text/css" href="${escapeHtml(h.assetPath(`themes/${selectedTheme.id}/style.css`, assets))}">` : ''}
</head>
<body>
  <div id="app"></div>
  <script ${b.attr}>
    // AdminJS's client expects a redirect to the login page when a session ends; the API answers
    // 401 in the error shape instead, so any 401 of an API call opens the login page.
    (function (send, login) {
      XMLHttpRequest.prototype.send = function () {
        this.addEventListener('load', function () {
          if (this.status === 401) window.location.assign(login + '?notice=sessionEnded');
        });
        return send.apply(this, arguments);
      };
    })(XMLHttpRequest.prototype.send, ${scriptValue(admin.options.loginPath)});
    var root = createRoot(document.getElementById('app'));
    root.render(AdminJS.Application);
  </script>
  ${b.scripts}
</body>
</html>`;
}

/** The login page (our Login component through AdminJS's LoginApplication), with `props` as its state. */
export async function renderLoginPage(admin: AdminJS, props: Record<string, unknown>, nonce: string): Promise<string> {
  const store = createStore();
  const branding = await getBranding(admin);
  const assets = (await getAssets(admin)) as Assets | undefined;
  const locales = await getLocales(admin);
  store.dispatch(initializeBranding(branding));
  store.dispatch(initializeAssets(assets as never));
  store.dispatch(initializeLocale(locales));
  const state = store.getState() as unknown as { locale: { language: string } };
  const theme = combineStyles(branding.theme ?? {});
  const b = bundles(admin, assets, nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(state.locale.language)}">
<head>
  <script ${b.attr}>
    window.REDUX_STATE = ${scriptValue(state)};
    window.THEME = ${scriptValue(theme)};
    window.AdminJS = { Components: {} };
  </script>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
  <title>${escapeHtml(branding.companyName)}</title>
  ${favicon(branding)}
  ${b.core}
  <script ${b.attr}>window.__APP_STATE__ = ${scriptValue(props)};</script>
  ${b.styles}
  <style>${RESET_CSS}
  </style>
</head>
<body>
  <div id="app"></div>
  <script ${b.attr}>
    var root = createRoot(document.getElementById('app'));
    root.render(AdminJS.LoginApplication);
  </script>
  ${b.scripts}
</body>
</html>`;
}
