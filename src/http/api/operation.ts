import type { Readable } from 'node:stream';
import type { Request } from 'express';
import type { z } from 'zod';
import type { WriteOptions } from '../../modules/idempotency/unit-of-work.js';
import type { ServiceContext } from '../../lib/context.js';
import type { RequestMeta } from '../../modules/access/context.factory.js';

/** What a handler receives: validated input, the request's metadata and (when signed in) its context. */
export interface OperationInput<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
  meta: RequestMeta;
  /** Present on authenticated operations. */
  ctx: ServiceContext;
  /** Present on idempotent operations: pass to the creating service (the key is claimed in its transaction). */
  write?: WriteOptions;
  req: Request;
}

export interface OperationResult {
  status: number;
  body?: unknown;
  /** A file to stream instead of a JSON body. */
  file?: { stream: Readable; filename: string; contentType: string; bytes: number; sha256: string };
}

/**
 * One API operation, declared once: the router mounts it and the OpenAPI document is generated
 * from the same declaration (schemas, statuses, examples), so they cannot disagree.
 */
export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path, e.g. `/api/v1/accounts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Requires a bearer access token. */
  auth: boolean;
  /** An /auth route: the stricter per-IP limit applies. */
  authRoute?: boolean;
  /** A creating POST: requires Idempotency-Key; the response is stored and replayed. */
  idempotent?: boolean;
  /** The service runs its own transaction (no WriteOptions): claim the key before calling it. */
  claimKeyFirst?: boolean;
  body?: z.ZodType;
  /** The body may be absent (e.g. DELETE /me); when present it is validated. */
  optionalBody?: boolean;
  query?: z.ZodObject;
  params?: z.ZodObject;
  requestExample?: unknown;
  success: { status: number; description: string; schema?: z.ZodType; example?: unknown; mediaType?: string };
  /** Error statuses this operation can answer (besides 429/500/503, which all can). */
  errors: number[];
  // Handlers are typed loosely here; each route file types its own input through `op()`.
  handler: (input: OperationInput<never, never, never>) => Promise<OperationResult>;
}

/** Declares an operation with its handler's input typed from its schemas. */
export function op<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
>(
  definition: Omit<Operation, 'handler' | 'body' | 'query' | 'params'> & {
    body?: B;
    query?: Q;
    params?: P;
    handler: (
      input: OperationInput<
        B extends z.ZodType ? z.output<B> : undefined,
        Q extends z.ZodObject ? z.output<Q> : undefined,
        P extends z.ZodObject ? z.output<P> : undefined
      >,
    ) => Promise<OperationResult>;
  },
): Operation {
  return definition;
}
