// The gates are wired where the README and docs/releasing.md say: npm scripts, the CI gate runner
// and .ci/run (which stops at the first failing step).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/run.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('supply-chain wiring', () => {
  it('has one npm script per gate, running the gate scripts the tests exercise', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['audit:deps']).toBe('node --import tsx scripts/supply-chain/audit-deps.ts');
    expect(scripts['scan:secrets']).toBe('node --import tsx scripts/supply-chain/scan-secrets.ts');
    expect(scripts['licenses:check']).toBe('node --import tsx scripts/supply-chain/licenses.ts');
    expect(scripts.sbom).toBe('node --import tsx scripts/supply-chain/sbom.ts');
  });

  it('runs every gate in CI, after lint and before the tests, in a script that stops on failure', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^set -euo pipefail$/m);
    const steps = ci.split('\n').filter((line) => /^(npm|bash) /.test(line));
    const at = (step: string) => steps.indexOf(step);
    expect(at('bash scripts/supply-chain/run-gates.sh')).toBeGreaterThan(at('npm run lint'));
    expect(at('npm run lint')).toBeGreaterThan(at('npm ci --no-audit --no-fund'));
    expect(at('npm test')).toBeGreaterThan(at('bash scripts/supply-chain/run-gates.sh'));
    expect(read('scripts/supply-chain/run-gates.sh')).toContain(
      'gates=${SUPPLY_CHAIN_GATES:-"scan:secrets licenses:check sbom audit:deps"}',
    );
  });
});
