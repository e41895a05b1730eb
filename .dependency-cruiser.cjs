/**
 * Layer rules of docs/architecture.md (issue 10: one door per rule), checked by `npm run lint`.
 * lib ← db ← modules ← adapters (http, admin, cli); composition roots (runtime, services, main)
 * may wire anything. Only repositories and src/db touch Prisma, pg or the sessions' handles.
 */
const REPOSITORY = '(\\.repository\\.ts$)';
const COMPOSITION = '^src/(runtime|services|main|bootstrap)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'prisma-only-in-repositories',
      comment: 'Prisma and pg are used only by repositories (*.repository.ts) and src/db/. Types may be imported anywhere.',
      severity: 'error',
      from: { path: '^(src|admin)/', pathNot: [REPOSITORY, '^src/db/', COMPOSITION] },
      to: {
        path: '(^|/)node_modules/(@prisma/client|@prisma/adapter-pg|pg|pg-copy-streams|pg-cursor)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'db-handles-only-in-repositories',
      comment:
        "The sessions' database handles (dbOf/txOf/poolOf) and the Prisma client factory are for repositories and composition roots.",
      severity: 'error',
      from: {
        path: '^(src|admin)/',
        pathNot: [REPOSITORY, '^src/db/', COMPOSITION, '^src/cli/', '^src/http/(server|health)\\.ts$'],
      },
      to: { path: '^src/db/(session|prisma)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-is-the-bottom',
      comment:
        'src/lib is imported by everything and imports no code of ours above it. It may name the types of the actor and its ability (src/lib/context.ts: a ServiceContext carries them), never import their code.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^(src/(modules|http|cli|db)|admin)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-uses-only-access-types',
      comment: 'The only types src/lib names from above are the access module’s actor and ability.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^(src/(modules|http|cli|db)|admin)/', pathNot: '^src/modules/access/(actor|ability)\\.ts$' },
    },
    {
      name: 'db-below-modules',
      comment: 'src/db knows nothing of the domain or the adapters.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^(src/(modules|http|cli)|admin)/' },
    },
    {
      name: 'modules-below-adapters',
      comment: 'The domain never imports an adapter (HTTP, AdminJS, CLI) or a composition root.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: ['^(src/(http|cli)|admin)/', COMPOSITION] },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment: 'The HTTP API and the CLI do not reach into the admin adapter (the server composes them).',
      severity: 'error',
      from: { path: '^src/(http/api|cli)/' },
      to: { path: '^admin/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles between files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(tests|bench|scripts|prisma/generated|admin/bundle/out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
