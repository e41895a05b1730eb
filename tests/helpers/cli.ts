import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The installed CLI entry point, `npx backoffice`. */
export const BIN = join(import.meta.dirname, '../../bin/backoffice.js');

/**
 * Runs `npx backoffice …` to completion against a test database, as an operator would: its own
 * process, the app's and the owner's URLs in the environment, quiet logs.
 */
export function runCli(
  db: { appUrl: string; ownerUrl: string },
  args: string[],
  options: { input?: string | undefined; env?: Record<string, string>; timeoutMs?: number } = {},
): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.ownerUrl,
      ...options.env,
    },
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
