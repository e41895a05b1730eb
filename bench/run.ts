/**
 * `npm run bench`: runs every benchmark module, prints one table (figure, baseline, ratio, goal,
 * pass/fail) and writes it to docs/benchmarks.md with the machine it ran on.
 *
 *   npm run bench                  every module; writes docs/benchmarks.md
 *   npm run bench -- health api    only these modules (docs/benchmarks.md untouched unless --write)
 *   npm run bench -- --quick       shorter windows (a smoke run of the harness; not for publishing)
 *   npm run bench -- --strict      exit 1 when a goal is missed or a module is missing or fails
 *
 * Each module exports `async function run<Name>Bench(): Promise<BenchResult[]>` and starts what it
 * needs itself (embedded PostgreSQL, the app), through bench/lib. A module that does not exist yet
 * is reported as "not available" rather than stopping the run.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineLine } from './lib/machine.js';
import { markdownSection, replaceSection, textTable, type BenchSection } from './lib/report.js';
import { isQuick, setQuick } from './lib/settings.js';
import type { BenchResult } from './lib/types.js';

interface BenchModule {
  key: string;
  title: string;
  file: string;
  exportName: string;
  /**
   * In a whole run (no module named), why the module is left out now, or null to run it: a
   * module whose data takes hours to make runs then only over data kept from before.
   */
  skipInWholeRun?: () => string | null;
}

const MODULES: BenchModule[] = [
  { key: 'health', title: 'Health endpoints and middleware stack (issue 7)', file: 'health.ts', exportName: 'runHealthBench' },
  { key: 'api', title: 'Public API (issue 5)', file: 'api.ts', exportName: 'runApiBench' },
  {
    key: 'writes',
    title: 'Writes and the mix vs a bare node:http + pg server (issue 17)',
    file: 'writes.ts',
    exportName: 'runWritesBench',
  },
  { key: 'admin', title: 'Admin list pages (issue 3)', file: 'admin.ts', exportName: 'runAdminBench' },
  {
    key: 'admin-http',
    title: 'Admin pages over HTTP, logged in, at 2M rows (issue 17)',
    file: 'admin-http.ts',
    exportName: 'runAdminHttpBench',
  },
  {
    key: 'admin-scale',
    title: 'Admin and API lists at 2M and at 20M rows (issue 17)',
    file: 'admin-scale.ts',
    exportName: 'runAdminScaleBench',
    skipInWholeRun: () =>
      process.env.BENCH_ADMIN_HTTP_DATA
        ? null
        : 'runs over kept clusters only (BENCH_ADMIN_HTTP_DATA; seeding 22M rows takes ~13 min on 2 cores), or with `npm run bench -- admin-scale`',
  },
  {
    key: 'audit',
    title: 'Audited write path (issue 4) and verification at scale (issue 16)',
    file: 'audit.ts',
    exportName: 'runAuditBench',
  },
  { key: 'export', title: 'Exports (issue 6)', file: 'export.ts', exportName: 'runExportBench' },
  {
    key: 'rls',
    title: 'Row-level security: the same app with and without (issue 13)',
    file: 'rls.ts',
    exportName: 'runRlsBench',
  },
];

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DOC = join(root, 'docs', 'benchmarks.md');

const DOC_TEMPLATE = `# Benchmarks

Written by \`npm run bench\` (the table) and \`npm run soak\` (the soak history). See the end of
this file for how the figures are measured.

<!-- bench:start -->
<!-- bench:end -->
`;

function notAvailable(m: BenchModule, why: string): BenchResult {
  return { name: `${m.key} benchmarks`, figure: Number.NaN, unit: '', goal: '—', pass: false, notes: `not available: ${why}` };
}

function failed(m: BenchModule, err: unknown): BenchResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    name: `${m.key} benchmarks`,
    figure: Number.NaN,
    unit: '',
    goal: 'runs to completion',
    pass: false,
    notes: `failed: ${message.split('\n')[0]}`,
  };
}

async function runModule(m: BenchModule, wholeRun: boolean): Promise<BenchSection> {
  const started = performance.now();
  const path = join(here, m.file);
  const section = (rows: BenchResult[]): BenchSection => ({
    title: m.title,
    module: `bench/${m.file} ${m.exportName}()`,
    rows,
    seconds: (performance.now() - started) / 1000,
  });
  if (!existsSync(path)) return section([notAvailable(m, `bench/${m.file} does not exist yet`)]);
  const skip = wholeRun ? (m.skipInWholeRun?.() ?? null) : null;
  if (skip) return section([notAvailable(m, skip)]);
  process.stdout.write(`\n▶ ${m.title} (bench/${m.file})\n`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch (err) {
    return section([failed(m, err)]);
  }
  const fn = mod[m.exportName];
  if (typeof fn !== 'function') return section([notAvailable(m, `bench/${m.file} does not export ${m.exportName}()`)]);
  try {
    const rows = (await (fn as () => Promise<BenchResult[]>)()) ?? [];
    return section(rows.length ? rows : [notAvailable(m, 'the module returned no results')]);
  } catch (err) {
    process.stderr.write(`  ${m.key} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return section([failed(m, err)]);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const selected = args.filter((a) => !a.startsWith('--'));
  const unknown = selected.filter((s) => !MODULES.some((m) => m.key === s));
  if (unknown.length) {
    process.stderr.write(`Unknown bench module(s): ${unknown.join(', ')}. Known: ${MODULES.map((m) => m.key).join(', ')}\n`);
    process.exit(2);
  }
  setQuick(flags.has('--quick'));
  const machine = describeMachine();
  process.stdout.write(`Benchmarks on ${machineLine(machine)}${isQuick() ? ' [quick run]' : ''}\n`);

  const started = performance.now();
  const sections: BenchSection[] = [];
  for (const m of MODULES) {
    if (selected.length && !selected.includes(m.key)) continue;
    sections.push(await runModule(m, selected.length === 0));
  }
  const total = (performance.now() - started) / 1000;

  process.stdout.write(`\n${textTable(sections)}\n`);
  const rows = sections.flatMap((s) => s.rows);
  const measured = rows.filter((r) => !r.notes?.startsWith('not available'));
  const met = measured.filter((r) => r.pass).length;
  process.stdout.write(
    `\nGoals met: ${met} of ${measured.length}; ${rows.length - measured.length} not available. ${Math.round(total)} s.\n`,
  );

  if ((selected.length === 0 && !isQuick()) || flags.has('--write')) {
    replaceSection(DOC, 'bench', markdownSection(sections, machine, total), DOC_TEMPLATE);
    process.stdout.write(`Written to docs/benchmarks.md\n`);
  }
  const ok = met === measured.length && measured.length === rows.length;
  // Libraries under test may leave timers behind; the run is over.
  process.exit(flags.has('--strict') && !ok ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
