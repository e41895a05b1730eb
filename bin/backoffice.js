#!/usr/bin/env node
// Entry point of `npx backoffice`: makes sure the generated Prisma client exists, then runs the
// TypeScript CLI through tsx (no build step).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/ensure-prisma.mjs')], { stdio: 'inherit' });
register();
const { runCli } = await import(pathToFileURL(join(root, 'src/cli/index.ts')).href);
await runCli(process.argv);
