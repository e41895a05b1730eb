// Runs the supply-chain gate scripts as the npm scripts do (node --import tsx), asynchronously so
// a fake registry in the test process can answer them, and keeps their exit code and output.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

/** Runs `command` with this process's environment plus `options.env`, where an undefined value unsets. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const env = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** One gate script of scripts/supply-chain/, with arguments. */
export function runGate(script: string, args: string[] = [], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'supply-chain', script), ...args], options);
}

/** A temporary directory removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
