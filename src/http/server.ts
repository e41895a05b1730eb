import type { Express } from 'express';
import type { Runtime } from '../runtime.js';
import type { Services } from '../services.js';
import { createApp } from './app.js';
import { createApiRouter } from './api/router.js';
import { wellKnownRouter } from './well-known.js';
import { createAccountPagesRouter } from './account-pages.js';
import { createAdminRouter } from '../../admin/index.js';

/**
 * The whole HTTP surface: health, the public API and the admin, over one runtime and one set of
 * services. main.ts serves it; tests call it with a runtime on a test database.
 */
export async function buildServer(runtime: Runtime, services: Services): Promise<Express> {
  const admin = await createAdminRouter(runtime, services);
  return createApp(runtime, {
    mounts: [
      { path: '/', router: wellKnownRouter(services.auditKeys.keySet) },
      { path: '/api', router: createApiRouter(runtime, services) },
      // /reset-password and /verify-email: the pages the links of account mail open.
      { path: '/', router: createAccountPagesRouter(runtime, services) },
      { path: admin.rootPath, router: admin.router },
    ],
    readinessProbes: admin.readinessProbes,
  });
}
