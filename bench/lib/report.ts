import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineLine, type Machine } from './machine.js';
import { round } from './stats.js';
import type { BenchResult } from './types.js';

export interface BenchSection {
  title: string;
  module: string;
  rows: BenchResult[];
  seconds: number;
}

const fmt = (n: number | undefined, unit = '') =>
  n === undefined || Number.isNaN(n) ? '—' : `${round(n).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
const ratioText = (r: BenchResult) => (r.ratio === undefined || Number.isNaN(r.ratio) ? '—' : `${round(r.ratio)}x`);
const verdict = (r: BenchResult) => (r.notes?.startsWith('not available') ? 'n/a' : r.pass ? 'pass' : 'FAIL');

function cells(r: BenchResult): string[] {
  return [
    r.name,
    fmt(r.figure, r.unit),
    fmt(r.baseline, r.baseline === undefined ? '' : r.unit),
    ratioText(r),
    r.goal,
    verdict(r),
  ];
}

const HEADER = ['what', 'figure', 'baseline', 'ratio', 'goal', 'result'];

/** A plain-text table for the terminal. */
export function textTable(sections: BenchSection[]): string {
  const rows: string[][] = [];
  for (const s of sections) {
    rows.push([`[${s.title}]`, '', '', '', '', '']);
    for (const r of s.rows) rows.push(cells(r));
  }
  const widths = HEADER.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const notes = sections.flatMap((s) => s.rows.filter((r) => r.notes).map((r) => `  - ${r.name}: ${r.notes}`));
  return [
    line(HEADER),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...(notes.length ? ['', 'Notes:', ...notes] : []),
  ].join('\n');
}

const escapeCell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The Markdown section written to docs/benchmarks.md. */
export function markdownSection(sections: BenchSection[], machine: Machine, totalSeconds: number): string {
  const out: string[] = [];
  out.push(`Last full run: ${machineLine(machine)} (took ${Math.round(totalSeconds)} s).`, '');
  const all = sections.flatMap((s) => s.rows);
  const measured = all.filter((r) => verdict(r) !== 'n/a');
  out.push(
    `Goals met: **${measured.filter((r) => r.pass).length} of ${measured.length}**` +
      (all.length > measured.length ? ` (${all.length - measured.length} not available).` : '.'),
    '',
  );
  for (const s of sections) {
    out.push(`### ${s.title}`, '', `\`${s.module}\`, ${Math.round(s.seconds)} s.`, '');
    out.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`);
    for (const r of s.rows) out.push(`| ${cells(r).map(escapeCell).join(' | ')} |`);
    const notes = s.rows.filter((r) => r.notes);
    if (notes.length) {
      out.push('');
      for (const r of notes) out.push(`- ${escapeCell(r.name)}: ${escapeCell(r.notes!)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

const START = (tag: string) => `<!-- ${tag}:start -->`;
const END = (tag: string) => `<!-- ${tag}:end -->`;

/** Replaces the content between `<!-- tag:start -->` and `<!-- tag:end -->` in a Markdown file. */
export function replaceSection(file: string, tag: string, content: string, fallbackDocument: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : fallbackDocument;
  const start = current.indexOf(START(tag));
  const end = current.indexOf(END(tag));
  const block = `${START(tag)}\n${content.trim()}\n${END(tag)}`;
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + END(tag).length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** Appends to the content between `<!-- tag:start -->` and `<!-- tag:end -->` (history sections). */
export function appendToSection(file: string, tag: string, content: string, fallbackDocument: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : fallbackDocument;
  const end = current.indexOf(END(tag));
  if (end < 0) {
    writeFileSync(file, `${current.trimEnd()}\n\n${START(tag)}\n${content.trim()}\n${END(tag)}\n`);
    return;
  }
  writeFileSync(file, `${current.slice(0, end).trimEnd()}\n\n${content.trim()}\n${current.slice(end)}`);
}
