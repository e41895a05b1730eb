import type AdminJS from 'adminjs';
import { Router as AdminRoutes, type BaseResource, type CurrentAdmin } from 'adminjs';
import type { Request, RequestHandler, Response, Router } from 'express';
import { AppError } from '../src/lib/errors.js';
import { methodNotAllowed } from '../src/http/middleware/method-not-allowed.js';
import { renderAdminPage } from './layout.js';

type AdminRoute = (typeof AdminRoutes.routes)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT = /^[1-9]\d{0,18}$/;
const INT8_MAX = 9_223_372_036_854_775_807n;

const notFound = (code: string, internal: string) => new AppError({ code, kind: 'NOT_FOUND', internal });

/** The registered resource `id`, or 404 (AdminJS would throw a plain Error: a 500). */
function resourceOf(admin: AdminJS, resourceId: unknown): BaseResource {
  const resource =
    typeof resourceId === 'string' ? admin.resources.find((r) => (r._decorated?.id() ?? r.id()) === resourceId) : undefined;
  if (!resource) throw notFound('ADMIN.RESOURCE_NOT_FOUND', 'unknown admin resource');
  return resource;
}

/** Is `id` a well-formed value of the resource's id column (uuid, big integer, or short text)? */
function isWellFormedId(resource: BaseResource, id: string): boolean {
  const idProperty = resource.properties().find((p) => p.isId());
  const type = idProperty?.type();
  // Big integers are 'string' properties (no float may round them): the column says what they are.
  const column = (idProperty as { column?: { type?: string } } | undefined)?.column?.type;
  if (type === 'uuid') return UUID.test(id);
  if (type === 'number' || column === 'BigInt' || column === 'Int') return BIGINT.test(id) && BigInt(id) <= INT8_MAX;
  return id.length > 0 && id.length <= 200;
}

/**
 * Checks what AdminJS would otherwise answer with a 500 (unknown resource, unknown action, a
 * bulk action without ids) or with a 200 "notice" (a malformed record id): each becomes a 404 in
 * the one error shape before AdminJS sees the request. Actions are those of the decorated
 * resource, so a name AdminJS does not know never reaches a handler.
 */
function checkParams(admin: AdminJS, req: Request): void {
  const { resourceId, action, recordId } = req.params as Record<string, string | undefined>;
  if (resourceId === undefined) return;
  const resource = resourceOf(admin, resourceId);
  if (action !== undefined) {
    const decorated = Object.hasOwn(resource.decorate().actions, action) ? resource.decorate().actions[action] : undefined;
    // A record action on a bulk path (or any other mix) would throw inside AdminJS: a 500.
    const fits =
      decorated &&
      (req.path.includes('/bulk/')
        ? decorated.isBulkType()
        : recordId !== undefined
          ? decorated.isRecordType()
          : decorated.isResourceType());
    if (!fits) throw notFound('ADMIN.ACTION_NOT_FOUND', 'unknown admin action');
  }
  if (recordId !== undefined && !isWellFormedId(resource, recordId)) throw notFound('RECORD.NOT_FOUND', 'malformed record id');
  if (req.path.includes('/bulk/')) {
    const ids = typeof req.query.recordIds === 'string' ? req.query.recordIds.split(',') : [];
    if (!ids.length || ids.length > 500 || !ids.every((id) => isWellFormedId(resource, id)))
      throw notFound('RECORD.NOT_FOUND', 'missing or malformed bulk record ids');
  }
}

/** The method AdminJS's handlers see: HEAD is a GET whose body is not sent (never the write branch). */
const actionMethod = (req: Request) => (req.method === 'HEAD' ? 'get' : req.method.toLowerCase());

function apiHandler(admin: AdminJS, route: AdminRoute): RequestHandler {
  return (req, res, next) => {
    (async () => {
      checkParams(admin, req);
      // AdminJS's `new` has no read branch (its handler throws for a GET: a 500): POST only.
      if (actionMethod(req) === 'get' && req.params.action === 'new') {
        methodNotAllowed(['POST'])(req, res, next);
        return;
      }
      const currentAdmin = (req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser;
      const controller = new route.Controller({ admin }, currentAdmin) as unknown as Record<
        string,
        (request: unknown, response: Response) => Promise<unknown>
      >;
      const payload = { ...(req.fields ?? {}) };
      const result = await controller[route.action]!(
        { ...req, params: req.params, query: req.query, payload, method: actionMethod(req) },
        res,
      );
      if (res.headersSent) return;
      if (result === undefined || result === null) res.status(204).end();
      else res.json(result);
    })().catch(next);
  };
}

function pageHandler(admin: AdminJS, route: AdminRoute): RequestHandler {
  return (req, res, next) => {
    (async () => {
      checkParams(admin, req);
      const currentAdmin = (req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser;
      // The location only seeds the front-end router; AdminJS's own pages compute the same.
      const html = await renderAdminPage(admin, currentAdmin, String(res.locals.cspNonce ?? ''));
      res.type('html').send(html);
    })().catch(next);
  };
  void route;
}

/**
 * Mounts AdminJS's own routes (its paths unchanged) with the request handling AdminJS lacks:
 * - GET routes answer GET and HEAD, and a HEAD is handed to AdminJS as a GET, so an action's
 *   handler takes its read branch (AdminJS runs the write branch for any method but `get`: a
 *   cross-origin `HEAD …/delete` used to delete);
 * - any other method on a known path answers 405 with `Allow`;
 * - unknown resources and actions and malformed record ids answer 404 in the one error shape;
 * - pages are rendered by our own layout (escaped inline state, CSP nonces: admin/layout.ts).
 */
export function mountAdminRoutes(router: Router, admin: AdminJS): void {
  const byPath = new Map<string, AdminRoute[]>();
  for (const route of AdminRoutes.routes) {
    if (route.action === 'bundleComponents') continue; // served from the prebuilt bundle (assets.ts)
    const path = route.path.replace(/{/g, ':').replace(/}/g, '') || '/';
    byPath.set(path, [...(byPath.get(path) ?? []), route]);
  }
  for (const [path, routes] of byPath) {
    const allow = new Set<string>();
    for (const route of routes) {
      const isPage = !route.path.startsWith('/api/');
      const handler = isPage ? pageHandler(admin, route) : apiHandler(admin, route);
      if (route.method === 'GET') {
        router.get(path, handler);
        allow.add('GET').add('HEAD');
      } else {
        router.post(path, handler);
        allow.add('POST');
      }
    }
    router.all(path, methodNotAllowed([...allow]));
  }
}
