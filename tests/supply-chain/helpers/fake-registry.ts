// A registry on 127.0.0.1 that answers the two requests `npm audit` makes: the bulk advisory
// query and the packument of each package an advisory names. It lets a test watch the real npm
// produce an audit report for a fixture project, with no network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAdvisory {
  id: number;
  ghsa: string;
  title: string;
  severity: 'low' | 'moderate' | 'high' | 'critical';
  vulnerableVersions: string;
}

export interface FakePackage {
  name: string;
  versions: string[];
  /** Dependencies every version declares (npm reads them to find who is affected). */
  dependencies?: Record<string, string>;
  advisories?: FakeAdvisory[];
}

export interface FakeRegistry {
  url: string;
  bulkRequests: number;
  close(): Promise<void>;
}

export async function startFakeRegistry(packages: FakePackage[], options: { auditStatus?: number } = {}): Promise<FakeRegistry> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const state = { bulkRequests: 0 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/-/npm/v1/security/advisories/bulk') {
      state.bulkRequests += 1;
      req.resume();
      req.on('end', () => {
        if (options.auditStatus) {
          res.writeHead(options.auditStatus, { allow: 'GET,HEAD' }).end();
          return;
        }
        const body: Record<string, unknown[]> = {};
        for (const p of packages) {
          if (!p.advisories?.length) continue;
          body[p.name] = p.advisories.map((a) => ({
            id: a.id,
            url: `https://github.com/advisories/${a.ghsa}`,
            title: a.title,
            severity: a.severity,
            vulnerable_versions: a.vulnerableVersions,
            cwe: ['CWE-1321'],
            cvss: { score: a.severity === 'critical' ? 9.8 : 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
          }));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const pkg = byName.get(name);
    if (req.method === 'GET' && pkg) {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const versions = Object.fromEntries(
        pkg.versions.map((v) => [
          v,
          { name, version: v, dependencies: pkg.dependencies ?? {}, dist: { tarball: `${origin}/${name}/-/${name}-${v}.tgz` } },
        ]),
      );
      const latest = pkg.versions[pkg.versions.length - 1];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, 'dist-tags': { latest }, versions }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get bulkRequests() {
      return state.bulkRequests;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
