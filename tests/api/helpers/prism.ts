import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const PRISM = join(require.resolve('@stoplight/prism-cli/package.json'), '..', 'dist', 'index.js');

export interface PrismProxy {
  url: string;
  /** Violations of the document Prism found in responses so far (one line each). */
  responseViolations: () => string[];
  /** Requests Prism forwarded (and validated the response of). */
  forwarded: () => number;
  /** Requests sent to the server directly (bodies that are not JSON, which Prism answers itself). */
  bypassed: () => number;
  /** Every violation line, requests included (requests are not validated: negative tests send bad ones). */
  allViolations: () => string[];
  close: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * Stoplight Prism (a third-party OpenAPI tool from npm) as a validating proxy in front of the API:
 * every response is checked against the OpenAPI document the server itself serves. Request
 * validation is off (the tests send invalid requests on purpose); response violations are read
 * from Prism's log. Started by the API harness when CONTRACT_PROXY=prism (`npm run contract:prism`).
 */
export async function startPrism(upstream: string): Promise<PrismProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-prism-'));
  const docFile = join(dir, 'openapi.json');
  const doc = (await (await fetch(`${upstream}/api/schema`)).json()) as Record<string, unknown>;
  // The document's relative server URL is resolved against the upstream by Prism itself.
  writeFileSync(docFile, JSON.stringify({ ...doc, servers: [{ url: upstream }] }));
  const port = await freePort();
  const lines: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [PRISM, 'proxy', docFile, upstream, '-p', String(port), '--errors=false', '--validate-request=false', '--cors=false'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCARF_ANALYTICS: 'false', DO_NOT_TRACK: '1' } },
  );
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${lines.join('\n')}`)), 60_000);
    const check = () => {
      if (lines.some((l) => /Prism is listening/.test(l))) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`prism exited:\n${lines.join('\n')}`));
      } else setTimeout(check, 100);
    };
    check();
  });
  const violations = () => lines.filter((l) => /Violation:/.test(l));
  const prismUrl = `http://127.0.0.1:${port}`;
  // Prism parses JSON bodies itself and answers an unparseable one on its own (not forwarding it),
  // and it normalises `//` in paths: those few requests of the negative tests go to the server
  // directly (counted in `bypassed`); everything else through Prism.
  const splitter: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let target = prismUrl;
      // Prism also collapses `//` in a path, turning an unknown path into a documented one.
      if ((req.url ?? '').split('?')[0]!.includes('//')) {
        target = upstream;
        bypassed++;
      } else if (body.length && /json/i.test(req.headers['content-type'] ?? '')) {
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          target = upstream;
          bypassed++;
        }
      }
      const forward = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', (err) => res.destroy(err));
      forward.end(body);
    });
  });
  let bypassed = 0;
  await new Promise<void>((resolve) => splitter.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(splitter.address() as AddressInfo).port}`,
    bypassed: () => bypassed,
    forwarded: () => lines.filter((l) => /Forwarding "/.test(l)).length,
    allViolations: violations,
    responseViolations: () => violations().filter((l) => /Violation:\s*response/.test(l)),
    close: async () => {
      splitter.closeAllConnections();
      await new Promise((resolve) => splitter.close(resolve));
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      if (process.env.PRISM_LOG) appendFileSync(process.env.PRISM_LOG, `${lines.join('\n')}\n`);
    },
  };
}
