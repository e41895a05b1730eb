// Type-aware linting plus the layer rules of STYLE.md: domain modules never import express or
// adminjs; adapters (HTTP routes, AdminJS, CLI) never import Prisma directly.
import tseslint from 'typescript-eslint';

const frameworkImports = {
  patterns: [
    {
      group: ['express', 'express-*', 'adminjs', '@adminjs/*', 'supertest'],
      message: 'Domain modules must not depend on a web framework.',
    },
  ],
};
const prismaImports = {
  patterns: [
    {
      group: ['@prisma/client', '@prisma/adapter-pg', '**/db/prisma.js'],
      allowTypeImports: true,
      message: 'Adapters call services; only src/modules (repositories, services) touch Prisma.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'prisma/generated/**',
      '.adminjs/**',
      'storage/**',
      'admin/bundle/out/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // AdminJS, pg and Prisma raw results are untyped at the edges; these rules fight the libraries more than they help.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  { files: ['src/modules/**/*.ts'], rules: { 'no-restricted-imports': ['error', frameworkImports] } },
  {
    files: ['src/http/**/*.ts', 'admin/**/*.ts', 'admin/**/*.tsx', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', prismaImports] },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
