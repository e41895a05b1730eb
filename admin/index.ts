import AdminJS, { Router as AdminRoutes } from 'adminjs';
import compression from 'compression';
import { Router } from 'express';
import { existsSync } from 'node:fs';
import { EXPORT_DOWNLOAD_PATH, exportDownloadRoute } from './actions/operations.actions.js';
import { buildAdminResources } from './resources/index.js';
import type { ReadinessProbe } from '../src/http/health.js';
import type { Runtime } from '../src/runtime.js';
import type { Services } from '../src/services.js';
import { createSessionStore } from './auth/session-store.js';
import { createStaffSessionLayer } from './auth/staff-session.js';
import { staticAssets } from './bundle/assets.js';
import { componentLoader, Components } from './bundle/component-loader.js';
import { ensureComponentsBundle, pruneBundles, type ComponentsBundle } from './bundle/components-bundle.js';
import { dashboardHandler } from './dashboard/handler.js';
import { adminBodyParser } from './http/body.js';
import { mountAdminRoutes } from './routes.js';
import { methodNotAllowed } from '../src/http/middleware/method-not-allowed.js';
import { adminLocale } from './i18n/index.js';
import { STYLESHEET_FILE, STYLESHEET_PATH } from './overrides/index.js';

export interface AdminMount {
  rootPath: string;
  router: Router;
  readinessProbes: ReadinessProbe[];
  /** The AdminJS instance (tests and the bundling script use it). */
  admin: AdminJS;
  /** Resolves when the front-end components bundle is ready to serve. */
  bundle: Promise<ComponentsBundle>;
  close: () => void;
}

export const ADMIN_ROOT = '/admin';

/** The AdminJS instance over the domain services, for this runtime. */
export function createAdminJS(runtime: Runtime, services: Services): AdminJS {
  return new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    resources: buildAdminResources(runtime, services),
    componentLoader,
    dashboard: { component: Components.Dashboard, handler: dashboardHandler(services) },
    branding: {
      companyName: 'Finance back office',
      withMadeWithLove: false,
      logo: false,
      // AdminJS's greys fail WCAG AA contrast as text (breadcrumbs, muted labels) and behind the
      // white text of badges; these keep the look and reach 4.5:1.
      theme: { colors: { grey60: '#5C5F70', grey40: '#6B7280' } },
    },
    locale: adminLocale(),
    assets: { styles: [`${ADMIN_ROOT}${STYLESHEET_PATH}`] },
    version: { admin: false },
  });
}

/** Waits (briefly) for Redis, so the first requests after start do not fail on a connecting client. */
async function redisReady(runtime: Runtime, timeoutMs = 3_000): Promise<void> {
  const redis = runtime.redis;
  if (!redis || redis.isReady) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis!.off('ready', done);
      resolve();
    }
    redis.on('ready', done);
  });
}

/**
 * AdminJS at /admin with our own staff login and sessions (see auth/staff-session.ts), the role
 * dashboards, English and Spanish, and its front-end assets served pre-compressed. The routes
 * are AdminJS's own, mounted by admin/routes.ts (not @adminjs/express: see there), so its paths are unchanged.
 */
export async function createAdminRouter(runtime: Runtime, services: Services): Promise<AdminMount> {
  const admin = createAdminJS(runtime, services);
  const { config, logger } = runtime;

  const bundle = ensureComponentsBundle(admin).then((result) => {
    if (!result.reused && config.NODE_ENV === 'production')
      logger.warn(
        { buildMs: result.buildMs },
        'admin components bundle was not built ahead of time; run `npm run admin:bundle` when deploying',
      );
    else logger.debug({ file: result.file, reused: result.reused, buildMs: result.buildMs }, 'admin components bundle ready');
    return result;
  });
  bundle
    .then((result) => pruneBundles(result.file, { olderThanMs: 3_600_000 }))
    .catch((err: unknown) => logger.error({ err }, 'admin components bundle failed'));

  // AdminJS's static files; in test and production its minified builds (a tenth of the size).
  const preferProduction = config.NODE_ENV !== 'development';
  const assetFiles = new Map<string, string>();
  for (const asset of AdminRoutes.assets) {
    const production = asset.src.replace(/\.development\.js$/, '.production.js');
    assetFiles.set(asset.path, preferProduction && existsSync(production) ? production : asset.src);
  }
  const componentsPath = '/frontend/assets/components.bundle.js';
  const resolveAsset = async (path: string) => {
    const full = `/frontend/assets${path}`;
    if (full === componentsPath) return (await bundle).file;
    if (full === STYLESHEET_PATH) return STYLESHEET_FILE;
    return assetFiles.get(full);
  };

  await redisReady(runtime);
  const store = createSessionStore(runtime);
  const auth = createStaffSessionLayer({ admin, runtime, services, store });

  const router = Router();
  // Admin URLs carry record ids: never sent to other sites; same-origin requests keep a real Origin.
  router.use((_req, res, next) => {
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  router.use(compression());
  router.use('/frontend/assets', staticAssets(resolveAsset, config.NODE_ENV === 'production' ? 3_600 : 0));
  router.use(auth.entry);
  router.use(auth.guard);
  // No admin action takes a file: a multipart file part is refused everywhere (admin/http/body.ts).
  router.use(adminBodyParser({ uploads: [] }));
  router.post('/api/me/locale', auth.localeRoute);
  router.all('/api/me/locale', methodNotAllowed(['POST']));
  // A finished export streams from here (its own route: AdminJS actions answer JSON). A POST, so
  // that no link or image on another page can make a staff member's browser download (audited).
  router.post(EXPORT_DOWNLOAD_PATH, exportDownloadRoute(services));
  router.all(EXPORT_DOWNLOAD_PATH, methodNotAllowed(['POST']));
  mountAdminRoutes(router, admin);

  const readinessProbes: ReadinessProbe[] = [];
  if (runtime.redis) {
    const redis = runtime.redis;
    readinessProbes.push({ name: 'redis', check: () => redis.ping() });
  }
  return { rootPath: ADMIN_ROOT, router, readinessProbes, admin, bundle, close: store.close };
}
