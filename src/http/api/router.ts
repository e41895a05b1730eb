import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import { isAppError, validation } from '../../lib/errors.js';
import type { ServiceContext } from '../../lib/context.js';
import { buildAnonymousContext } from '../../modules/access/context.factory.js';
import { ANONYMOUS_OWNER, keyOwnerOf, serialise } from '../../modules/idempotency/idempotency.service.js';
import type { Runtime } from '../../runtime.js';
import type { Services } from '../../services.js';
import { authenticate, requestMeta } from './authenticate.js';
import { DOCS_CSS_FILE, docsUiOptions } from './docs/docs.js';
import { buildOpenApiDocument } from './openapi.js';
import type { Operation, OperationInput, OperationResult } from './operation.js';
import { createRateLimiters } from './rate-limit.js';
import { authOperations } from './routes/auth.routes.js';
import { meOperations } from './routes/me.routes.js';
import { resourceOperations } from './routes/resources.routes.js';
import { IdempotencyHeaders } from './schemas.js';
import { parseRequest, toApiError } from './validation.js';
import { requireWellFormedStrings } from '../../lib/unicode.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

/** Largest accepted JSON body; larger ones answer 413 in the error shape. */
export const BODY_LIMIT = '64kb';

/** Every operation of /api/v1, in documentation order. */
export function apiOperations(services: Services): Operation[] {
  return [...authOperations(services), ...resourceOperations(services), ...meOperations(services)];
}

const expressPath = (openApiPath: string) => openApiPath.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1');

function idempotencyKeyOf(header: string | undefined): string {
  const detail = (code: string, message: string) => validation([{ field: 'Idempotency-Key', code, message }]);
  if (header === undefined) throw detail('required', 'The Idempotency-Key header is required');
  const parsed = IdempotencyHeaders.shape['idempotency-key'].safeParse(header);
  if (!parsed.success) throw detail('invalid', '1 to 255 visible ASCII characters');
  return parsed.data;
}

/** Sends a JSON text as the body (replays send the stored bytes unchanged). */
function sendJsonText(res: Response, status: number, text: string): void {
  res.status(status);
  if (!text || status === 204) {
    res.end();
    return;
  }
  // Written directly: no ETag hashing of every JSON body (express's res.json would).
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Validates input, calls the operation's handler (through the idempotency service for creating POSTs), sends the result. */
function handlerFor(o: Operation, services: Services): RequestHandler {
  return (req, res, next) => {
    const run = async (): Promise<void> => {
      const key = o.idempotent ? idempotencyKeyOf(req.get('idempotency-key')) : undefined;
      const params = o.params ? parseRequest(o.params, req.params, 'path') : undefined;
      const query = o.query ? parseRequest(o.query, req.query, 'query') : undefined;
      // Without a JSON body the parser leaves {}: an optional body validates as empty.
      const body = o.body ? parseRequest(o.body, req.body) : undefined;
      const meta = requestMeta(req);
      const ctx = res.locals.ctx as ServiceContext | undefined;
      const input = { body, query, params, meta, ctx, req, write: {} } as OperationInput<never, never, never>;
      if (o.idempotent && o.creates && o.respond && key !== undefined) {
        const creates = o.creates;
        const respond = o.respond as (result: unknown) => OperationResult;
        const result = await services.idempotency.execute(
          ctx ?? buildAnonymousContext(meta),
          ctx ? keyOwnerOf(ctx) : ANONYMOUS_OWNER,
          { key, method: req.method, path: req.baseUrl + req.path, body: req.body },
          (write) => creates({ ...input, write }),
          (created) => {
            const r = respond(created);
            return { status: r.status, body: r.body ?? null };
          },
        );
        if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
        sendJsonText(res, result.status, result.text);
        return;
      }
      const result = await o.handler!(input);
      if (result.file) {
        const file = result.file;
        res.status(result.status);
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Length', String(file.bytes));
        res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.setHeader('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
        file.stream.on('error', (err) => res.destroy(err));
        file.stream.pipe(res);
        return;
      }
      sendJsonText(res, result.status, serialise(result.status, result.body).text);
    };
    run().catch(next);
  };
}

/** Domain errors in the API's terms (zod → VALIDATION_ERROR, snake_case fields, WWW-Authenticate). */
const normaliseApiError: ErrorRequestHandler = (error, _req, res, next) => {
  const normalised = toApiError(error);
  if (isAppError(normalised) && normalised.kind === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer');
  next(normalised);
};

/** The public REST API (`/api/v1`, `/api/schema`, `/api/docs`). Routes are thin adapters over services. */
export function createApiRouter(runtime: Runtime, services: Services): Router {
  // Strict: `/api/v1/accounts/` is not `/api/v1/accounts` (the document has no trailing slashes:
  // a contract tool reads that path as `/api/v1/accounts/{id}` with an empty id).
  const router = Router({ strict: true });
  const limits = createRateLimiters(runtime);
  const operations = apiOperations(services);
  const document = buildOpenApiDocument(operations);
  const auth = authenticate(services);

  router.use(limits.perIp);
  router.get('/schema', (_req, res) => {
    res.json(document);
  });
  router.get('/docs-a11y.css', (_req, res) => {
    res.type('text/css').sendFile(DOCS_CSS_FILE);
  });
  router.use(
    '/docs',
    swaggerUi.serveFiles(document, docsUiOptions),
    // WCAG 2.1 AA: readable colours, visible focus, no link nested in a button (docs/docs.ts).
    swaggerUi.setup(document, docsUiOptions),
  );
  router.use('/v1', express.json({ limit: BODY_LIMIT }), (req, _res, next) => {
    // Valid JSON may still carry a lone surrogate (`"\ud800"`), which no database text can hold.
    requireWellFormedStrings(req.body);
    next();
  });

  for (const o of operations) {
    const chain: RequestHandler[] = [];
    if (o.authRoute) chain.push(limits.perAuthIp);
    if (o.auth) chain.push(auth, limits.perUser);
    chain.push(handlerFor(o, services));
    router[o.method](expressPath(o.path), ...chain);
  }
  // A known path with a method it does not answer: 405 with Allow (not a 404), in the error shape.
  const methodsByPath = new Map<string, Set<string>>([['/schema', new Set(['GET', 'HEAD'])]]);
  for (const o of operations) {
    const methods = methodsByPath.get(expressPath(o.path)) ?? new Set<string>();
    methods.add(o.method.toUpperCase());
    if (o.method === 'get') methods.add('HEAD');
    methodsByPath.set(expressPath(o.path), methods);
  }
  for (const [path, methods] of methodsByPath) router.all(path, methodNotAllowed([...methods]));
  router.use(normaliseApiError);
  return router;
}
