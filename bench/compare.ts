/**
 * `npm run bench:compare -- <git ref> [modules…]`: the same benchmark modules at an earlier commit
 * and at this working tree, in one sitting on one machine, printed side by side.
 *
 *   npm run bench:compare -- 3b95f68 api admin audit    before/after a refactoring
 *   npm run bench:compare -- main~5 api --rounds 3      three alternating rounds, medians compared
 *   npm run bench:compare -- v1.2.0 api --write         also writes the table to docs/benchmarks.md
 *
 * The earlier commit is checked out into a temporary git worktree that shares this tree's
 * node_modules (the comparison is of our code, not of dependency versions: a ref whose lockfile
 * differs is refused unless --allow-deps-diff). The generated Prisma client lives in that shared
 * node_modules, so each side regenerates it from its own schema before it runs, and this tree's
 * is regenerated at the end. Rounds alternate before/after so that drift of the
 * machine (other load, thermal) falls on both sides. A module runs in its own Node process for each
 * side, so nothing (JIT state, pools, module caches) carries from one side to the other.
 *
 * "Within 10 %" compares each figure in its good direction: throughput may not fall by more than
 * 10 %, latency and durations may not rise by more than 10 %. A row whose name exists on one side
 * only is listed, not judged.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineLine } from './lib/machine.js';
import { replaceSection } from './lib/report.js';
import type { BenchResult } from './lib/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DOC = join(root, 'docs', 'benchmarks.md');

/** The module files and the export to run; the first export a side has is used. */
const MODULES: Record<string, { file: string; exports: string[] }> = {
  health: { file: 'health.ts', exports: ['runHealthBench'] },
  api: { file: 'api.ts', exports: ['runApiBench'] },
  admin: { file: 'admin.ts', exports: ['runAdminBench'] },
  writes: { file: 'writes.ts', exports: ['runWritesBench'] },
  'admin-http': { file: 'admin-http.ts', exports: ['runAdminHttpBench'] },
  // The audited write path only: verification at scale (issue 16) did not exist before it.
  audit: { file: 'audit.ts', exports: ['runWriteBench', 'runAuditBench'] },
  export: { file: 'export.ts', exports: ['runExportBench'] },
};

const RUNNER = `// written by bench/compare.ts; runs one bench module and writes its rows as JSON
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, names, out, quick] = process.argv.slice(2);
const settings = await import(pathToFileURL(process.cwd() + '/bench/lib/settings.ts').href);
if (quick === '1' && typeof settings.setQuick === 'function') settings.setQuick(true);
const mod = await import(pathToFileURL(process.cwd() + '/bench/' + file).href);
const name = names.split(',').find((n) => typeof mod[n] === 'function');
if (!name) throw new Error('bench/' + file + ' exports none of ' + names);
const rows = await mod[name]();
writeFileSync(out, JSON.stringify(rows));
process.exit(0);
`;

interface Side {
  label: string;
  dir: string;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run bench:compare -- <git ref> [${Object.keys(MODULES).join('|')} …] [--rounds N] [--quick] [--write] [--allow-deps-diff]\n`,
  );
  process.exit(2);
}

function git(args: string[], cwd = root): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** Lower is better for time-like units and error rates; higher for throughput. */
export function lowerIsBetter(unit: string): boolean {
  return /^(ms|s|µs|us|min|%|MiB|MB|KiB|GiB|B)$/i.test(unit.trim()) || /\bms\b|seconds?\b/i.test(unit);
}

/** The signed change in the good direction: positive is better, e.g. +0.05 = 5 % better. */
export function improvement(before: number, after: number, unit: string): number {
  if (!Number.isFinite(before) || !Number.isFinite(after) || before === 0) return Number.NaN;
  return lowerIsBetter(unit) ? (before - after) / before : (after - before) / before;
}

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Generates the Prisma client of a side's schema into the shared node_modules. */
function generateClient(dir: string): void {
  rmSync(join(dir, 'prisma', 'generated', '.schema-hash'), { force: true });
  execFileSync(process.execPath, ['scripts/ensure-prisma.mjs'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

let generatedFor: string | undefined;

async function runSide(side: Side, key: string, quick: boolean): Promise<BenchResult[]> {
  const m = MODULES[key]!;
  if (generatedFor !== side.dir) {
    generateClient(side.dir);
    generatedFor = side.dir;
  }
  if (!existsSync(join(side.dir, 'bench', m.file))) {
    process.stdout.write(`  ${side.label}: bench/${m.file} does not exist\n`);
    return [];
  }
  const out = join(mkdtempSync(join(tmpdir(), 'bench-cmp-out-')), 'rows.json');
  const runner = join(side.dir, 'bench', '.compare-runner.mjs');
  writeFileSync(runner, RUNNER);
  process.stdout.write(`\n▶ ${key} at ${side.label}\n`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, m.file, m.exports.join(','), out, quick ? '1' : '0'], {
      cwd: side.dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  rmSync(runner, { force: true });
  if (code !== 0 || !existsSync(out)) {
    process.stdout.write(`  ${side.label}: ${key} failed (exit ${code})\n`);
    return [];
  }
  const rows = JSON.parse(readFileSync(out, 'utf8')) as BenchResult[];
  rmSync(dirname(out), { recursive: true, force: true });
  return rows;
}

interface Compared {
  module: string;
  name: string;
  unit: string;
  before: number;
  after: number;
  beforeRatio: number;
  afterRatio: number;
  change: number;
}

const fmt = (n: number): string =>
  !Number.isFinite(n) ? '—' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toPrecision(3);
const pct = (n: number): string => (!Number.isFinite(n) ? '—' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`);

