import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { gracefulCloser } from '../../src/http/graceful.js';

/** One request on its own connection (no agent): what a client that sent before a SIGTERM sees. */
function get(
  port: number,
  path: string,
  agent: http.Agent | false = false,
  onSocket?: (socket: import('node:net').Socket) => void,
): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    if (onSocket) req.once('socket', onSocket);
    req.end();
  });
}

describe('graceful close of the HTTP server (SIGTERM)', () => {
  it('completes requests already sent, then refuses new connections and closes idle keep-alive ones', async () => {
    const server = http.createServer((req, res) => {
      // A slow handler: requests are in flight when close() is called.
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 300 : 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const closer = gracefulCloser(server, { acceptForMs: 200, sweepEveryMs: 20 });

    // A keep-alive connection that served one request and sits idle.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let idleClosed = false;
    const served = await get(port, '/fast', keepAlive, (socket) => socket.once('close', () => (idleClosed = true)));
    expect(served.status).toBe(200);

    const inFlight = Array.from({ length: 20 }, () => get(port, '/slow'));
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const closed = closer.close();
    // Still accepting for a moment (connections queued before the signal): served, told to close.
    const late = await get(port, '/fast');
    expect(late).toEqual({ status: 200, connection: 'close' });

    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(idleClosed).toBe(true);
    await expect(get(port, '/fast')).rejects.toThrow();
    keepAlive.destroy();
  });

  it('gives a connection that has not sent its request yet a grace, then closes it', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const closer = gracefulCloser(server, { acceptForMs: 0, unreadGraceMs: 300, sweepEveryMs: 20 });
    const { createConnection } = await import('node:net');
    const silent = createConnection({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    let closedAt = 0;
    silent.once('close', () => (closedAt = Date.now()));
    silent.on('error', () => {});
    const started = Date.now();
    await closer.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - started).toBeGreaterThanOrEqual(250);
  });
});
