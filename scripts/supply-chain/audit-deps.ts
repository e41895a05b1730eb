/**
 * `npm run audit:deps`: the dependency audit gate. Runs `npm audit --json` against the registry
 * (every dependency, development tools included: they run in CI next to the code) and fails on any
 * advisory of high or critical severity that the reviewed allow-list does not accept.
 *
 *   npm run audit:deps                                   ask the registry
 *   npm run audit:deps -- --report recorded.json         judge a recorded `npm audit --json` output
 *   npm run audit:deps -- --allowlist FILE --today DATE  another allow-list / another "today" (tests)
 *
 * Exit codes: 0 pass; 1 blocking advisories; 2 the gate could not judge (bad allow-list, output
 * npm does not produce); 3 the audit was NOT RUN because the registry's audit endpoint could not
 * be used (unreachable, or a mirror that does not implement it). 3 is never a pass: `.ci/run`
 * reports it as "NOT RUN" and fails on it when AUDIT_REQUIRED=true (docs/releasing.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isMain, PROJECT_ROOT } from './common.js';

export const EXIT = { pass: 0, blocked: 1, error: 2, notRun: 3 } as const;

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];
const BLOCKING: ReadonlySet<Severity> = new Set(['high', 'critical']);
/** An accepted advisory must be looked at again within this many days. */
export const MAX_ALLOWLIST_DAYS = 366;

const GHSA_ID = /^GHSA-[23456789cfghjmpqrvwx]{4}-[23456789cfghjmpqrvwx]{4}-[23456789cfghjmpqrvwx]{4}$/;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const AllowlistEntry = z.object({
  id: z.string().regex(GHSA_ID, 'a GitHub advisory id (GHSA-xxxx-xxxx-xxxx)'),
  package: z.string().min(1),
  reason: z.string().trim().min(20, 'a reason of at least 20 characters: why the advisory does not affect us'),
  expires: isoDate,
  reviewedBy: z.string().trim().min(1),
});
export type AllowlistEntry = z.infer<typeof AllowlistEntry>;
const Allowlist = z.object({ $comment: z.string().optional(), advisories: z.array(AllowlistEntry) }).strict();

const Advisory = z.looseObject({
  source: z.number(),
  name: z.string(),
  title: z.string(),
  url: z.string(),
  severity: z.enum(SEVERITIES),
  range: z.string().optional(),
});
const Vulnerability = z.looseObject({
  name: z.string(),
  severity: z.enum(SEVERITIES),
  via: z.array(z.union([z.string(), Advisory])),
  fixAvailable: z.unknown().optional(),
});
const AuditReport = z.looseObject({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(z.string(), Vulnerability),
  metadata: z.looseObject({ vulnerabilities: z.record(z.string(), z.number()) }),
});
type AuditReport = z.infer<typeof AuditReport>;

export interface AdvisoryFinding {
  id: string;
  source: number;
  package: string;
  severity: Severity;
  title: string;
  url: string;
  range: string | undefined;
  fixAvailable: boolean;
}

export interface AuditVerdict {
  blocking: AdvisoryFinding[];
  accepted: { finding: AdvisoryFinding; entry: AllowlistEntry }[];
  belowThreshold: AdvisoryFinding[];
  expiredEntries: AllowlistEntry[];
  unusedEntries: AllowlistEntry[];
}

export type NpmAuditOutcome =
  { kind: 'report'; report: AuditReport } | { kind: 'unavailable'; reason: string } | { kind: 'unrecognised'; reason: string };

/**
 * Tells a real audit report from npm's answer when the audit endpoint could not be used. npm then
 * prints `{"message": "... /-/npm/v1/security/advisories/bulk ...", "error": {...}}` and exits 1.
 */
