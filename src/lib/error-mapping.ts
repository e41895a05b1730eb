import { ZodError } from 'zod';
import { AppError, validation } from './errors.js';
import { zodIssuesToDetails } from './zod-details.js';

interface PgLikeError {
  code?: string;
  type?: string;
  status?: number;
  statusCode?: number;
  name?: string;
  message?: string;
  cause?: unknown;
}

// Prisma's own codes for a lost database: P1001 unreachable, P1002 timed out, P1017 connection
// closed by the server (e.g. a restart in the middle of an interactive transaction).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  'P1001',
  'P1002',
  'P1017',
]);

function findCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const e = error as PgLikeError & { originalCode?: string; kind?: string };
  if (typeof e.originalCode === 'string') return e.originalCode;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code;
  if (e.kind === 'DatabaseNotReachable' || e.kind === 'ConnectionClosed') return 'ECONNREFUSED';
  if (
    /Can't reach database|Connection terminated|connect ECONNREFUSED|terminating connection|connection error and is not queryable|Server has closed the connection/i.test(
      e.message ?? '',
    )
  )
    return 'ECONNREFUSED';
  return findCode(e.cause, depth + 1) ?? (typeof e.code === 'string' ? e.code : undefined);
}

/** The database could not be reached, or dropped the connection (restart, failover, network). */
export const isDatabaseUnavailable = (error: unknown): boolean => {
  const code = findCode(error);
  return code !== undefined && CONNECTION_CODES.has(code);
};

/**
 * A hot standby cancelled the query to apply WAL that conflicts with it (SQLSTATE 40001 with
 * "conflict with recovery"): the same read on the primary succeeds.
 */
export const isRecoveryConflict = (error: unknown): boolean =>
  dbCodeOf(error) === '40001' && /conflict with recovery/i.test(messagesOf(error));

function messagesOf(error: unknown, depth = 0): string {
  if (!error || typeof error !== 'object' || depth > 6) return '';
  const e = error as { message?: unknown; cause?: unknown };
  return `${typeof e.message === 'string' ? e.message : ''} ${messagesOf(e.cause, depth + 1)}`;
}

/** Maps errors thrown by libraries (body parser, pg, Prisma) to an AppError; unknown → 500. */
export function fromUnknown(error: unknown): AppError {
  if (error instanceof ZodError) return validation(zodIssuesToDetails(error.issues));
  const e = (error ?? {}) as PgLikeError;
  if (e.type === 'entity.parse.failed')
    return new AppError({ code: 'HTTP.MALFORMED_JSON', kind: 'VALIDATION_ERROR', cause: error });
  if (e.type === 'entity.too.large')
    return new AppError({ code: 'HTTP.PAYLOAD_TOO_LARGE', kind: 'PAYLOAD_TOO_LARGE', cause: error });
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return new AppError({ code: 'HTTP.UNSUPPORTED_ENCODING', kind: 'VALIDATION_ERROR', cause: error });
  // A path segment that is not valid percent-encoding (Express: "Failed to decode param").
  if (error instanceof URIError || (e.status === 400 && /decode param/i.test(e.message ?? '')))
    return new AppError({ code: 'HTTP.MALFORMED_URL', kind: 'VALIDATION_ERROR', cause: error });
  // Other client errors raised by Express or its parsers (http-errors with `expose`): a 4xx.
  const status = e.status ?? e.statusCode;
  if ((error as { expose?: unknown }).expose === true && typeof status === 'number' && status >= 400 && status < 500)
    return status === 413
      ? new AppError({ code: 'HTTP.PAYLOAD_TOO_LARGE', kind: 'PAYLOAD_TOO_LARGE', cause: error })
      : new AppError({ code: 'HTTP.BAD_REQUEST', kind: 'VALIDATION_ERROR', cause: error });
  const code = findCode(error);
  if (code && CONNECTION_CODES.has(code))
    return new AppError({ code: 'SYSTEM.DATABASE_UNAVAILABLE', kind: 'SERVICE_UNAVAILABLE', retryAfter: 5, cause: error });
  if (code === 'P2025') return new AppError({ code: 'RECORD.NOT_FOUND', kind: 'NOT_FOUND', cause: error });
  if (code === 'P2002' || code === '23505') return new AppError({ code: 'RECORD.CONFLICT', kind: 'CONFLICT', cause: error });
  if (code === 'BO001') return new AppError({ code: 'RECORD.APPEND_ONLY', kind: 'FORBIDDEN', cause: error });
  return new AppError({ code: 'SYSTEM.INTERNAL', kind: 'INTERNAL_ERROR', cause: error });
}

/**
 * The SQLSTATE (or Prisma code) of an error from pg, the Prisma driver adapter or Prisma itself,
 * wherever it is nested. The one classifier of database errors: services ask the questions
 * below instead of reading error objects.
 */
export function dbCodeOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 6) return undefined;
  const e = error as {
    code?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    kind?: unknown;
    meta?: { code?: unknown; driverAdapterError?: unknown };
  };
  if (typeof e.originalCode === 'string') return e.originalCode;
  if (e.kind === 'ForeignKeyConstraintViolation') return '23503';
  if (e.kind === 'UniqueConstraintViolation') return '23505';
  const nested = dbCodeOf(e.cause, depth + 1) ?? dbCodeOf(e.meta?.driverAdapterError, depth + 1);
  if (nested) return nested;
  if (typeof e.meta?.code === 'string') return e.meta.code;
  return typeof e.code === 'string' ? e.code : undefined;
}

/** A unique index refused the write (two writers of one key: the loser hears 409). */
export const isUniqueViolation = (error: unknown): boolean => {
  const code = dbCodeOf(error);
  return code === '23505' || code === 'P2002';
};

/** A foreign key refused the write or the delete (a row still refers to this one). */
export const isForeignKeyViolation = (error: unknown): boolean => {
  const code = dbCodeOf(error);
  return code === '23503' || code === '23001' || code === 'P2003';
};

/** `lock_timeout` expired while waiting for a row or index entry another transaction holds. */
export const isLockTimeout = (error: unknown): boolean => dbCodeOf(error) === '55P03';
