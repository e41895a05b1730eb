import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyDestination, wantsPrettyLogs } from '../../src/lib/logger.js';

const collect = (stream: PassThrough) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
};

describe('development logs', () => {
  it('are pretty only in a development terminal, JSON in files, pipes, tests and production', () => {
    expect(wantsPrettyLogs('development', true)).toBe(true);
    expect(wantsPrettyLogs('development', false)).toBe(false);
    expect(wantsPrettyLogs('development', undefined)).toBe(false);
    expect(wantsPrettyLogs('production', true)).toBe(false);
    expect(wantsPrettyLogs('test', true)).toBe(false);
  });

  it('reads as a line of text in a terminal, with the secrets still redacted', () => {
    const out = new PassThrough();
    const text = collect(out);
    const logger = createLogger('info', prettyDestination(out)!);
    logger.info({ user: { password: 'hunter2-secret' } }, 'admin ready at http://localhost:3000/admin');
    const line = text();
    expect(line).toContain('admin ready at http://localhost:3000/admin');
    expect(line).toContain('INFO');
    expect(line).not.toContain('hunter2-secret');
    expect(() => JSON.parse(line)).toThrow();
  });

  it('is one JSON object per line otherwise', () => {
    const out = new PassThrough();
    const text = collect(out);
    createLogger('info', out).info('started');
    expect(JSON.parse(text().trim())).toMatchObject({ level: 'info', msg: 'started', service: 'backoffice' });
  });
});
