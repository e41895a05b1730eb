import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../bench/lib/ports.js';
import { requireTool } from './tools.js';

export interface TestRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, no persistence) and waits for it to exit. */
  stop: () => Promise<void>;
  /** Starts it again on the same port (empty: sessions held in it are gone, as after a real loss). */
  start: () => Promise<void>;
  destroy: () => Promise<void>;
}

/** A real redis-server of our own on a free port of 127.0.0.1, without persistence. */
export async function startRedis(): Promise<TestRedis> {
  const binary = requireTool('redis-server', 'redis-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const proc = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`)));
    });
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
