import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { parseConfig, type Env } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createServices, type Services } from '../../src/services.js';

const TEMPLATE_DB = 'backoffice_test_template';

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  drop: () => Promise<void>;
}

/** A fresh database cloned from the migrated template. Refuses names that do not say "test". */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { port, password, appPassword } = inject('pg');
  const name = `backoffice_test_${randomBytes(5).toString('hex')}`;
  if (!name.includes('test')) throw new Error('refusing to use a database whose name does not say test');
  const admin = new pg.Client({ connectionString: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  // Through PgBouncer (transaction mode) when the run says so; the owner always connects directly.
  const appPort = inject('pgbouncer')?.port ?? port;
  return {
    name,
    ownerUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/${name}`,
    appUrl: `postgresql://backoffice_app:${appPassword}@127.0.0.1:${appPort}/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const TEST_SECRETS = {
  sessionSecret: 'test-session-secret-0123456789abcdef0123456789',
  jwtSecret: 'test-jwt-secret-0123456789abcdef0123456789abcd',
  accountTokenKey: 'test-account-token-key-0123456789abcdef0123',
  /** The tests' Ed25519 signing key: a fixed seed, derived here so no key literal is committed. */
  auditSigningKey: createHash('sha256').update('backoffice test audit signing key').digest('base64url'),
  /** Legacy HMAC key (verifies checkpoints written the pre-Ed25519 way, see tests/audit/legacy.test.ts). */
  auditCheckpointKey: 'test-audit-checkpoint-key-0123456789abcdef01',
};

export interface TestContext {
  db: TestDatabase;
  config: Readonly<Env>;
  /** The application's runtime: it connects as backoffice_app, under row-level security. */
  runtime: Runtime;
  services: Services;
  /**
   * The owner's connections (the migration role: row-level security does not apply to it), for
   * test fixtures written around the services and for assertions about what is really stored.
   * The application never gets these; tests/integration/rls.test.ts shows what the app role sees.
   */
  owner: { prisma: PrismaClient; pool: pg.Pool };
  close: () => Promise<void>;
}

/** A runtime and services over a fresh test database; `close` drops everything. */
export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const db = await createTestDatabase();
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.appUrl,
    AUDIT_CHECKPOINT_EVERY: '10',
    ...(inject('pgbouncer') ? { DATABASE_PGBOUNCER: 'true' } : {}),
    ...env,
  });
  const runtime = createRuntime({
    config,
    secrets: TEST_SECRETS,
    logger: createLogger(config.LOG_LEVEL),
    appUrl: db.appUrl,
    ownerUrl: db.ownerUrl,
  });
  const services = createServices(runtime);
  const owner = {
    prisma: createPrisma(db.ownerUrl, 4),
    pool: createPool({ connectionString: db.ownerUrl, max: 2, logger: runtime.logger, namedStatements: true }),
  };
  return {
    db,
    config,
    runtime,
    services,
    owner,
    close: async () => {
      await Promise.allSettled([owner.prisma.$disconnect(), owner.pool.end()]);
      await runtime.close();
      await db.drop();
    },
  };
}
