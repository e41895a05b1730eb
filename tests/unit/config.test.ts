import { describe, expect, it } from 'vitest';
import { auditAnchorPath, ConfigError, parseConfig } from '../../src/config.js';
import { generateSigningKey } from '../../src/modules/audit/audit.signing.js';

describe('configuration', () => {
  it('applies defaults for an empty environment', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe('development');
    expect(c.DATA_DIR).toBe('.data');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses a replica without the primary it replicates; PgBouncer mode is off by default', () => {
    expect(() => parseConfig({ DATABASE_REPLICA_URL: 'postgresql://a@replica/db' })).toThrow(
      /DATABASE_REPLICA_URL: needs DATABASE_URL/,
    );
    const c = parseConfig({ DATABASE_URL: 'postgresql://a@primary/db', DATABASE_REPLICA_URL: 'postgresql://a@replica/db' });
    expect(c.REPLICA_READ_YOUR_WRITES_SECONDS).toBe(15);
    expect(c.DATABASE_PGBOUNCER).toBe(false);
    expect(parseConfig({ DATABASE_PGBOUNCER: 'true' }).DATABASE_PGBOUNCER).toBe(true);
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
        AUDIT_SIGNING_KEY: generateSigningKey().privateKey,
      }),
    ).toThrow(/ACCOUNT_TOKEN_SECRET: required when NODE_ENV=production/);
    expect(() =>
      parseConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://a:b@db/x',
        SESSION_SECRET: 'x'.repeat(32),
        JWT_SECRET: 'y'.repeat(32),
        ACCOUNT_TOKEN_SECRET: 't'.repeat(32),
        AUDIT_SIGNING_KEY: generateSigningKey().privateKey,
      }),
    ).not.toThrow();
  });

  it('rejects short secrets', () => {
    expect(() => parseConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('requires an Ed25519 signing key in production, and names a bad one or a bad retired key', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://a:b@db/x',
      SESSION_SECRET: 'x'.repeat(32),
      JWT_SECRET: 'y'.repeat(32),
      ACCOUNT_TOKEN_SECRET: 't'.repeat(32),
    };
    expect(() => parseConfig(prod)).toThrow(/AUDIT_SIGNING_KEY: required when NODE_ENV=production/);
    expect(() => parseConfig({ ...prod, AUDIT_SIGNING_KEY: 'not-a-key' })).toThrow(
      /AUDIT_SIGNING_KEY: must be an Ed25519 private key/,
    );
    const retired = generateSigningKey();
    const c = parseConfig({
      ...prod,
      AUDIT_SIGNING_KEY: generateSigningKey().privateKey,
      AUDIT_SIGNING_RETIRED_KEYS: ` ${retired.publicKey}, `,
    });
    expect(c.AUDIT_SIGNING_RETIRED_KEYS).toEqual([retired.publicKey]);
    expect(() => parseConfig({ AUDIT_SIGNING_RETIRED_KEYS: 'abc' })).toThrow(/AUDIT_SIGNING_RETIRED_KEYS/);
    // The legacy HMAC key is optional now: it only verifies checkpoints written before Ed25519.
    expect(parseConfig({ ...prod, AUDIT_SIGNING_KEY: retired.privateKey }).AUDIT_CHECKPOINT_KEY).toBeUndefined();
  });

  it('anchors signed audit heads under DATA_DIR in development, nowhere by default elsewhere', () => {
    expect(auditAnchorPath(parseConfig({}))).toBe('.data/audit-anchors/');
    expect(auditAnchorPath(parseConfig({ NODE_ENV: 'test' }))).toBeUndefined();
    expect(auditAnchorPath(parseConfig({ NODE_ENV: 'test', AUDIT_ANCHOR_PATH: '/var/log/audit-anchors/' }))).toBe(
      '/var/log/audit-anchors/',
    );
  });
});
