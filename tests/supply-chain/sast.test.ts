// SAST in `npm run lint`: the project's ESLint configuration reports eslint-plugin-security's
// findings as errors (so lint fails on them), on a probe file of insecure code.
import { ESLint } from 'eslint';
import security from 'eslint-plugin-security';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/run.js';

// The probe is linted as text at the project root, parsed with TypeScript's default project so
// the type-aware rules of the configuration run too; nothing is written to the tree.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['sast-probe.ts'] } } } },
});

const PROBE = `import { exec } from 'node:child_process';

export function handle(input: string, token: string, expected: string): unknown {
  exec(input);
  if (token === expected) return true;
  const pattern = new RegExp(input);
  const nested = /^(a+)+$/;
  return nested.test(input) || pattern.test(input) ? eval(input) : null;
}
`;

describe('ESLint security rules', () => {
  it('fail lint on insecure code: command injection, eval, unsafe and dynamic regexes, timing attacks', async () => {
    const [result] = await eslint.lintText(PROBE, { filePath: `${ROOT}/sast-probe.ts` });
    const found = result!.messages
      .filter((m) => /^(security|regexp)\//.test(m.ruleId ?? ''))
      .map((m) => [m.ruleId, m.severity, m.line]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['security/detect-child-process', 2, 4],
        ['security/detect-possible-timing-attacks', 2, 5],
        ['security/detect-non-literal-regexp', 2, 6],
        ['regexp/no-super-linear-backtracking', 2, 7],
        ['security/detect-eval-with-expression', 2, 8],
      ]),
    );
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  });

  it('are all errors in src/ and admin/, except the three switched off with a reason', async () => {
    const off = new Set([
      'security/detect-object-injection',
      'security/detect-non-literal-fs-filename',
      'security/detect-unsafe-regex',
    ]);
    for (const file of ['src/main.ts', 'admin/index.ts']) {
      const config = (await eslint.calculateConfigForFile(`${ROOT}/${file}`)) as { rules: Record<string, [number]> };
      for (const rule of Object.keys(security.configs.recommended.rules)) {
        expect(config.rules[rule]?.[0], `${file}: ${rule}`).toBe(off.has(rule) ? 0 : 2);
      }
      expect(config.rules['regexp/no-super-linear-backtracking']?.[0], file).toBe(2);
    }
  });
});
