import { readFileSync } from 'node:fs';

/**
 * The kernel's view of a listening port on 127.0.0.1 (Linux /proc/net/tcp): how many connections
 * are established to it, and how many of those still wait in the accept queue (not yet taken by
 * the process). Lets a test send SIGTERM only once its requests have really reached the server.
 */
export function tcpState(port: number): { established: number; acceptQueue: number } {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let established = 0;
  let acceptQueue = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 5 || !fields[1]!.endsWith(`:${hexPort}`)) continue;
      const state = fields[3];
      if (state === '01') established++;
      if (state === '0A') acceptQueue += parseInt(fields[4]!.split(':')[1]!, 16);
    }
  }
  return { established, acceptQueue };
}
