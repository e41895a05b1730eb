// CHANGELOG.md is generated from the Conventional Commits history (npm run changelog): one
// section per release tag, the commits since the last one under "Unreleased", user-facing types
// only. Exercised on a throwaway repository.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANGELOG_HEADER, generateChangelog } from '../../scripts/changelog.js';
import { ROOT, tempDir } from './helpers/run.js';

describe('npm run changelog', () => {
  const dir = tempDir('changelog-repo');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  const commit = (message: string) => git('commit', '-q', '--allow-empty', '--no-verify', '-m', message);
  const setVersion = (version: string) =>
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'changelog-fixture', version }));

  it('lists user-facing commits per release tag and the rest under Unreleased', async () => {
    git('init', '-q');
    setVersion('1.0.0');
    git('add', 'package.json');
    commit('feat(api): list budgets with spent amounts');
    commit('docs: describe the budgets endpoint');
    commit('a message that is not conventional');
    commit('fix(audit): keep the chain head under a lock');
    git('tag', 'v1.0.0');
    commit('perf(db): index transactions by account');
    commit('test: cover the index');

    const text = await generateChangelog(dir, false);
    expect(text.startsWith(CHANGELOG_HEADER)).toBe(true);
    const unreleased = text.slice(
      text.indexOf('## Unreleased'),
      text.indexOf('## [1.0.0]') >= 0 ? text.indexOf('## [1.0.0]') : text.indexOf('## 1.0.0'),
    );
    expect(unreleased).toContain('**db:** index transactions by account');
    expect(unreleased).not.toContain('list budgets');
    const released = text.slice(text.indexOf('## 1.0.0'));
    expect(released).toMatch(/^## 1\.0\.0 \(\d{4}-\d{2}-\d{2}\)/);
    expect(released).toContain('**api:** list budgets with spent amounts');
    expect(released).toContain('**audit:** keep the chain head under a lock');
    for (const hidden of ['describe the budgets endpoint', 'not conventional', 'cover the index'])
      expect(text).not.toContain(hidden);
    expect(await generateChangelog(dir, false)).toBe(text); // regenerated, never appended twice
  });

  it('titles the top section with the new version when a release is being cut', async () => {
    setVersion('1.1.0');
    const text = await generateChangelog(dir, true);
    expect(text).not.toContain('Unreleased');
    expect(text).toMatch(
      /^## 1\.1\.0 \(\d{4}-\d{2}-\d{2}\)\n\n### Performance Improvements\n\n\* \*\*db:\*\* index transactions by account/m,
    );
    expect(text.indexOf('## 1.1.0')).toBeLessThan(text.indexOf('## 1.0.0'));
    setVersion('1.0.0');
    await expect(generateChangelog(dir, true)).rejects.toThrow('v1.0.0 is already tagged');
  });

  it("is the generator of the project's CHANGELOG.md", () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(changelog.startsWith(CHANGELOG_HEADER)).toBe(true);
    expect(changelog).toContain('admin surface, public API v1, audit verification, background jobs and exports, ops tooling');
  });
});
