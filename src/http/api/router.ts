import { Router } from 'express';
import type { Runtime } from '../../runtime.js';
import type { Services } from '../../services.js';

/** The public REST API (`/api/v1`, `/api/schema`, `/api/docs`). Routes are thin adapters over services. */
export function createApiRouter(_runtime: Runtime, _services: Services): Router {
  const router = Router();
  return router;
}
