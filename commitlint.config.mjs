// Commit messages follow Conventional Commits as @commitlint/config-conventional checks them
// (types feat, fix, docs, style, refactor, perf, test, build, ci, chore, revert), with the
// engineering baseline's limit on the header: at most 72 characters. Checked by .husky/commit-msg.
export default {
  extends: ['@commitlint/config-conventional'],
  rules: {
    'header-max-length': [2, 'always', 72],
  },
};
