/**
 * The one error type of the domain. Services throw AppError with a namespaced code
 * (`TRANSACTION.NOT_FOUND`); adapters map its kind to a status through one table.
 */
export type ErrorKind =
  | 'VALIDATION_ERROR'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
}

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export interface AppErrorOptions {
  /** Namespaced code, e.g. `TRANSACTION.NOT_FOUND`; also the translation key under `errors:`. */
  code: string;
  kind: ErrorKind;
  /** Internal message for logs; never shown to users. */
  internal?: string;
  /** Interpolation values for the translated message (no personal data). */
  params?: Record<string, string | number>;
  details?: ErrorDetail[];
  cause?: unknown;
  /** Seconds a client should wait before retrying (429/503). */
  retryAfter?: number;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly params: Record<string, string | number>;
  readonly details: ErrorDetail[];
  readonly retryAfter: number | undefined;

  constructor(options: AppErrorOptions) {
    super(options.internal ?? options.code, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.kind = options.kind;
    this.params = options.params ?? {};
    this.details = options.details ?? [];
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return STATUS_BY_KIND[this.kind];
  }
}

/** A record that does not exist or is outside the actor's ability (never revealed as 403). */
export const notFound = (resource: string, internal?: string): AppError =>
  new AppError({ code: `${resource.toUpperCase()}.NOT_FOUND`, kind: 'NOT_FOUND', params: { resource }, internal });

export const forbidden = (code = 'AUTH.FORBIDDEN', internal?: string): AppError =>
  new AppError({ code, kind: 'FORBIDDEN', internal });

export const conflict = (code: string, internal?: string): AppError => new AppError({ code, kind: 'CONFLICT', internal });

export const validation = (details: ErrorDetail[], code = 'VALIDATION.FAILED'): AppError =>
  new AppError({ code, kind: 'VALIDATION_ERROR', details });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
