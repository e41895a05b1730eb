// The HTTP surface's OpenAPI extension of zod must load before the domain schemas.
import '../../src/http/api/zod-openapi.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../bench/lib/server-process.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { startWorkers } from '../../src/modules/jobs/jobs.worker.js';
import { createTestContext } from '../helpers/db.js';

/**
 * The API behind PgBouncer in TRANSACTION mode (Debian's pgbouncer, 3 server connections per
 * database, so one client's consecutive statements land on different server connections): the
 * whole API suite (every file of tests/api: sign-up, tokens and refresh rotation, idempotent
 * writes with concurrent duplicates, lists and keyset pages, exports, account closure, the
 * contract, the fuzzer, rate limits, operations) runs with the application role connecting
 * through it (TEST_THROUGH_PGBOUNCER=1, tests/setup/global-setup.ts) and DATABASE_PGBOUNCER=true.
 * It fails with named prepared statements left on (a statement prepared on one server connection
 * is unknown on the next: 500s under concurrency).
 */
const API_SUITE = readdirSync(join(PROJECT_ROOT, 'tests/api'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `tests/api/${f}`);

describe('PgBouncer in transaction mode', () => {
  it('the whole API suite passes with the app connecting through PgBouncer', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backoffice-pgbouncer-run-'));
    const report = join(dir, 'stats.json');
    // A clean environment for the nested run (not this run's VITEST_* worker variables).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_V8_COVERAGE'),
    );
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...API_SUITE], {
      cwd: PROJECT_ROOT,
      env: { ...env, TEST_THROUGH_PGBOUNCER: '1', TEST_PGBOUNCER_REPORT: report, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    try {
      expect(code, output.slice(-6000)).toBe(0);
      expect(API_SUITE.length).toBeGreaterThanOrEqual(14);
      expect(/Test Files\s+(\d+) passed/.exec(stripVTControlCharacters(output))?.[1]).toBe(String(API_SUITE.length));
      // The traffic really went through PgBouncer.
      const stats = JSON.parse(readFileSync(report, 'utf8')) as { transactions: number; queries: number };
      expect(stats.transactions).toBeGreaterThan(5000);
      expect(stats.queries).toBeGreaterThan(10000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('workers refuse to run over PgBouncer (their export lock outlives a transaction)', async () => {
    const t = await createTestContext({ DATABASE_PGBOUNCER: 'true' });
    try {
      const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: t.db.appUrl, DATABASE_PGBOUNCER: 'true' });
      await expect(
        startWorkers({ config, logger: createLogger('silent'), appUrl: t.db.appUrl, ownerUrl: t.db.ownerUrl }, t.services),
      ).rejects.toThrow(/direct PostgreSQL connection/);
    } finally {
      await t.close();
    }
  });
});
