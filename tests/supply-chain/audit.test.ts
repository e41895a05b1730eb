// The dependency audit gate (npm run audit:deps): high and critical advisories fail it unless the
// reviewed allow-list accepts them with a reason and an unexpired date; an audit that could not
// reach the registry's audit endpoint is NOT RUN, never a pass. Recorded `npm audit --json`
// outputs are judged without network; the real npm is also run against a registry on 127.0.0.1.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyNpmAuditOutput, evaluateAudit, parseAllowlist } from '../../scripts/supply-chain/audit-deps.js';
import { auditPackages, CRITICAL, HIGH, writeAuditProject } from './helpers/audit-fixture.js';
import { startFakeRegistry, type FakeRegistry } from './helpers/fake-registry.js';
import { ROOT, run, runGate, tempDir } from './helpers/run.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'npm-audit');
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const TODAY = '2026-06-01';
const dir = tempDir('audit-gate');

let allowlistCount = 0;
function allowlist(advisories: unknown[]): string {
  const file = join(dir, `allowlist-${(allowlistCount += 1)}.json`);
  writeFileSync(file, JSON.stringify({ advisories }));
  return file;
}
const accept = (overrides: Record<string, unknown> = {}) => ({
  id: HIGH.ghsa,
  package: 'tiny-merge',
  reason: 'Only reached with our own constant objects; no input is ever merged (reviewed).',
  expires: '2026-09-30',
  reviewedBy: 'security review',
  ...overrides,
});
const gate = (report: string, list = allowlist([]), today = TODAY) =>
  runGate('audit-deps.ts', ['--report', report, '--allowlist', list, '--today', today]);

