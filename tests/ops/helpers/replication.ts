import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../bench/lib/ports.js';
import { ensureDatabase } from '../../../src/db/embedded.js';
import { migrate } from '../../../src/db/migrate.js';

/**
 * A primary and a streaming replica of it, from Debian's PostgreSQL (the embedded one has no
 * pg_basebackup): `initdb` + `pg_ctl` for the primary (wal_level=replica, a replication entry in
 * pg_hba), the schema migrated into it, then `pg_basebackup -R` (standby.signal and
 * primary_conninfo) and the replica started as a hot standby. Both run as the `postgres` OS user
 * when this process is root (PostgreSQL refuses root). `.ci/run` installs the package.
 */
export interface ReplicatedCluster {
  primary: { port: number; ownerUrl: string; appUrl: string };
  replica: { port: number; ownerUrl: string; appUrl: string };
  /** Resolves once the replica has replayed everything the primary has written so far. */
  caughtUp: () => Promise<void>;
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  stopReplica: () => void;
  destroy: () => Promise<void>;
}

function debianBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_basebackup'))) : [];
  const major = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!major) throw new Error('PostgreSQL server binaries are not installed: apt-get install -y postgresql (.ci/run does this)');
  return join(root, major, 'bin');
}

const DB = 'backoffice';
const APP_PASSWORD = 'replica-test-app-password';

export async function startReplicatedCluster(): Promise<ReplicatedCluster> {
  const bin = debianBin();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'backoffice-replica-'));
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = root ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const started: string[] = [];
  const pgCtlStart = (data: string, port: number, extra: string) => {
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      `${data}.log`,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 ${extra}`,
      'start',
    ]);
    started.push(data);
  };
  const stop = (data: string) => {
    if (!started.includes(data)) return;
    started.splice(started.indexOf(data), 1);
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // already gone
    }
  };

  const primaryDir = join(dir, 'primary');
  const replicaDir = join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const urls = (port: number) => ({
    port,
    ownerUrl: `postgresql://postgres@127.0.0.1:${port}/${DB}`,
    appUrl: `postgresql://backoffice_app:${APP_PASSWORD}@127.0.0.1:${port}/${DB}`,
  });
  const primary = urls(primaryPort);
  const replica = urls(replicaPort);
  try {
    run('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    appendFileSync(join(primaryDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n');
    pgCtlStart(primaryDir, primaryPort, '-c wal_level=replica -c max_wal_senders=5');
    await ensureDatabase(`postgresql://postgres@127.0.0.1:${primaryPort}/postgres`, DB);
    await migrate(primary.ownerUrl, primary.appUrl);
    run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
    ]);
    pgCtlStart(replicaDir, replicaPort, '-c hot_standby=on');
  } catch (err) {
    for (const d of [...started].reverse()) stop(d);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const query = async <R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };
  const waitUntil = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`replica: ${what} did not happen within 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    primary,
    replica,
    async caughtUp() {
      const lsn = (await query<{ lsn: string }>(primary.ownerUrl, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0]!.lsn;
      await waitUntil(
        async () =>
          (await query<{ ok: boolean }>(replica.ownerUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS ok`))[0]!.ok,
        `replay up to ${lsn}`,
      );
    },
    async pauseReplay() {
      await query(replica.ownerUrl, 'SELECT pg_wal_replay_pause()');
      await waitUntil(
        async () =>
          (await query<{ s: string }>(replica.ownerUrl, 'SELECT pg_get_wal_replay_pause_state() AS s'))[0]!.s === 'paused',
        'pause',
      );
    },
    async resumeReplay() {
      await query(replica.ownerUrl, 'SELECT pg_wal_replay_resume()');
    },
    stopReplica: () => stop(replicaDir),
    async destroy() {
      stop(replicaDir);
      stop(primaryDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
