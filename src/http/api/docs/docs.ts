import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The stylesheet that gives swagger-ui AA contrast and visible focus (served at /api/docs-a11y.css). */
export const DOCS_CSS_FILE = here('./docs-a11y.css');

/**
 * swagger-ui-express serialises function-valued options into the page's init script, so the
 * plugin is built from its source file as a plain function (no transpiler helpers in its text).
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the plugin's source is our own file, sent to the browser as text
const a11yPlugin = new Function('system', readFileSync(here('./swagger-a11y-plugin.js'), 'utf8')) as (system: unknown) => unknown;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- swagger-ui's own URL plugin, which a custom plugin list replaces
const downloadUrlPlugin = new Function('system', 'return SwaggerUIBundle.plugins.DownloadUrl(system);') as (
  system: unknown,
) => unknown;

/** swagger-ui-express options for /api/docs. */
export const docsUiOptions = {
  customSiteTitle: 'Finance back office API',
  customCssUrl: '../docs-a11y.css',
  swaggerOptions: { deepLinking: false, plugins: [downloadUrlPlugin, a11yPlugin] },
};
