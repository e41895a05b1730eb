import { InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';
import { start, type Started } from '../bootstrap.js';
import { AppError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads a secret from standard input (the whole input, minus one trailing newline). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Runs a command with the database and services, always closing them (and the embedded server). */
export async function withServices<T>(fn: (s: Started) => Promise<T>): Promise<T> {
  const started = await start({ logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    return await fn(started);
  } finally {
    await started.shutdown();
  }
}

/** Prints an error as one clear line (per field) and exits non-zero. */
export function reportAndExit(err: unknown, code = 1): never {
  if (err instanceof AppError) {
    const details = err.details.map((d) => ` ${d.field}: ${d.message}`).join(';');
    process.stderr.write(`Error: ${err.code}${details ? ` —${details}` : ''}\n`);
  } else if (err instanceof ZodError) {
    for (const issue of err.issues) process.stderr.write(`Error: ${issue.path.join('.') || 'input'}: ${issue.message}\n`);
  } else {
    const message =
      err instanceof Error
        ? err.message || err.name
        : err === undefined || err === null
          ? ''
          : typeof err === 'string' || typeof err === 'number' || typeof err === 'boolean'
            ? String(err)
            : (JSON.stringify(err) ?? '');
    process.stderr.write(`Error: ${message || 'the command failed without a reason (run with LOG_LEVEL=debug for details)'}\n`);
  }
  process.exit(code);
}
