import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

const require = createRequire(import.meta.url);

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

/** Logs are for people only in a developer's terminal: pretty there, JSON everywhere else (files, pipes, CI, production). */
export function wantsPrettyLogs(nodeEnv: string, stdoutIsTTY: boolean | undefined): boolean {
  return nodeEnv === 'development' && stdoutIsTTY === true;
}

/**
 * A readable stream of log lines for a terminal (pino-pretty, a development dependency), or
 * null where it is not installed (a production install): then the logs stay JSON.
 */
export function prettyDestination(to?: NodeJS.WritableStream): pino.DestinationStream | null {
  try {
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => pino.DestinationStream;
    return pretty({
      colorize: to === undefined,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service',
      ...(to ? { destination: to, sync: true } : {}),
    });
  } catch {
    return null;
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const out = destination ?? (options.pretty ? (prettyDestination() ?? undefined) : undefined);
  return pino(
    {
      level,
      base: { service: 'backoffice' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    out,
  );
}

export type { Logger };
