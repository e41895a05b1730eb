import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const VALID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a well-formed X-Request-Id or generates one; echoes it; it is the correlation id. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.header('x-request-id');
  const id = incoming && VALID.test(incoming) ? incoming : randomUUID();
  req.id = id; // pino-http's ReqId, always a string here
  res.setHeader('X-Request-Id', id);
  next();
};
