// express-formidable ships no types; this is the part the admin uses.
declare module 'express-formidable' {
  import type { RequestHandler } from 'express';
  export default function formidableMiddleware(options?: Record<string, unknown>, events?: unknown[]): RequestHandler;
}

declare namespace Express {
  interface Request {
    /** Form and JSON fields parsed by express-formidable. */
    fields?: Record<string, unknown>;
    files?: Record<string, unknown>;
  }
}
