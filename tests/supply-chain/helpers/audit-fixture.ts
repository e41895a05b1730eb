// The project behind the recorded audit reports in fixtures/npm-audit/: four packages, three with
// advisories (high, critical through a pinned transitive dependency, moderate in a dev tool).
// `npm audit` against startFakeRegistry(AUDIT_PACKAGES) in this project prints
// fixtures/npm-audit/high-and-critical.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakePackage } from './fake-registry.js';

export const HIGH = {
  id: 1100001,
  ghsa: 'GHSA-4wx4-9m2q-v8rh',
  title: 'Prototype Pollution in tiny-merge',
  severity: 'high',
  vulnerableVersions: '<1.0.1',
} as const;
export const CRITICAL = {
  id: 1100002,
  ghsa: 'GHSA-7fh5-64p2-3v2j',
  title: 'Arbitrary code execution in deep-parser',
  severity: 'critical',
  vulnerableVersions: '<2.0.5',
} as const;
export const MODERATE = {
  id: 1100003,
  ghsa: 'GHSA-c2qf-rxjj-qqgw',
  title: 'ReDoS in color-log',
  severity: 'moderate',
  vulnerableVersions: '<1.3.0',
} as const;

export function auditPackages(
  advisories: { high?: boolean; critical?: boolean; moderate?: boolean } = { high: true, critical: true, moderate: true },
): FakePackage[] {
  return [
    { name: 'tiny-merge', versions: ['1.0.0', '1.0.1'], advisories: advisories.high ? [HIGH] : [] },
    { name: 'config-loader', versions: ['3.0.0'], dependencies: { 'deep-parser': '2.0.0' } },
    { name: 'deep-parser', versions: ['2.0.0', '2.0.5'], advisories: advisories.critical ? [CRITICAL] : [] },
    { name: 'color-log', versions: ['1.2.0', '1.3.0'], advisories: advisories.moderate ? [MODERATE] : [] },
    { name: 'safe-thing', versions: ['1.0.0'] },
  ];
}

/** Writes package.json and package-lock.json (no node_modules: npm audit reads the lockfile). */
export function writeAuditProject(dir: string, registryUrl: string): void {
  const entry = (name: string, version: string) => ({
    version,
    resolved: `${registryUrl}${name}/-/${name}-${version}.tgz`,
    integrity: `sha512-${Buffer.alloc(64, name.length).toString('base64')}`,
  });
  const root = {
    name: 'audit-fixture',
    version: '1.0.0',
    dependencies: { 'tiny-merge': '^1.0.0', 'config-loader': '^3.0.0', 'safe-thing': '^1.0.0' },
    devDependencies: { 'color-log': '^1.2.0' },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2));
  const lock = {
    name: root.name,
    version: root.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': root,
      'node_modules/tiny-merge': entry('tiny-merge', '1.0.0'),
      'node_modules/config-loader': { ...entry('config-loader', '3.0.0'), dependencies: { 'deep-parser': '2.0.0' } },
      'node_modules/deep-parser': entry('deep-parser', '2.0.0'),
      'node_modules/safe-thing': entry('safe-thing', '1.0.0'),
      'node_modules/color-log': { ...entry('color-log', '1.2.0'), dev: true },
    },
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
}
