import Postgrator from 'postgrator';
import pg from 'pg';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations');
export const APP_ROLE = 'backoffice_app';

export interface MigrationResult {
  applied: string[];
  version: number;
}

/**
 * Applies the versioned SQL migrations in prisma/migrations with postgrator, as the database
 * owner. When the application connects as its own role, that role's password is set from its URL.
 * Every app node and worker migrates at start: they take turns under a session advisory lock
 * (postgrator has none), so nodes starting together never apply a migration twice. The owner's
 * URL must reach PostgreSQL directly (not PgBouncer in transaction mode) for that lock to hold.
 */
export async function migrate(ownerUrl: string, appUrl?: string): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'backoffice-migrate' });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtextextended('backoffice:migrate', 0))`);
    const postgrator = new Postgrator({
      migrationPattern: join(MIGRATIONS_DIR, '*'),
      driver: 'pg',
      schemaTable: 'schema_migrations',
      validateChecksums: true,
      execQuery: (query: string) => client.query(query),
    });
    const applied = await postgrator.migrate();
    if (appUrl) {
      const app = new URL(appUrl);
      if (decodeURIComponent(app.username) === APP_ROLE && app.password) {
        const { rows } = await client.query<{ sql: string }>(
          'SELECT format($$ALTER ROLE %I WITH LOGIN PASSWORD %L$$, $1::text, $2::text) AS sql',
          [APP_ROLE, decodeURIComponent(app.password)],
        );
        await client.query(rows[0]!.sql);
      }
    }
    const version = Number(await postgrator.getDatabaseVersion());
    return { applied: applied.map((m) => m.filename), version };
  } finally {
    await client.end();
  }
}