export function classifyNpmAuditOutput(stdout: string): NpmAuditOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { kind: 'unrecognised', reason: `npm audit printed no JSON: ${stdout.slice(0, 200) || '(nothing)'}` };
  }
  const report = AuditReport.safeParse(parsed);
  if (report.success) return { kind: 'report', report: report.data };
  const failure = z.looseObject({ message: z.string(), statusCode: z.number().optional() }).safeParse(parsed);
  if (failure.success && failure.data.message.includes('/-/npm/v1/security/')) {
    return { kind: 'unavailable', reason: failure.data.message };
  }
  return { kind: 'unrecognised', reason: `not an npm audit report (v2): ${z.prettifyError(report.error).slice(0, 300)}` };
}

/** The GHSA id of an advisory, read from its URL (npm reports GitHub advisories). */
function advisoryId(url: string, source: number): string {
  const id = url.slice(url.lastIndexOf('/') + 1);
  return GHSA_ID.test(id) ? id : `npm-advisory-${source}`;
}

/** Every distinct advisory in a report (the `via` entries that are objects, not package names). */
export function listAdvisories(report: AuditReport): AdvisoryFinding[] {
  const byId = new Map<string, AdvisoryFinding>();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === 'string') continue;
      const id = advisoryId(via.url, via.source);
      const seen = byId.get(id);
      const fixAvailable = vulnerability.fixAvailable !== false && vulnerability.fixAvailable !== undefined;
      if (seen) {
        seen.fixAvailable ||= fixAvailable;
        continue;
      }
      byId.set(id, {
        id,
        source: via.source,
        package: via.name,
        severity: via.severity,
        title: via.title,
        url: via.url,
        range: via.range,
        fixAvailable,
      });
    }
  }
  return [...byId.values()].sort(
    (a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.id.localeCompare(b.id),
  );
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Reads and checks the allow-list: every entry needs an advisory id, the package, a reason, who
 * reviewed it and an expiry at most MAX_ALLOWLIST_DAYS ahead. Throws with every problem named.
 */
export function parseAllowlist(text: string, today: string): AllowlistEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`the allow-list is not JSON: ${(error as Error).message}`);
  }
  const parsed = Allowlist.safeParse(json);
  if (!parsed.success) throw new Error(`the allow-list is invalid:\n${z.prettifyError(parsed.error)}`);
  const problems: string[] = [];
  const ids = new Set<string>();
  parsed.data.advisories.forEach((entry, i) => {
    if (Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`)))
      problems.push(`advisories[${i}] (${entry.id}): expires is not a date`);
    else if (daysBetween(today, entry.expires) > MAX_ALLOWLIST_DAYS) {
      problems.push(
        `advisories[${i}] (${entry.id}): expires ${entry.expires} is more than ${MAX_ALLOWLIST_DAYS} days ahead; review it again sooner`,
      );
    }
    if (ids.has(entry.id)) problems.push(`advisories[${i}] (${entry.id}): listed twice`);
    ids.add(entry.id);
  });
  if (problems.length > 0) throw new Error(`the allow-list is invalid:\n  ${problems.join('\n  ')}`);
  return parsed.data.advisories;
}

/**
 * Judges a report: an advisory at high or critical severity blocks unless an unexpired allow-list
 * entry names its id and package. An entry whose expiry date has passed no longer counts.
 */
export function evaluateAudit(report: AuditReport, allowlist: AllowlistEntry[], today: string): AuditVerdict {
  const live = allowlist.filter((entry) => entry.expires >= today);
  const expiredEntries = allowlist.filter((entry) => entry.expires < today);
  const used = new Set<AllowlistEntry>();
  const verdict: AuditVerdict = { blocking: [], accepted: [], belowThreshold: [], expiredEntries, unusedEntries: [] };
  for (const finding of listAdvisories(report)) {
    if (!BLOCKING.has(finding.severity)) {
      verdict.belowThreshold.push(finding);
      continue;
    }
    const entry = live.find((candidate) => candidate.id === finding.id && candidate.package === finding.package);
    if (entry) {
      used.add(entry);
      verdict.accepted.push({ finding, entry });
    } else verdict.blocking.push(finding);
  }
  verdict.unusedEntries = live.filter((entry) => !used.has(entry));
  return verdict;
}

function describe(finding: AdvisoryFinding): string {
  const fix = finding.fixAvailable ? 'fix available (npm audit fix)' : 'no fix yet';
  return `${finding.severity.toUpperCase()} ${finding.package} ${finding.range ?? ''} ${finding.id}: ${finding.title} (${finding.url}; ${fix})`;
}

export function formatVerdict(verdict: AuditVerdict): string {
  const lines: string[] = [];
  for (const finding of verdict.blocking) lines.push(`  BLOCKING  ${describe(finding)}`);
  for (const { finding, entry } of verdict.accepted) {
    lines.push(
      `  accepted  ${describe(finding)}\n            until ${entry.expires}, reviewed by ${entry.reviewedBy}: ${entry.reason}`,
    );
  }
  for (const entry of verdict.expiredEntries)
    lines.push(`  expired allow-list entry ${entry.id} (${entry.package}, ${entry.expires}): no longer accepted`);
  for (const entry of verdict.unusedEntries)
    lines.push(`  unused allow-list entry ${entry.id} (${entry.package}): the advisory is gone; remove the entry`);
  const counts = new Map<Severity, number>();
  for (const finding of verdict.belowThreshold) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  if (counts.size > 0) {
    lines.push(`  below the gate (reported, not blocking): ${[...counts].map(([severity, n]) => `${n} ${severity}`).join(', ')}`);
  }
  return lines.join('\n');
}

function runNpmAudit(cwd: string): string {
  const result = spawnSync('npm', ['audit', '--json', '--fetch-retries=1', '--fetch-timeout=60000'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 180_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) return JSON.stringify({ message: `npm audit could not run (/-/npm/v1/security/): ${result.error.message}` });
  return result.stdout;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      report: { type: 'string' },
      allowlist: { type: 'string', default: resolve(PROJECT_ROOT, 'supply-chain/audit-allowlist.json') },
      today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
      cwd: { type: 'string', default: PROJECT_ROOT },
    },
  });
  const today = values.today;
  let allowlist: AllowlistEntry[];
  try {
    allowlist = parseAllowlist(readFileSync(values.allowlist, 'utf8'), today);
  } catch (error) {
    console.error(`audit:deps: ERROR ${(error as Error).message}`);
    return EXIT.error;
  }
  const stdout = values.report ? readFileSync(values.report, 'utf8') : runNpmAudit(values.cwd);
  const outcome = classifyNpmAuditOutput(stdout);
  if (outcome.kind === 'unavailable') {
    console.error(
      `audit:deps: NOT RUN - the registry's audit endpoint could not be used (${outcome.reason}).\n` +
        'audit:deps: no advisory data was checked, so this is NOT a pass. Run it where the registry answers npm audit ' +
        '(docs/releasing.md: a release needs a passing audit).',
    );
    return EXIT.notRun;
  }
  if (outcome.kind === 'unrecognised') {
    console.error(`audit:deps: ERROR ${outcome.reason}`);
    return EXIT.error;
  }
  const verdict = evaluateAudit(outcome.report, allowlist, today);
  const total = outcome.report.metadata.vulnerabilities.total ?? 0;
  const detail = formatVerdict(verdict);
  if (verdict.blocking.length > 0) {
    console.error(
      `audit:deps: FAIL - ${verdict.blocking.length} advisory(ies) at high or critical severity not accepted by ${values.allowlist}\n${detail}`,
    );
    return EXIT.blocked;
  }
  console.log(
    `audit:deps: pass - no unaccepted high or critical advisory (${verdict.accepted.length} accepted, ${total} vulnerable package(s) reported in all)${detail ? `\n${detail}` : ''}`,
  );
  return EXIT.pass;
}

if (isMain(import.meta.url)) process.exitCode = main();
