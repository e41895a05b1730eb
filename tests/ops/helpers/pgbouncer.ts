import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../bench/lib/ports.js';
import { requireTool } from './tools.js';

export interface TestPgBouncer {
  port: number;
  /** Totals of PgBouncer's SHOW STATS over every database (transactions and queries it relayed). */
  stats: () => Promise<{ transactions: number; queries: number }>;
  stop: () => Promise<void>;
}

/**
 * A real PgBouncer (Debian's) in TRANSACTION pooling mode on a free port of 127.0.0.1, in front
 * of the PostgreSQL at `target`, for every database name (`*`). Few server connections per
 * database (`poolSize`), so that consecutive queries of one client do land on different server
 * connections: session state (named prepared statements, SET, session advisory locks) breaks
 * here as it does in production. Runs as the `postgres` OS user when this process is root.
 */
export async function startPgBouncer(options: {
  target: { host: string; port: number };
  /** user → password PgBouncer uses towards PostgreSQL (plain text, kept in a 0600 file). */
  users: Record<string, string>;
  adminUser: string;
  poolSize?: number;
}): Promise<TestPgBouncer> {
  const binary = requireTool('pgbouncer', 'pgbouncer');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-pgbouncer-'));
  chmodSync(dir, 0o777);
  const userlist = Object.entries(options.users)
    .map(([user, password]) => `"${user}" "${password}"`)
    .join('\n');
  writeFileSync(join(dir, 'userlist.txt'), `${userlist}\n`, { mode: 0o644 });
  const ini = `
[databases]
* = host=${options.target.host} port=${options.target.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
admin_users = ${options.adminUser}
pool_mode = transaction
default_pool_size = ${options.poolSize ?? 3}
max_client_conn = 1000
max_db_connections = ${(options.poolSize ?? 3) * 2}
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = ${join(dir, 'pgbouncer.log')}
pidfile = ${join(dir, 'pgbouncer.pid')}
`;
  writeFileSync(join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
  const root = process.getuid?.() === 0;
  const child: ChildProcess = spawn(binary, [...(root ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);

  const admin = async <R extends pg.QueryResultRow>(text: string): Promise<R[]> => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: options.adminUser,
      password: options.users[options.adminUser],
      database: 'pgbouncer',
    });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`pgbouncer exited: ${stderr}${log()}`);
    try {
      await admin('SHOW VERSION');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        kill();
        throw new Error(`pgbouncer not ready: ${(err as Error).message} ${log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    port,
    async stats() {
      const rows = await admin<{ database: string; total_xact_count: string; total_query_count: string }>('SHOW STATS');
      return rows
        .filter((r) => r.database !== 'pgbouncer')
        .reduce(
          (sum, r) => ({
            transactions: sum.transactions + Number(r.total_xact_count),
            queries: sum.queries + Number(r.total_query_count),
          }),
          { transactions: 0, queries: 0 },
        );
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
