import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { openApiDocument } from '../tools/api-tools.js';

/**
 * Every response the API tests see is checked against the OpenAPI document served at
 * /api/schema: the status must be documented for the operation, and the JSON body must validate
 * against the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 */
const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema(document, 'openapi.json');

const routes = Object.keys(document.paths).map((template) => ({
  template,
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from our own OpenAPI document's path templates
  regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

const validators = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export class ContractError extends Error {}

/** Throws ContractError unless this response is what the document promises. */
export function assertContract(method: string, url: string, status: number, body: unknown, contentType?: string): void {
  // The API routes strictly: a trailing slash is another (unknown) path.
  const path = new URL(url, 'http://x').pathname;
  const route = routes.find((r) => r.regex.test(path));
  if (!route) {
    // /api/schema and /api/docs are not operations of the API; their errors still have the shape.
    if (!path.startsWith('/api/v1/') && status < 400) return;
    // Unknown routes answer 404 in the error shape; a body that cannot be read fails first (400,
    // 413), and a client over its rate limit hears 429.
    if (![400, 404, 413, 429].includes(status))
      throw new ContractError(`${method} ${path}: undocumented path answered ${status}`);
    assertErrorShape(body, `${method} ${path}`);
    return;
  }
  const operation = document.paths[route.template]![method.toLowerCase()];
  if (!operation) {
    // A documented path with a method it does not answer: 405 (with Allow: see checked()).
    if (status !== 405) throw new ContractError(`${method} ${route.template}: undocumented method answered ${status}`);
    assertErrorShape(body, `${method} ${path}`);
    return;
  }
  const response = operation.responses[String(status)];
  if (!response)
    throw new ContractError(
      `${method} ${route.template}: status ${status} is not documented (body ${JSON.stringify(body).slice(0, 300)})`,
    );
  const media = response.content?.['application/json'];
  // A documented non-JSON body (a file download): its bytes are not JSON to validate.
  if (!media && response.content && Object.keys(response.content).length > 0) return;
  if (!media) {
    if (body !== undefined && body !== null && body !== '' && !(typeof body === 'object' && Object.keys(body).length === 0))
      throw new ContractError(`${method} ${route.template} ${status}: documented without a body, got one`);
    return;
  }
  if (contentType !== undefined && !contentType.startsWith('application/json'))
    throw new ContractError(`${method} ${route.template} ${status}: content-type ${contentType}`);
  // A JSON file download read as text (to check its bytes) is still validated as JSON.
  if (typeof body === 'string' && contentType?.startsWith('application/json')) body = JSON.parse(body) as unknown;
  const key = `${method.toLowerCase()} ${route.template} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({
      $ref: `openapi.json#/${pointer('paths', route.template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
    });
    validators.set(key, validate);
  }
  if (!validate(body))
    throw new ContractError(
      `${key}: body does not match the schema: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(body).slice(0, 500)}`,
    );
}

/** The one error shape, SPEC §4.3. */
export function assertErrorShape(body: unknown, where = 'response'): void {
  const validate = validators.get('error') ?? ajv.compile({ $ref: 'openapi.json#/components/schemas/Error' });
  validators.set('error', validate);
  if (!validate(body))
    throw new ContractError(
      `${where}: not the error shape: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(body).slice(0, 300)}`,
    );
}

/** Checks a supertest response against the document and returns it (use on every call). */
export function checked<R extends { status: number; headers: Record<string, string> }>(res: R): R {
  const { req, body } = res as unknown as { req: { method: string; path: string }; body: unknown };
  assertContract(req.method, req.path, res.status, body, res.headers['content-type']);
  if (res.status === 405 && !res.headers.allow) throw new ContractError(`${req.method} ${req.path}: 405 without Allow`);
  return res;
}
