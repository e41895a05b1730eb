import type { Server } from 'node:http';
import net, { type Socket } from 'node:net';

/** How long a keep-alive connection must have been idle before closing may end it. */
const IDLE_MS = 500;

export interface GracefulCloser {
  /**
   * Stops accepting connections, lets every request already sent complete, closes keep-alive
   * connections as they fall idle, and resolves once no connection is left.
   */
  close: () => Promise<void>;
}

export interface GracefulOptions {
  /**
   * How long connections are still accepted after close() is called (default 1 s): connections a
   * client opened before the signal may still sit in the kernel's accept queue while the event
   * loop is busy, and closing the listener resets them. Responses carry `Connection: close`.
   */
  acceptForMs?: number;
  /** How long a connection that has not sent a complete request yet is waited for (default 3 s). */
  unreadGraceMs?: number;
  /** How often idle connections are looked for while closing (default 100 ms). */
  sweepEveryMs?: number;
}

/**
 * Graceful close for the HTTP server (SIGTERM, src/main.ts). `http.Server#close()` destroys every
 * connection that has no request in progress at that instant — including connections whose
 * request is already sent but not yet read by a busy event loop, and closing the listener at
 * once resets connections still in the kernel's accept queue: clients that sent before the signal
 * get ECONNRESET (found by tests/ops/sigterm.test.ts). Here: connections are still accepted for
 * a moment (responses now carry `Connection: close`), then the listener closes (net.Server's
 * close: no new connections, nothing destroyed); connections that already served a request are
 * closed as soon as they are idle; connections that have not delivered a request yet get a short
 * grace to do so.
 */
export function gracefulCloser(server: Server, options: GracefulOptions = {}): GracefulCloser {
  const acceptForMs = options.acceptForMs ?? 1_000;
  const unreadGraceMs = options.unreadGraceMs ?? 3_000;
  const sweepEveryMs = options.sweepEveryMs ?? 100;
  const sockets = new Map<Socket, { active: number; served: number; idleSince: number }>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { active: 0, served: 0, idleSince: Date.now() });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const state = sockets.get(req.socket);
    if (!state) return;
    state.active++;
    if (closing && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      state.active--;
      state.served++;
      state.idleSince = Date.now();
    });
  });

  return {
    close: async () => {
      closing = true;
      await new Promise((r) => setTimeout(r, acceptForMs));
      await new Promise<void>((resolve) => {
        const started = Date.now();
        const sweep = setInterval(() => {
          const now = Date.now();
          const late = now - started > unreadGraceMs;
          for (const [socket, state] of sockets) {
            // A keep-alive connection that just answered may carry the client's next request
            // already: only one idle for a moment is closed.
            if (state.active === 0 && ((state.served > 0 && now - state.idleSince >= IDLE_MS) || late)) socket.destroy();
          }
        }, sweepEveryMs);
        net.Server.prototype.close.call(server, () => {
          clearInterval(sweep);
          resolve();
        });
      });
    },
  };
}
