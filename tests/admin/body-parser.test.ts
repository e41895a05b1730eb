import express from 'express';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { adminBodyParser } from '../../admin/http/body.js';
import { errorHandler } from '../../src/http/middleware/error-handler.js';
import { requestId } from '../../src/http/middleware/request-id.js';

// The parser's temporary files go to os.tmpdir(), which reads TMPDIR: a directory of this test's own.
const TMP = mkdtempSync(join(tmpdir(), 'backoffice-body-'));
process.env.TMPDIR = TMP;
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/**
 * The parser removes its directory when the response closes, asynchronously after the client has
 * its answer: wait (bounded) until the temporary directory is empty again.
 */
async function settled(timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (readdirSync(TMP).length && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

function appWith(handler: express.RequestHandler) {
  const app = express();
  app.use(requestId);
  app.use(adminBodyParser({ uploads: [{ path: /^\/import$/, maxFiles: 1, maxFileBytes: 1024 }], maxBodyBytes: 4096 }));
  app.post('/import', handler);
  app.post('/other', (req, res) => res.json({ fields: req.fields }));
  app.use(errorHandler);
  return app;
}

describe('admin body parser: uploads only where a rule allows them, never left on disk', () => {
  it('hands an allowed file to the route, then deletes it when the response ends', async () => {
    let seen: { path: string; content: string } | undefined;
    const app = appWith((req, res) => {
      const file = req.files!.file!;
      seen = { path: file.path, content: readFileSync(file.path, 'utf8') };
      res.json({ name: file.name, size: file.size, fields: req.fields });
    });
    const res = await request(app).post('/import').field('note', 'hello').attach('file', Buffer.from('a,b\n1,2\n'), 'data.csv');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'data.csv', size: 8, fields: { note: 'hello' } });
    expect(seen!.content).toBe('a,b\n1,2\n');
    await settled();
    expect(existsSync(seen!.path)).toBe(false);
    expect(readdirSync(TMP)).toEqual([]);
  });

  it('deletes the file when the route fails', async () => {
    const app = appWith((_req, _res, next) => next(new Error('boom')));
    const res = await request(app).post('/import').attach('file', Buffer.from('x'), 'x.csv');
    expect(res.status).toBe(500);
    await settled();
    expect(readdirSync(TMP)).toEqual([]);
  });

  it('refuses a file over the limit (413) and a second file, keeping nothing', async () => {
    const app = appWith((_req, res) => res.json({ ok: true }));
    const big = await request(app).post('/import').attach('file', Buffer.alloc(4096, 'x'), 'big.csv');
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const two = await request(app).post('/import').attach('a', Buffer.from('1'), 'a.csv').attach('b', Buffer.from('2'), 'b.csv');
    expect(two.status).toBe(413);
    await settled();
    expect(readdirSync(TMP)).toEqual([]);
  });

  it('refuses files on routes without a rule, parses their fields, JSON and forms', async () => {
    const app = appWith((_req, res) => res.json({ ok: true }));
    const file = await request(app).post('/other').field('a', '1').attach('file', Buffer.from('x'), 'x.csv');
    expect(file.status).toBe(400);
    expect(file.body.error.details[0]).toMatchObject({ field: 'file', code: 'upload_not_accepted' });
    expect((await request(app).post('/other').field('a', '1')).body).toEqual({ fields: { a: '1' } });
    expect((await request(app).post('/other').send({ a: 'ü' })).body).toEqual({ fields: { a: 'ü' } });
    expect((await request(app).post('/other').type('form').send('a=1&b.0=x')).body).toEqual({ fields: { a: '1', 'b.0': 'x' } });
    const surrogate = await request(app).post('/other').set('Content-Type', 'application/json').send('{"a":"\\udc00"}');
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.details[0]).toMatchObject({ field: 'a', code: 'invalid_unicode' });
    expect((await request(app).post('/other').field('a', 'x'.repeat(5000))).status).toBe(413);
    await settled();
    expect(readdirSync(TMP)).toEqual([]);
  });
});
