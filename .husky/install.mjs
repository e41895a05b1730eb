// The `prepare` script (run by `npm install` and `npm ci`): installs the git hooks in .husky/
// (commit-msg: commitlint; pre-commit: lint-staged) by pointing git's core.hooksPath at them.
// It never fails an install. It skips, saying why, when hooks are not wanted (CI=true, HUSKY=0),
// when husky is not installed (`npm ci --omit=dev`), and (husky itself) when there is no .git.
if (process.env.CI === 'true' || process.env.HUSKY === '0') {
  console.log('git hooks not installed: CI=true or HUSKY=0');
  process.exit(0);
}
let husky;
try {
  husky = (await import('husky')).default;
} catch {
  console.log('git hooks not installed: husky is not installed (a production install?)');
  process.exit(0);
}
const message = husky();
console.log(
  message
    ? `git hooks not installed: ${message}`
    : 'git hooks installed: .husky/commit-msg (commitlint), .husky/pre-commit (lint-staged)',
);
