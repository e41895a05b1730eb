/**
 * `npm run contract:prism`: the whole API suite (tests/api) with Stoplight Prism as a validating
 * proxy in front of the real server (tests/api/helpers/prism.ts), then a summary of what Prism
 * saw — requests forwarded, upstream statuses, response violations — recorded in
 * docs/security.md between the prism markers. Exits non-zero on a failed test, a response outside
 * the document, or a 5xx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'backoffice-contract-'));
const report = join(dir, 'report.jsonl');
const log = join(dir, 'prism.log');
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', 'tests/api'], {
  stdio: 'inherit',
  env: { ...process.env, CONTRACT_PROXY: 'prism', PRISM_REPORT: report, PRISM_LOG: log },
});
const seconds = Math.round((Date.now() - started) / 1000);

const files = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; responseViolations: string[]; bypassed: number })
  : [];
const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
const forwarded = lines.filter((l) => /Forwarding "/.test(l)).length;
const statuses = new Map<string, number>();
for (const l of lines) {
  const m = /has returned (\d{3})/.exec(l);
  if (m) statuses.set(m[1]!, (statuses.get(m[1]!) ?? 0) + 1);
}
const fiveXx = [...statuses].filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
const violations = files.flatMap((f) => f.responseViolations);
const bypassed = files.reduce((n, f) => n + f.bypassed, 0);
const version = spawnSync('npx', ['prism', '--version'], { encoding: 'utf8' }).stdout.trim();
const ok = run.status === 0 && violations.length === 0 && fiveXx === 0;

const summary = [
  `Last run: ${new Date().toISOString()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Stoplight Prism ${version}`,
  `(\`prism proxy <document from /api/schema> <server> --errors=false --validate-request=false --cors=false\`), command \`npm run contract:prism\`, ${seconds} s.`,
  '',
  `**${ok ? 'Pass' : 'FAIL'}: ${files.length} test-file servers, ${forwarded} requests validated by Prism, ${violations.length} responses outside the document, ${fiveXx} 5xx; test run exit ${run.status}.**`,
  `Upstream statuses: ${[...statuses]
    .sort()
    .map(([s, c]) => `${s}×${c}`)
    .join(
      ', ',
    )}. Sent to the server directly (unparseable JSON bodies, \`//\` paths: Prism answers or rewrites those itself): ${bypassed}.`,
  ...(violations.length ? ['', 'Violations:', ...[...new Set(violations)].slice(0, 20).map((v) => `- \`${v.trim()}\``)] : []),
].join('\n');
console.log(`\n${summary}`);

const doc = 'docs/security.md';
const text = readFileSync(doc, 'utf8');
writeFileSync(
  doc,
  text.replace(/<!-- prism:start -->[\s\S]*<!-- prism:end -->/, `<!-- prism:start -->\n${summary}\n<!-- prism:end -->`),
);
process.exit(ok ? 0 : 1);
