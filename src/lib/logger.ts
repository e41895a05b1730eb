import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Personal data, secrets and amounts are redacted by path wherever they
 * could appear; the request id is bound per request by the HTTP layer.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.email',
  '*.name',
  '*.phone',
  '*.amount',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.secret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'backoffice' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
