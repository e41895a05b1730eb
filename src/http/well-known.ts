import { Router } from 'express';
import type { AuditKeySet } from '../modules/audit/audit.signing.js';

/**
 * GET /.well-known/audit-keys.json: the public keys that verify the audit trail's signed tree
 * heads (active first, then retired), as a JWK set. No authentication: anybody may verify.
 * Stable for a given configuration (an ETag makes revalidation cheap) and cacheable.
 */
export function wellKnownRouter(keySet: AuditKeySet): Router {
  const router = Router();
  const body = `${JSON.stringify(keySet, null, 2)}\n`;
  router.get('/.well-known/audit-keys.json', (_req, res) => {
    res.set({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    });
    res.send(body);
  });
  return router;
}
