import type { Readable } from 'node:stream';
import type { Request } from 'express';
import type { z } from 'zod';
import type { WriteOptions } from '../../db/session.js';
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
  write: WriteOptions;
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
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
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
  /**
   * A creating POST: requires Idempotency-Key; `creates` calls the service with `write`, and
   * `respond` maps its result to the response inside the write's transaction, where the response
   * is stored with the key (replays are byte-identical).
   */
  idempotent?: boolean;
  body?: z.ZodType;
  /** The body may be absent (e.g. DELETE /me); when present it is validated. */
  optionalBody?: boolean;
  query?: z.ZodObject;
  params?: z.ZodObject;
  requestExample?: unknown;
  success: { status: number; description: string; schema?: z.ZodType; example?: unknown; mediaType?: string };
  /** The change may be held for a second person's approval (four-eyes): answered 202 with the request. */
  held?: { description: string; schema: z.ZodType };
  /** Error statuses this operation can answer (besides 429/500/503, which all can). */
  errors: number[];
  // Handlers are typed loosely here; each route file types its own input through `op()`.
  handler?: (input: OperationInput<never, never, never>) => Promise<OperationResult>;
  creates?: (input: OperationInput<never, never, never>) => Promise<unknown>;
  respond?: (result: never) => OperationResult;
}

type Typed<B, Q, P> = OperationInput<
  B extends z.ZodType ? z.output<B> : undefined,
  Q extends z.ZodObject ? z.output<Q> : undefined,
  P extends z.ZodObject ? z.output<P> : undefined
>;

type Definition<B, Q, P> = Omit<Operation, 'handler' | 'creates' | 'respond' | 'body' | 'query' | 'params' | 'idempotent'> & {
  body?: B;
  query?: Q;
  params?: P;
};

/** Declares an operation with its handler's input typed from its schemas. */
export function op<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
>(definition: Definition<B, Q, P> & { handler: (input: Typed<B, Q, P>) => Promise<OperationResult> }): Operation {
  return definition;
}

/**
 * Declares a creating (idempotent) operation: `creates` runs the service with `input.write`;
 * `respond` turns its result into the response, inside the write's transaction.
 */
export function creatingOp<
  R,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
>(
  definition: Definition<B, Q, P> & {
    creates: (input: Typed<B, Q, P>) => Promise<R>;
    respond: (result: R) => OperationResult;
  },
): Operation {
  return { ...definition, idempotent: true };
}
