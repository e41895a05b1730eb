import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { generateSigningKey } from '../../src/modules/audit/audit.signing.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr (one file, appended as it runs). */
  logFile: string;
  /** The env it was started with (secrets included, for leak checks). */
  env: Record<string, string>;
  logs: () => string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Its directory under /tmp (data, exports, log file). */
  dir: string;
  /** Removes that directory (after the process has exited). */
  cleanup: () => void;
  /** Sends a signal and waits for the exit (SIGTERM by default); SIGKILL after timeoutMs. */
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<number | string>;
}

export interface SpawnServerOptions {
  /** DATABASE_URL (the application role) and DATABASE_OWNER_URL (migrations). */
  appUrl: string;
  ownerUrl: string;
  env?: Record<string, string>;
  /** How long to wait for GET /health (default 60 s). */
  readyTimeoutMs?: number;
}

/**
 * The real server (`node --import tsx src/main.ts`, what `npm start` runs) as a child process on a
 * free port of 127.0.0.1, against the given database, with fresh secrets and its own data
 * directory under /tmp. Output goes to a file (no pipe to drain); resolves once /health answers.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-server-'));
  const secret = () => randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: options.appUrl,
    DATABASE_OWNER_URL: options.ownerUrl,
    DATA_DIR: join(dir, 'data'),
    EXPORT_DIR: join(dir, 'exports'),
    SESSION_SECRET: secret(),
    JWT_SECRET: secret(),
    AUDIT_SIGNING_KEY: generateSigningKey().privateKey,
    RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
    ...options.env,
  };
  const logFile = join(dir, 'server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  // If this process ends (Ctrl-C on a bench, a failed test) the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    process.off('exit', killOnExit);
  });
  const url = `http://127.0.0.1:${port}`;
  const logs = () => readFileSync(logFile, 'utf8');
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) throw new Error(`server exited before it was ready:\n${logs().slice(-4000)}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${logs().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    child,
    logFile,
    env,
    logs,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000) => {
      if (!hasExited) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Reads one unlabelled sample (e.g. process_resident_memory_bytes) from a /metrics text. */
export function metricValue(text: string, name: string): number | undefined {
  // eslint-disable-next-line security/detect-non-literal-regexp -- `name` is a metric name the bench itself passes, never input
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
