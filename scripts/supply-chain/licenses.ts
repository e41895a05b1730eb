/**
 * `npm run licenses`: the licence gate. Reads the licence of every production dependency that is
 * installed (license-checker-rseidelsohn walks node_modules; development dependencies are left
 * out) and fails unless each one is on the reviewed allow-list of supply-chain/license-policy.json,
 * or is a reviewed exception there (pinned to a version and to the licence file's SHA-256, so a
 * new version or a changed licence text is reviewed again).
 *
 * GPL, AGPL, LGPL and other copyleft licences are not on the allow-list (this is not a GPL
 * project), and neither is anything unknown: no licence, UNLICENSED, "SEE LICENSE IN ...", or a
 * licence that license-checker only guessed from a file (shown with a trailing "*").
 * SPDX expressions are judged as written: "A OR B" passes if either is allowed, "A AND B" only if
 * both are, "A WITH exception" as A.
 *
 *   npm run licenses
 *   npm run licenses -- --start DIR --policy FILE     another project tree / policy (tests)
 *
 * Exit codes: 0 pass; 1 a licence is not allowed; 2 the gate could not judge (bad policy file).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { init as initLicenseChecker, type ModuleInfo, type ModuleInfos } from 'license-checker-rseidelsohn';
import parseSpdx from 'spdx-expression-parse';
import { z } from 'zod';
import { isMain, PROJECT_ROOT } from './common.js';

const LicenseException = z.object({
  package: z.string().min(1),
  version: z.string().min(1),
  license: z.string().min(1),
  licenseFileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 (hex) of the licence file that was read'),
  reason: z.string().trim().min(20),
  reviewedBy: z.string().trim().min(1),
});
type LicenseException = z.infer<typeof LicenseException>;
export const LicensePolicy = z
  .object({
    $comment: z.string().optional(),
    allowed: z.array(z.string().min(1)).min(1),
    exceptions: z.array(LicenseException),
  })
  .strict();
export type LicensePolicy = z.infer<typeof LicensePolicy>;

type SpdxNode = parseSpdx.Info;

const COPYLEFT = /(^|[^A-Za-z])(A|L)?GPL|SSPL|EUPL|OSL-|CC-BY-SA|CPAL|RPL-|Sleepycat/i;

export interface LicenseFinding {
  package: string;
  licenses: string;
  problem: 'copyleft' | 'unknown' | 'not-allowed';
  path: string | undefined;
}

export interface LicenseVerdict {
  checked: number;
  refused: LicenseFinding[];
  excepted: { package: string; exception: LicenseException }[];
  staleExceptions: LicenseException[];
}

function isAllowedExpression(node: SpdxNode, allowed: ReadonlySet<string>): boolean {
  if ('conjunction' in node) {
    const left = isAllowedExpression(node.left, allowed);
    const right = isAllowedExpression(node.right, allowed);
    return node.conjunction === 'or' ? left || right : left && right;
  }
  return allowed.has(node.license);
}

/** Whether one declared licence string is allowed; `unknown` when it is no SPDX expression at all. */
export function judgeLicense(declared: string, allowed: ReadonlySet<string>): 'allowed' | 'copyleft' | 'unknown' | 'not-allowed' {
  // license-checker marks a licence it guessed from a README or LICENSE file with a trailing '*'.
  if (declared.endsWith('*') || /^(UNKNOWN|UNLICENSED|Custom:|SEE LICEN[CS]E IN)/i.test(declared)) return 'unknown';
  let tree: SpdxNode;
  try {
    tree = parseSpdx(declared);
  } catch {
    return 'unknown';
  }
  if (isAllowedExpression(tree, allowed)) return 'allowed';
  return COPYLEFT.test(declared) ? 'copyleft' : 'not-allowed';
}

function sha256File(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

function declaredLicenses(info: ModuleInfo): string[] {
  if (Array.isArray(info.licenses)) return info.licenses;
  return [info.licenses ?? 'UNKNOWN'];
}

/** Judges every module against the policy (pure: the caller reads the tree). */
export function evaluateLicenses(modules: ModuleInfos, rootPath: string, policy: LicensePolicy): LicenseVerdict {
  const allowed = new Set(policy.allowed);
  const used = new Set<LicenseException>();
  const verdict: LicenseVerdict = { checked: 0, refused: [], excepted: [], staleExceptions: [] };
  for (const [id, info] of Object.entries(modules)) {
    if (info.path && resolve(info.path) === resolve(rootPath)) continue; // the project itself
    verdict.checked += 1;
    const declared = declaredLicenses(info);
    // A package listing several licences (the old `licenses` array) must be allowed under each.
    const judgements = declared.map((license) => judgeLicense(license, allowed));
    if (judgements.every((j) => j === 'allowed')) continue;
    const exception = policy.exceptions.find(
      (e) => `${e.package}@${e.version}` === id && e.licenseFileSha256 === sha256File(info.licenseFile) && allowed.has(e.license),
    );
    if (exception) {
      used.add(exception);
      verdict.excepted.push({ package: id, exception });
      continue;
    }
    const problem = judgements.includes('copyleft') ? 'copyleft' : judgements.includes('unknown') ? 'unknown' : 'not-allowed';
    verdict.refused.push({ package: id, licenses: declared.join(', '), problem, path: info.path });
  }
  verdict.staleExceptions = policy.exceptions.filter((e) => !used.has(e));
  return verdict;
}

/** The installed production dependencies of the project at `start`, with their licences. */
export function readProductionLicenses(start: string): Promise<ModuleInfos> {
  return new Promise((done, fail) => {
    initLicenseChecker({ start, production: true, json: true, color: false }, (error, modules) => {
      if (error) fail(error);
      else done(modules);
    });
  });
}

const EXPLAIN: Record<LicenseFinding['problem'], string> = {
  copyleft: 'copyleft licence, not allowed in this (non-GPL) project',
  unknown: 'licence unknown or not an SPDX expression: read the package and add a reviewed exception, or replace it',
  'not-allowed': 'licence not on the reviewed allow-list: review it before adding it to "allowed"',
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      start: { type: 'string', default: PROJECT_ROOT },
      policy: { type: 'string', default: resolve(PROJECT_ROOT, 'supply-chain/license-policy.json') },
    },
  });
  const policyFile = LicensePolicy.safeParse(JSON.parse(readFileSync(values.policy, 'utf8')));
  if (!policyFile.success) {
    console.error(`licenses: ERROR ${values.policy} is invalid:\n${z.prettifyError(policyFile.error)}`);
    return 2;
  }
  const start = resolve(values.start);
  const verdict = evaluateLicenses(await readProductionLicenses(start), start, policyFile.data);
  for (const { package: id, exception } of verdict.excepted) {
    console.log(`  exception  ${id}: treated as ${exception.license} (reviewed by ${exception.reviewedBy}: ${exception.reason})`);
  }
  for (const stale of verdict.staleExceptions) {
    console.log(
      `  unused exception ${stale.package}@${stale.version}: the package or its licence file changed; review and update or remove it`,
    );
  }
  if (verdict.refused.length > 0) {
    console.error(
      `licenses: FAIL - ${verdict.refused.length} production dependency(ies) with a licence this project cannot accept:`,
    );
    for (const finding of verdict.refused)
      console.error(`  REFUSED  ${finding.package} (${finding.licenses}): ${EXPLAIN[finding.problem]}`);
    return 1;
  }
  console.log(
    `licenses: pass - ${verdict.checked} production dependencies, every licence allowed (${verdict.excepted.length} reviewed exception(s))`,
  );
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = await main();
