// The licence gate (npm run licenses:check) over fixture node_modules trees written here (no real
// install), judged with the project's own policy file: copyleft and unknown licences among
// production dependencies fail it; development dependencies do not count.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeLicense, LicensePolicy } from '../../scripts/supply-chain/licenses.js';
import { ROOT, runGate, tempDir } from './helpers/run.js';

interface FixturePackage {
  name: string;
  license?: string;
  dependencies?: Record<string, string>;
  licenseText?: string;
}

let count = 0;
/** A project with `prod` as dependencies and `dev` as devDependencies, each installed flat. */
function project(prod: FixturePackage[], dev: FixturePackage[] = [], nested: FixturePackage[] = []): string {
  const dir = tempDir(`licence-fixture-${(count += 1)}`);
  const manifest = {
    name: 'licence-fixture',
    version: '1.0.0',
    private: true,
    license: 'UNLICENSED',
    dependencies: Object.fromEntries(prod.map((p) => [p.name, '1.0.0'])),
    devDependencies: Object.fromEntries(dev.map((p) => [p.name, '1.0.0'])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const pkg of [...prod, ...dev, ...nested]) {
    const at = join(dir, 'node_modules', pkg.name);
    mkdirSync(at, { recursive: true });
    const { licenseText, ...fields } = pkg;
    writeFileSync(join(at, 'package.json'), JSON.stringify({ version: '1.0.0', ...fields }));
    if (licenseText) writeFileSync(join(at, 'LICENSE'), licenseText);
  }
  return dir;
}
const check = (dir: string, policy = join(ROOT, 'supply-chain', 'license-policy.json')) =>
  runGate('licenses.ts', ['--start', dir, '--policy', policy]);

const mit = (name: string): FixturePackage => ({ name, license: 'MIT' });

describe('licenses:check', () => {
  it('passes permissive licences', async () => {
    const res = await check(
      project([mit('left-pad'), { name: 'kit', license: 'Apache-2.0' }, { name: 'isc-lib', license: 'ISC' }]),
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pass - 3 production dependencies');
  });

  it('refuses a GPL production dependency', async () => {
    const res = await check(project([mit('left-pad'), { name: 'gpl-lib', license: 'GPL-3.0-only' }]));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('REFUSED  gpl-lib@1.0.0 (GPL-3.0-only): copyleft licence');
    expect(res.stderr).not.toContain('left-pad');
  });

  it('refuses AGPL, and a GPL package reached only through another dependency', async () => {
    const res = await check(
      project(
        [
          { name: 'agpl-server', license: 'AGPL-3.0-or-later' },
          { name: 'wrapper', license: 'MIT', dependencies: { 'deep-gpl': '1.0.0' } },
        ],
        [],
        [{ name: 'deep-gpl', license: 'GPL-2.0-or-later' }],
      ),
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('agpl-server@1.0.0 (AGPL-3.0-or-later): copyleft licence');
    expect(res.stderr).toContain('deep-gpl@1.0.0 (GPL-2.0-or-later): copyleft licence');
    expect(res.stderr).not.toContain('wrapper@');
  });

  it('refuses an LGPL production dependency', async () => {
    const res = await check(project([{ name: 'lgpl-lib', license: 'LGPL-2.1-only' }]));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('lgpl-lib@1.0.0 (LGPL-2.1-only): copyleft licence');
  });

  it('does not count development dependencies', async () => {
    const res = await check(project([mit('left-pad')], [{ name: 'gpl-dev-tool', license: 'GPL-3.0-only' }]));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pass - 1 production dependencies');
  });

  it('refuses unknown licences: none declared, UNLICENSED, "SEE LICENSE IN", or not on the reviewed list', async () => {
    const res = await check(
      project([
        { name: 'no-licence' },
        { name: 'closed', license: 'UNLICENSED' },
        { name: 'see-file', license: 'SEE LICENSE IN LICENSE', licenseText: 'All rights reserved.' },
        { name: 'wtfpl-lib', license: 'WTFPL' },
      ]),
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAIL - 4 production dependency(ies)');
    expect(res.stderr).toMatch(/no-licence@1\.0\.0 \(UNKNOWN\): licence unknown/);
    expect(res.stderr).toMatch(/closed@1\.0\.0 \(UNLICENSED\): licence unknown/);
    expect(res.stderr).toMatch(/see-file@1\.0\.0 \(Custom: LICENSE\): licence unknown/);
    expect(res.stderr).toMatch(/wtfpl-lib@1\.0\.0 \(WTFPL\): licence not on the reviewed allow-list/);
  });

  it('judges SPDX expressions as written: OR needs one allowed licence, AND needs all', async () => {
    expect((await check(project([{ name: 'dual', license: '(MIT OR GPL-3.0-only)' }]))).code).toBe(0);
    const both = await check(project([{ name: 'both', license: '(MIT AND GPL-3.0-only)' }]));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('both@1.0.0');
  });

  it('accepts a reviewed exception only for its version and the licence file that was read', async () => {
    const text = 'Permission is hereby granted, free of charge, ... (the MIT licence)';
    const policy = LicensePolicy.parse(JSON.parse(readFileSync(join(ROOT, 'supply-chain', 'license-policy.json'), 'utf8')));
    policy.exceptions = [
      {
        package: 'see-file',
        version: '1.0.0',
        license: 'MIT',
        licenseFileSha256: createHash('sha256').update(text).digest('hex'),
        reason: 'The LICENSE file is the MIT licence text, read in full.',
        reviewedBy: 'test',
      },
    ];
    const policyFile = join(tempDir('licence-policy'), 'policy.json');
    writeFileSync(policyFile, JSON.stringify(policy));
    const accepted = await check(
      project([{ name: 'see-file', license: 'SEE LICENSE IN LICENSE', licenseText: text }]),
      policyFile,
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('exception  see-file@1.0.0: treated as MIT');
    const changed = await check(
      project([{ name: 'see-file', license: 'SEE LICENSE IN LICENSE', licenseText: `${text} except for banks` }]),
      policyFile,
    );
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('unused exception see-file@1.0.0');
  });

  it("passes the project's own production dependencies (what CI checks)", async () => {
    const res = await check(ROOT);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/pass - \d{3,} production dependencies/);
  });
});

describe('the licence policy', () => {
  const allowed = new Set(
    LicensePolicy.parse(JSON.parse(readFileSync(join(ROOT, 'supply-chain', 'license-policy.json'), 'utf8'))).allowed,
  );

  it('allows no copyleft licence', () => {
    for (const license of [
      'GPL-2.0-only',
      'GPL-3.0-or-later',
      'AGPL-3.0-only',
      'LGPL-3.0-only',
      'SSPL-1.0',
      'EUPL-1.2',
      'CC-BY-SA-4.0',
    ]) {
      expect(judgeLicense(license, allowed), license).not.toBe('allowed');
    }
    expect(judgeLicense('GPL-2.0-only WITH Classpath-exception-2.0', allowed)).toBe('copyleft');
  });

  it('treats a licence license-checker guessed from a file (trailing *) as unknown', () => {
    expect(judgeLicense('MIT*', allowed)).toBe('unknown');
  });
});
