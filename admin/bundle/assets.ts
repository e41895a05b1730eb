import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

interface Encoded {
  etag: string;
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff: 'font/woff',
  ttf: 'font/ttf',
  eot: 'application/vnd.ms-fontobject',
};
const COMPRESSIBLE = new Set(['js', 'css', 'svg', 'ttf', 'eot']);

async function encode(file: string): Promise<Encoded> {
  const identity = await readFile(file);
  const ext = file.split('.').pop() ?? '';
  const compressible = COMPRESSIBLE.has(ext);
  const [gz, br] = compressible
    ? await Promise.all([
        gzipAsync(identity, { level: 9 }),
        // Development bundles are tens of megabytes: a lighter brotli keeps the first page quick.
        brotli(identity, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: identity.length > 4_000_000 ? 5 : 9,
            [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length,
          },
        }),
      ])
    : [identity, identity];
  return {
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
    type: TYPES[ext] ?? 'application/octet-stream',
    identity,
    gzip: compressible ? gz : identity,
    br: compressible ? br : identity,
  };
}

/**
 * Serves the admin's static front-end files compressed ahead of the request: each file is read
 * and compressed (brotli and gzip) once, kept in memory, and answered with an ETag. The bundles
 * are megabytes; compressing them per request would cost more CPU than the page itself.
 */
export function staticAssets(resolveFile: (path: string) => Promise<string | undefined>, maxAgeSeconds: number): RequestHandler {
  const cache = new Map<string, Promise<Encoded>>();
  const load = (file: string) => {
    let entry = cache.get(file);
    if (!entry) {
      entry = encode(file);
      entry.catch(() => cache.delete(file));
      cache.set(file, entry);
    }
    return entry;
  };
  const send = (req: Request, res: Response, asset: Encoded) => {
    res.setHeader('ETag', asset.etag);
    res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    res.setHeader('Vary', 'Accept-Encoding');
    res.type(asset.type);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
    const body = accepted === 'br' ? asset.br : accepted === 'gzip' ? asset.gzip : asset.identity;
    if (body !== asset.identity) res.setHeader('Content-Encoding', accepted as string);
    res.setHeader('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    resolveFile(req.path)
      .then(async (file) => {
        if (!file) return next();
        send(req, res, await load(file));
      })
      .catch(next);
  };
}
