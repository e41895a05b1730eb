/**
 * Tooling around the generated OpenAPI document:
 *   node --import tsx tests/api/tools/api-tools.ts types   regenerate tests/api/generated/openapi.d.ts (npm run api:types)
 *   node --import tsx tests/api/tools/api-tools.ts lint    lint the document with @redocly/cli (npm run lint:api)
 *   node --import tsx tests/api/tools/api-tools.ts write F write the document to F
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { buildOpenApiDocument } from '../../../src/http/api/openapi.js';
import { apiOperations } from '../../../src/http/api/router.js';
import type { Services } from '../../../src/services.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '../../..');
export const TYPES_FILE = join(here, '../generated/openapi.d.ts');

/** The document exactly as GET /api/schema serves it (handlers are not needed to describe them). */
export const openApiDocument = () => buildOpenApiDocument(apiOperations({} as Services));

const HEADER = `// Generated from the OpenAPI document by \`npm run api:types\` (tests/api/tools/api-tools.ts). Do not edit.\n// tests/api/contract.test.ts fails when this file is stale.\n\n`;

/** TypeScript types of the API (openapi-typescript), as the committed file should read. */
export async function generateTypes(): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(openApiDocument())));
  // Formatted like the rest of the repository, so `prettier --check` agrees with the generator.
  const options = (await prettier.resolveConfig(TYPES_FILE)) ?? {};
  return prettier.format(HEADER + astToString(ast), { ...options, filepath: TYPES_FILE });
}

/** Runs `redocly lint` on the document; returns its exit status and output. */
export function lintDocument(): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'api-lint-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  try {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=stylish'],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(command: string | undefined, arg: string | undefined): Promise<number> {
  switch (command) {
    case 'types': {
      const text = await generateTypes();
      const current = (() => {
        try {
          return readFileSync(TYPES_FILE, 'utf8');
        } catch {
          return '';
        }
      })();
      if (current !== text) writeFileSync(TYPES_FILE, text);
      process.stdout.write(`${current === text ? 'unchanged' : 'written'}: ${TYPES_FILE}\n`);
      return 0;
    }
    case 'lint': {
      const { status, output } = lintDocument();
      process.stdout.write(output);
      return status;
    }
    case 'write':
      if (!arg) throw new Error('usage: write FILE');
      writeFileSync(arg, JSON.stringify(openApiDocument(), null, 2));
      return 0;
    case undefined:
    default:
      process.stderr.write('usage: api-tools.ts types|lint|write FILE\n');
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv[2], process.argv[3]).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
