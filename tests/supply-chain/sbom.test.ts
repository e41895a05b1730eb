// `npm run sbom`: a CycloneDX document that validates against the CycloneDX schema and lists
// exactly the production dependencies npm itself reports (`npm query .prod`, the set that
// `npm ci --omit=dev` installs), with purls, lockfile hashes and a dependency graph.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import CDX from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSbom } from '../../scripts/supply-chain/sbom.js';
import { ROOT, run, runGate, tempDir } from './helpers/run.js';

interface Component {
  'bom-ref': string;
  type: string;
  group?: string;
  name: string;
  version: string;
  purl: string;
  scope?: string;
  hashes?: { alg: string; content: string }[];
  licenses?: unknown[];
  properties?: { name: string; value: string }[];
}
interface Bom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  metadata: { component: Component; timestamp: string };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

const fullName = (c: Component) => (c.group ? `${c.group}/${c.name}` : c.name);
const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);

describe('npm run sbom', () => {
  const out = join(tempDir('sbom'), 'sbom.cdx.json');
  let text = '';
  let bom: Bom;
  let runOutput = '';

  beforeAll(async () => {
    const res = await run('npm', ['run', '--silent', 'sbom', '--', '--out', out]);
    runOutput = res.output;
    expect(res.code, res.output).toBe(0);
    text = readFileSync(out, 'utf8');
    bom = JSON.parse(text) as Bom;
  });

  it('writes a CycloneDX 1.6 JSON document that the CycloneDX schema accepts', async () => {
    expect(runOutput).toContain('valid against the schema');
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.metadata.component.name).toBe('finance-backoffice');
    expect(await validator.validate(text)).toBeNull();
  });

  it('lists every production dependency npm reports, and nothing else', async () => {
    const res = await run('npm', ['query', '.prod']);
    expect(res.code, res.stderr).toBe(0);
    const npmProd = (JSON.parse(res.stdout) as { name: string; version: string; location: string }[]).filter(
      (n) => n.location !== '',
    );
    const expected = new Set(npmProd.map((n) => `${n.name}@${n.version}`));
    const listed = bom.components.map((c) => `${fullName(c)}@${c.version}`);
    expect(new Set(listed).size).toBe(listed.length); // one component per name@version
    expect([...expected].filter((id) => !listed.includes(id))).toEqual([]);
    expect(listed.filter((id) => !expected.has(id))).toEqual([]);
    expect(listed.length).toBeGreaterThan(300);
  });

  it('lists each direct production dependency as a dependency of the application, and no development tool', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const byRef = new Map(bom.components.map((c) => [c['bom-ref'], c]));
    const rootDeps = bom.dependencies.find((d) => d.ref === bom.metadata.component['bom-ref'])?.dependsOn ?? [];
    expect(rootDeps.map((ref) => fullName(byRef.get(ref)!)).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    const names = new Set(bom.components.map(fullName));
    for (const tool of ['vitest', 'eslint', 'secretlint', 'husky', '@commitlint/cli', 'license-checker-rseidelsohn']) {
      expect(pkg.devDependencies[tool], tool).toBeDefined();
      expect(names.has(tool), tool).toBe(false);
    }
  });

  it('gives each component its purl, the lockfile’s SHA-512, its licence and install path, and a graph of known refs', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { integrity?: string }>;
    };
    for (const c of bom.components) {
      expect(c.purl).toBe(c['bom-ref']);
      const namespace = c.group ? `${encodeURIComponent(c.group)}/` : '';
      expect(c.purl.startsWith(`pkg:npm/${namespace}${c.name}@${c.version}`), c.purl).toBe(true);
      const paths = (c.properties ?? []).filter((p) => p.name === 'cdx:npm:package:path').map((p) => p.value);
      expect(paths.length, c.purl).toBeGreaterThan(0);
      const integrity = lock.packages[paths[0]!]?.integrity;
      if (integrity?.startsWith('sha512-')) {
        const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
        expect(c.hashes, c.purl).toContainEqual({ alg: 'SHA-512', content: hex });
      }
    }
    expect(bom.components.filter((c) => (c.licenses ?? []).length === 0).map((c) => c.purl)).toEqual([]);
    const refs = new Set([bom.metadata.component['bom-ref'], ...bom.components.map((c) => c['bom-ref'])]);
    for (const d of bom.dependencies) for (const ref of d.dependsOn ?? []) expect(refs.has(ref), `${d.ref} -> ${ref}`).toBe(true);
    const express = bom.dependencies.find((d) => d.ref.startsWith('pkg:npm/express@4.'));
    expect(express?.dependsOn?.some((ref) => ref.startsWith('pkg:npm/body-parser@'))).toBe(true);
  });

  it('the validator it relies on does refuse a document that breaks the schema', async () => {
    const broken = JSON.parse(text) as Bom;
    broken.components[0]!.type = 'not-a-component-type';
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });
});

describe('the SBOM of an incompletely installed project', () => {
  it('is refused: a production dependency in the lockfile but not installed', async () => {
    const dir = tempDir('sbom-missing');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'fixture', version: '1.0.0', dependencies: { a: '1.0.0', b: '1.0.0' } }),
    );
    const lock = {
      name: 'fixture',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'fixture', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0', license: 'MIT' },
        'node_modules/b': { version: '1.0.0' },
      },
    };
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    mkdirSync(join(dir, 'node_modules', 'a'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'a', 'package.json'),
      JSON.stringify({ name: 'a', version: '1.0.0', license: 'MIT' }),
    );
    await expect(buildSbom(dir)).rejects.toThrow(
      'production dependency node_modules/b is in package-lock.json but not installed',
    );
    const res = await runGate('sbom.ts', ['--dir', dir, '--out', join(dir, 'out.json')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('sbom: FAIL');
  });
});
