/**
 * `npm run changelog`: regenerates CHANGELOG.md from the git history with conventional-changelog
 * (preset conventionalcommits). The whole file is generated every time, so running it twice gives
 * the same file: one section per release tag (vX.Y.Z), newest first, and on top the commits since
 * the last tag under "Unreleased". Only feat, fix, perf, revert and breaking changes are listed;
 * other types (docs, test, build, ...) are not user-facing.
 *
 *   npm run changelog                  the top section is "Unreleased"
 *   npm run changelog -- --release     the top section is package.json's version and today's date
 *                                      (run after `npm version X.Y.Z`, before tagging: docs/releasing.md)
 *   npm run changelog -- --dir DIR --out FILE
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConventionalChangelog, defaultCommitTransform } from 'conventional-changelog';
import { isMain, PROJECT_ROOT } from './supply-chain/common.js';

export const CHANGELOG_HEADER = `# Changelog

All notable changes, generated from the [Conventional Commits](https://www.conventionalcommits.org)
history by \`npm run changelog\` (do not edit by hand: edit the commit messages' conventions instead).
Versions follow [Semantic Versioning](https://semver.org); how a release is cut: [docs/releasing.md](docs/releasing.md).
`;

/**
 * Early history has headers joining two commits ("fix(admin): x; build(deps): y"); the parser
 * then reads the scope as "admin): x; build(deps". Keep the first scope and the rest as subject.
 */
function repairJoinedHeader<T extends { scope?: string | null; subject?: string | null; header?: string | null }>(
  commit: T,
): Partial<T> {
  if (!commit.scope?.includes('): ') || !commit.header) return {};
  const scope = commit.scope.slice(0, commit.scope.indexOf('): '));
  return { scope, subject: commit.header.slice(commit.header.indexOf('): ') + 3) } as Partial<T>;
}

export async function generateChangelog(dir: string, release: boolean): Promise<string> {
  const tags = execFileSync('git', ['tag', '--list', 'v*'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  if (release && tags.includes(`v${pkg.version}`)) {
    throw new Error(`v${pkg.version} is already tagged: set the new version first (npm version X.Y.Z --no-git-tag-version)`);
  }
  const generator = new ConventionalChangelog(dir)
    .readPackage(join(dir, 'package.json'))
    .loadPreset('conventionalcommits')
    .options({
      releaseCount: 0,
      // Commits since the last tag: under "Unreleased", or (release) under the new version.
      ...(release ? {} : { outputUnreleased: true }),
      transformCommit: (commit, params) => ({ ...defaultCommitTransform(commit, params), ...repairJoinedHeader(commit) }),
    })
    // No repository URL is published: no compare links to a host that is not there.
    // Unreleased work has no date (so the file does not change from one day to the next); released
    // sections take the date of their tagged commit.
    .context({
      linkCompare: false,
      ...(release ? {} : { date: '' }),
      ...(release || tags.length > 0 ? {} : { version: 'Unreleased' }),
    });
  let body = '';
  for await (const chunk of generator.write()) body += chunk;
  const sections = body
    .trim()
    .replace(/^## [^\n]*\n*(?=## |$)/, '') // an empty top section: nothing since the last release
    .replace(/^(## .*)\n(?!\n)/gm, '$1\n\n'); // the preset's heading has no blank line after it when it has no date
  return `${CHANGELOG_HEADER}\n${sections}\n`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      release: { type: 'boolean', default: false },
      dir: { type: 'string', default: PROJECT_ROOT },
      out: { type: 'string' },
    },
  });
  const dir = resolve(values.dir);
  const out = resolve(values.out ?? join(dir, 'CHANGELOG.md'));
  writeFileSync(out, await generateChangelog(dir, values.release));
  console.log(`changelog: wrote ${out}`);
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = await main();