describe('audit:deps on recorded npm audit output', () => {
  it('fails on an advisory at high severity, naming it', async () => {
    const res = await gate(fixture('high-and-moderate'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAIL - 1 advisory(ies) at high or critical severity');
    expect(res.stderr).toContain(`BLOCKING  HIGH tiny-merge <1.0.1 ${HIGH.ghsa}: ${HIGH.title}`);
    expect(res.stderr).toContain('1 moderate'); // reported, not blocking
  });

  it('passes when the allow-list accepts that advisory with a reason and a date still ahead', async () => {
    const res = await gate(fixture('high-and-moderate'), allowlist([accept()]));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pass - no unaccepted high or critical advisory (1 accepted');
    expect(res.stdout).toContain('until 2026-09-30, reviewed by security review: Only reached with our own constant objects');
  });

  it('refuses an allow-list entry without a reason, or with one too short to be a reason', async () => {
    const { reason: _reason, ...withoutReason } = accept();
    const missing = await gate(fixture('high-and-moderate'), allowlist([withoutReason]));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the allow-list is invalid');
    expect(missing.stderr).toContain('reason');
    const short = await gate(fixture('high-and-moderate'), allowlist([accept({ reason: 'ok' })]));
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('a reason of at least 20 characters');
  });

  it('stops counting an entry once its expiry date has passed', async () => {
    const list = allowlist([accept({ expires: '2026-05-31' })]);
    const res = await gate(fixture('high-and-moderate'), list);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`expired allow-list entry ${HIGH.ghsa} (tiny-merge, 2026-05-31): no longer accepted`);
    // The last day of an entry still counts.
    expect((await gate(fixture('high-and-moderate'), list, '2026-05-31')).code).toBe(0);
  });

  it('refuses an expiry more than a year ahead (accepted risks are reviewed again)', async () => {
    const res = await gate(fixture('high-and-moderate'), allowlist([accept({ expires: '2027-06-03' })]));
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('more than 366 days ahead');
  });

  it('accepts only the package the entry names, not another one with the same advisory id', async () => {
    const res = await gate(fixture('high-and-moderate'), allowlist([accept({ package: 'other-package' })]));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('unused allow-list entry');
  });

  it('fails on a critical advisory reached through a dependency, once (not again for the dependent)', async () => {
    const res = await gate(fixture('high-and-critical'), allowlist([accept()]));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAIL - 1 advisory(ies)');
    expect(res.stderr).toContain(`BLOCKING  CRITICAL deep-parser <2.0.5 ${CRITICAL.ghsa}: ${CRITICAL.title}`);
    expect(res.stderr).toContain('no fix yet');
    expect(res.stderr).not.toMatch(/BLOCKING\s+\w+ config-loader/);
  });

  it('passes a clean report', async () => {
    const res = await gate(fixture('clean'));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('0 vulnerable package(s) reported in all');
  });

  it('says NOT RUN, with exit 3 and never "pass", when the registry has no audit endpoint or cannot be reached', async () => {
    for (const name of ['endpoint-405', 'connection-refused']) {
      const res = await gate(fixture(name));
      expect(res.code).toBe(3);
      expect(res.stderr).toContain("NOT RUN - the registry's audit endpoint could not be used");
      expect(res.stderr).toContain('this is NOT a pass');
      expect(res.output).not.toContain('pass -');
    }
  });

  it('does not take output it does not recognise for either a report or an outage', async () => {
    const file = join(dir, 'garbage.json');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    expect((await gate(file)).code).toBe(2);
    writeFileSync(file, 'npm ERR! something else');
    expect((await gate(file)).code).toBe(2);
  });
});

describe('audit:deps functions', () => {
  const report = () => {
    const outcome = classifyNpmAuditOutput(readFileSync(fixture('high-and-critical'), 'utf8'));
    if (outcome.kind !== 'report') throw new Error('fixture is not a report');
    return outcome.report;
  };

  it('finds each advisory once, with its GHSA id, from npm’s nested report', () => {
    const verdict = evaluateAudit(report(), [], TODAY);
    expect(verdict.blocking.map((f) => [f.id, f.package, f.severity])).toEqual([
      [CRITICAL.ghsa, 'deep-parser', 'critical'],
      [HIGH.ghsa, 'tiny-merge', 'high'],
    ]);
    expect(verdict.belowThreshold.map((f) => f.severity)).toEqual(['moderate']);
  });

  it('reads the project’s own allow-list as valid', () => {
    expect(() => parseAllowlist(readFileSync(join(ROOT, 'supply-chain', 'audit-allowlist.json'), 'utf8'), TODAY)).not.toThrow();
  });
});

describe('audit:deps against the real npm and a registry on 127.0.0.1', () => {
  let registry: FakeRegistry | undefined;
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });

  async function project(
    options: Parameters<typeof startFakeRegistry>[1] = {},
    advisories?: Parameters<typeof auditPackages>[0],
  ) {
    registry = await startFakeRegistry(auditPackages(advisories), options);
    const projectDir = tempDir('audit-project');
    writeAuditProject(projectDir, registry.url);
    const env = { npm_config_registry: registry.url, npm_config_cache: join(projectDir, '.npm-cache') };
    return { projectDir, env };
  }

  it('npm still prints what the recorded fixture holds (the fixtures are real npm output)', async () => {
    const { projectDir, env } = await project();
    const res = await promisify(execFile)('npm', ['audit', '--json'], { cwd: projectDir, env: { ...process.env, ...env } }).catch(
      (error: { stdout: string }) => error,
    );
    const live = JSON.parse(res.stdout) as { vulnerabilities: unknown; metadata: { vulnerabilities: unknown } };
    const recorded = JSON.parse(readFileSync(fixture('high-and-critical'), 'utf8')) as typeof live;
    expect(live.vulnerabilities).toEqual(recorded.vulnerabilities);
    expect(live.metadata.vulnerabilities).toEqual(recorded.metadata.vulnerabilities);
  });

  it('runs npm audit itself and fails on the high advisory it reports', async () => {
    const { projectDir, env } = await project({}, { high: true, moderate: true });
    const res = await runGate('audit-deps.ts', ['--cwd', projectDir, '--allowlist', allowlist([]), '--today', TODAY], { env });
    expect(registry?.bulkRequests).toBe(1);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(HIGH.ghsa);
  });

  it('reports NOT RUN when the registry refuses the audit request', async () => {
    const { projectDir, env } = await project({ auditStatus: 405 });
    const res = await runGate('audit-deps.ts', ['--cwd', projectDir, '--allowlist', allowlist([])], { env });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('405 Method Not Allowed');
  });
});

describe('the CI gate runner (scripts/supply-chain/run-gates.sh) and the audit', () => {
  const runGates = (report: string, env: NodeJS.ProcessEnv = {}) =>
    run('bash', [join(ROOT, 'scripts', 'supply-chain', 'run-gates.sh')], {
      env: { SUPPLY_CHAIN_GATES: 'audit:deps', AUDIT_REPORT: report, AUDIT_REQUIRED: '', ...env },
    });

  it('fails CI on a blocking advisory', async () => {
    const res = await runGates(fixture('high-and-moderate'));
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('audit:deps: FAIL (exit 1)');
  });

  it('goes on when the audit could not run, saying NOT RUN in the summary, and fails when AUDIT_REQUIRED=true', async () => {
    const res = await runGates(fixture('endpoint-405'));
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/audit:deps: NOT RUN .* NOT a pass/);
    expect(res.stdout).not.toContain('audit:deps: pass');
    const required = await runGates(fixture('endpoint-405'), { AUDIT_REQUIRED: 'true' });
    expect(required.code).toBe(1);
    expect(required.stdout).toContain('FAIL, AUDIT_REQUIRED=true');
  });

  it('says pass only for a real passing audit', async () => {
    const res = await runGates(fixture('clean'));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('audit:deps: pass');
  });
});
