import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../bench/lib/server-process.js';
import { CONFIG_KEYS, parseConfig } from '../../src/config.js';

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is kept honest by reading it: the
 * topology of runbooks/scaling-out.md, and every variable given to the app and the worker is one
 * the configuration schema knows, with values it accepts.
 */
interface Service {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: string[];
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

/** The environment as compose would pass it, with `${VAR:?…}` / `${VAR:-default}` filled in. */
function envOf(name: string): Record<string, string> {
  // An Ed25519 key is 32 bytes in base64url (43 characters); other secrets are long random text.
  const sample = (v: string) =>
    v.endsWith('SIGNING_KEY') ? 'A'.repeat(43) : `sample-${v.toLowerCase()}-0123456789abcdef0123456789abcdef`;
  return Object.fromEntries(
    Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [
      k,
      String(v).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, variable: string, op?: string, rest?: string) =>
        op === '-' ? rest! : sample(variable),
      ),
    ]),
  );
}
const hostOf = (url: string) => new URL(url).hostname;
const portOf = (url: string) => new URL(url).port || '5432';

describe('docker-compose.yml: the topology past one machine', () => {
  it('has two app replicas, a worker, a primary and a replica, PgBouncer and Redis', () => {
    for (const s of ['app', 'worker', 'postgres', 'postgres-replica', 'pgbouncer', 'redis'])
      expect(Object.keys(services)).toContain(s);
    expect(services.app!.deploy?.replicas).toBe(2);
    expect(services.worker!.command).toEqual(['node', 'bin/backoffice.js', 'worker']);
    for (const [name, s] of Object.entries(services))
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
  });

  it('gives the app and the worker only settings the configuration schema knows, with valid values', () => {
    for (const name of ['app', 'worker']) {
      const env = envOf(name);
      for (const key of Object.keys(env)) expect(CONFIG_KEYS, `${name}: ${key}`).toContain(key);
      // Production refuses to start without its secrets: the file provides every one.
      expect(() => parseConfig(env), name).not.toThrow();
    }
  });

  it('wires app nodes through PgBouncer with the replica for staff reads, and the worker directly', () => {
    const app = parseConfig(envOf('app'));
    expect(hostOf(app.DATABASE_URL!)).toBe('pgbouncer');
    expect(portOf(app.DATABASE_URL!)).toBe(String(envOf('pgbouncer').LISTEN_PORT));
    expect(app.DATABASE_PGBOUNCER).toBe(true);
    expect(app.RUN_WORKER).toBe(false);
    expect(hostOf(app.DATABASE_REPLICA_URL!)).toBe('postgres-replica');
    // Migrations take an advisory lock: the owner connects to the primary itself.
    expect(hostOf(app.DATABASE_OWNER_URL!)).toBe('postgres');
    expect(app.REDIS_URL && hostOf(app.REDIS_URL)).toBe('redis');

    const worker = parseConfig(envOf('worker'));
    expect(hostOf(worker.DATABASE_URL!)).toBe('postgres');
    expect(worker.DATABASE_PGBOUNCER).toBe(false);
    expect(worker.RUN_WORKER).toBe(true);
    expect(worker.DATABASE_REPLICA_URL).toBe(app.DATABASE_REPLICA_URL);
    // One secret set and one export directory for every node.
    for (const key of ['SESSION_SECRET', 'JWT_SECRET', 'AUDIT_CHECKPOINT_KEY', 'EXPORT_DIR', 'REDIS_URL'] as const)
      expect(worker[key], key).toBe(app[key]);
    expect(services.worker!.volumes).toEqual(services.app!.volumes);
  });

  it('runs PgBouncer in transaction mode in front of the primary, and the replica from a base backup', () => {
    const bouncer = envOf('pgbouncer');
    expect(bouncer.POOL_MODE).toBe('transaction');
    expect(hostOf(bouncer.DATABASE_URL!)).toBe('postgres');
    expect(services.postgres!.command).toEqual(expect.arrayContaining(['wal_level=replica']));
    const script = readFileSync(join(PROJECT_ROOT, 'deploy/postgres/replica-entrypoint.sh'), 'utf8');
    expect(script).toMatch(/pg_basebackup[^\n]*-R/);
    expect(services['postgres-replica']!.volumes).toEqual(
      expect.arrayContaining(['./deploy/postgres/replica-entrypoint.sh:/deploy/replica-entrypoint.sh:ro']),
    );
    expect(envOf('postgres-replica').REPLICATION_SLOT).toBe('replica1');
    expect(readFileSync(join(PROJECT_ROOT, 'deploy/postgres/primary-init.sh'), 'utf8')).toMatch(
      /pg_create_physical_replication_slot\('replica1'\)/,
    );
  });
});
