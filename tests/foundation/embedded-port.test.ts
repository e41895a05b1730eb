import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { openDatabase, runningEmbeddedPort, type Database } from '../../src/db/bootstrap.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('the CLI finds the embedded database the server uses', () => {
  const dirs: string[] = [];
  const opened: Database[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'backoffice-embedded-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const db of opened.reverse()) await db.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the running server's port from the postmaster.pid PostgreSQL writes in the data directory", () => {
    const dir = tmp();
    expect(runningEmbeddedPort(dir)).toBeNull();
    mkdirSync(join(dir, 'pg'));
    writeFileSync(join(dir, 'pg', 'postmaster.pid'), '4242\n/data/pg\n1764600000\n55111\n/tmp\n127.0.0.1\n');
    expect(runningEmbeddedPort(dir)).toBe(55111);
    writeFileSync(join(dir, 'pg', 'postmaster.pid'), 'garbage');
    expect(runningEmbeddedPort(dir)).toBeNull();
  });

  it('uses the port the server started on, not the configured one (and leaves that server running)', async () => {
    const dir = tmp();
    const [serverPort, otherPort] = [await freePort(), await freePort()];
    const server = await openDatabase(parseConfig({ NODE_ENV: 'test', DATA_DIR: dir, EMBEDDED_PG_PORT: String(serverPort) }), {
      migrate: false,
    });
    opened.push(server);
    expect(runningEmbeddedPort(dir)).toBe(serverPort);
    const cli = await openDatabase(parseConfig({ NODE_ENV: 'test', DATA_DIR: dir, EMBEDDED_PG_PORT: String(otherPort) }), {
      migrate: false,
    });
    expect(cli.ownerUrl).toContain(`127.0.0.1:${serverPort}/`);
    expect(cli.appUrl).toContain(`127.0.0.1:${serverPort}/`);
    await cli.stop(); // not the CLI's server: nothing is stopped
    expect(runningEmbeddedPort(dir)).toBe(serverPort);
  }, 120_000);
});
