import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { BenchResult } from './types.js';

/** One result as a line: PASS/FAIL, figure, baseline and ratio when there are, goal, notes. */
export const resultLine = (r: BenchResult): string =>
  `${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure.toFixed(2)} ${r.unit}` +
  `${r.baseline !== undefined ? ` (baseline ${r.baseline.toFixed(2)})` : ''}` +
  `${r.ratio !== undefined ? ` ratio ${r.ratio.toFixed(2)}` : ''} — goal ${r.goal}${r.notes ? ` — ${r.notes}` : ''}`;

/**
 * Runs a bench module on its own (`node --import tsx bench/<module>.ts`) when `moduleUrl` is the
 * script Node was started with: prints every result and exits 0 (1 when the module failed).
 */
export function runIfMain(moduleUrl: string, run: () => Promise<BenchResult[]>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  run().then(
    (results) => {
      for (const r of results) process.stdout.write(`${resultLine(r)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** Stops a bare baseline server: its keep-alive connections, then its pool. */
export async function closeBare(bare: { server: Server; pool: pg.Pool } | undefined): Promise<void> {
  if (!bare) return;
  bare.server.closeAllConnections();
  await new Promise<void>((resolve) => bare.server.close(() => resolve()));
  await bare.pool.end();
}
