// What .husky/pre-commit runs on the staged files (lint-staged, one task list after another):
// the secrets scan on every file, Prettier on every file it knows (respecting .prettierignore),
// then type-aware ESLint, with its fixes, on TypeScript. A finding stops the commit.
export default {
  '*': ['secretlint --maskSecrets --no-glob', 'prettier --write --ignore-unknown'],
  '*.{ts,tsx}': 'eslint --fix --max-warnings=0 --no-warn-ignored',
};