export function verdict(c: Compared, tolerance = 0.1): 'within' | 'better' | 'worse' | '—' {
  if (!Number.isFinite(c.change)) return '—';
  if (c.change > tolerance) return 'better';
  return c.change < -tolerance ? 'worse' : 'within';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 1;
  const positional = args.filter((a, i) => !a.startsWith('--') && !(roundsAt >= 0 && i === roundsAt + 1));
  const [ref, ...selected] = positional;
  if (!ref) usage('A git ref to compare against is required.');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 9) usage('--rounds takes 1 to 9.');
  const modules = selected.length ? selected : ['health', 'api', 'admin', 'audit'];
  const unknown = modules.filter((k) => !MODULES[k]);
  if (unknown.length) usage(`Unknown bench module(s): ${unknown.join(', ')}.`);
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch {
    usage(`Not a commit: ${ref}`);
  }
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  if (!flags.has('--allow-deps-diff') && git(['diff', '--name-only', commit, '--', 'package-lock.json']) !== '') {
    process.stderr.write(
      `package-lock.json differs between ${ref} and this tree; the comparison would share this tree's node_modules.\n` +
        `Check the differences do not matter to the modules measured, then pass --allow-deps-diff.\n`,
    );
    process.exit(2);
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-before-'));
  rmSync(dir, { recursive: true });
  git(['worktree', 'add', '--detach', dir, commit]);
  const cleanup = (): void => {
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const before: Side = { label: `${ref} (${commit.slice(0, 7)})`, dir };
    const after: Side = { label: `this tree (${head}${dirty ? ', with uncommitted changes' : ''})`, dir: root };
    const machine = describeMachine();
    process.stdout.write(`Comparing on ${machineLine(machine)}: ${before.label} vs ${after.label}, ${rounds} round(s)\n`);

    const started = performance.now();
    const compared: Compared[] = [];
    for (const key of modules) {
      const runs: Record<'before' | 'after', BenchResult[][]> = { before: [], after: [] };
      for (let r = 0; r < rounds; r++) {
        // Alternate which side goes first, so neither always runs on the warmer machine.
        const order: Array<['before' | 'after', Side]> =
          r % 2 === 0
            ? [
                ['before', before],
                ['after', after],
              ]
            : [
                ['after', after],
                ['before', before],
              ];
        for (const [k, side] of order) runs[k].push(await runSide(side, key, flags.has('--quick')));
      }
      // A row's name may carry a figure of its own run (a rate: "at 70% of peak (1064 req/s)"):
      // rows are matched without it.
      for (const row of [...runs.before, ...runs.after].flat()) row.name = row.name.replace(/\s*\([\d,.]+ req\/s\)/g, '');
      const names = [...new Set([...runs.before, ...runs.after].flat().map((row) => row.name))];
      for (const name of names) {
        const pick = (side: BenchResult[][], f: (row: BenchResult) => number | undefined): number =>
          median(
            side.map((rows) => rows.find((row) => row.name === name)).map((row) => (row ? (f(row) ?? Number.NaN) : Number.NaN)),
          );
        const unit = [...runs.after, ...runs.before].flat().find((row) => row.name === name)?.unit ?? '';
        const b = pick(runs.before, (row) => row.figure);
        const a = pick(runs.after, (row) => row.figure);
        compared.push({
          module: key,
          name,
          unit,
          before: b,
          after: a,
          beforeRatio: pick(runs.before, (row) => row.ratio),
          afterRatio: pick(runs.after, (row) => row.ratio),
          change: improvement(b, a, unit),
        });
      }
    }
    const seconds = Math.round((performance.now() - started) / 1000);
    const judged = compared.filter((c) => verdict(c) !== '—');
    const worse = judged.filter((c) => verdict(c) === 'worse');
    const header = `| module | what | before | after | unit | ratio before | ratio after | change (good direction) | within 10 % |`;
    const lines = compared.map(
      (c) =>
        `| ${c.module} | ${c.name} | ${fmt(c.before)} | ${fmt(c.after)} | ${c.unit} | ${fmt(c.beforeRatio)} | ${fmt(c.afterRatio)} | ${pct(c.change)} | ${verdict(c)} |`,
    );
    const table = [header, '|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
    const summary = `${judged.length - worse.length} of ${judged.length} figures within 10 % of ${before.label} or better; ${worse.length} worse.`;
    process.stdout.write(`\n${table}\n\n${summary} ${seconds} s.\n`);
    if (flags.has('--write')) {
      const section = [
        `Comparison run: ${machineLine(machine)} (took ${seconds} s, ${rounds} round(s), medians).`,
        `Before: ${before.label}. After: ${after.label}. Command: \`npm run bench:compare -- ${args.join(' ')}\`.`,
        '',
        table,
        '',
        summary,
      ].join('\n');
      replaceSection(DOC, 'compare', section, '# Benchmarks\n\n<!-- compare:start -->\n<!-- compare:end -->\n');
      process.stdout.write('Written to docs/benchmarks.md\n');
    }
    process.exitCode = flags.has('--strict') && worse.length ? 1 : 0;
  } finally {
    cleanup();
    if (generatedFor !== root) generateClient(root);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      process.stderr.write(`bench:compare failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
