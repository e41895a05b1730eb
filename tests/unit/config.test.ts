import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('configuration', () => {
  it('applies defaults for an empty environment', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe('development');
    expect(c.DATA_DIR).toBe('.data');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable', () => {
    try {
      parseConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: .*\(got "abc"\)/m);
      expect(problems).toMatch(/^LOG_LEVEL: /m);
      expect(problems).toMatch(/^DATABASE_URL: /m);
      // secrets and URLs are never echoed back
      expect(problems).not.toContain('not a url');
    }
  });

  it('requires secrets and a database in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required when NODE_ENV=production/);
    expect(() =>
      parseConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://a:b@db/x',
        SESSION_SECRET: 'x'.repeat(32),
        JWT_SECRET: 'y'.repeat(32),
        AUDIT_CHECKPOINT_KEY: 'z'.repeat(32),
      }),
    ).not.toThrow();
  });

  it('rejects short secrets', () => {
    expect(() => parseConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });
});
