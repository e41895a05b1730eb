/**
 * `npm run sbom`: writes a CycloneDX 1.6 SBOM (JSON) of the production dependencies that are
 * installed, to artifacts/sbom.cdx.json (or --out FILE), and validates it against the CycloneDX
 * JSON schema before writing. Offline: it reads package-lock.json and node_modules, nothing else.
 *
 * "Production dependencies" are the lockfile entries npm installs with `npm ci --omit=dev` (every
 * entry not flagged `dev`), less optional ones not installed on this platform (other operating
 * systems' prebuilt binaries). Each distinct name@version is one component with its purl, its
 * lockfile integrity hash, its licence, its install path(s) and a dependency graph.
 *
 * Why not @cyclonedx/cyclonedx-npm or `npm sbom` (docs/adr/0009-supply-chain-gates.md): the former
 * pulls libxmljs2, whose install script downloads a prebuilt binary; `npm sbom --omit dev` (npm
 * 11.19) drops every package that a development dependency also uses (pg-protocol, debug, ...).
 * Both the object model and the schema validation here are the official CycloneDX library's.
 *
 *   npm run sbom
 *   npm run sbom -- --out FILE --dir PROJECT
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import parseSpdx from 'spdx-expression-parse';
import { isMain, PROJECT_ROOT } from './common.js';

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}
type PackageJson = CDX.Contrib.FromNodePackageJson.Types.NodePackageJson & { name?: string; version?: string };

export interface SbomResult {
  json: string;
  components: number;
  skippedOptional: string[];
}

const SPEC = CDX.Spec.Spec1dot6;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Where node would find `dep` when required from the package installed at `location`. */
function resolveLocation(packages: Lockfile['packages'], location: string, dep: string): string | undefined {
  let base = location;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

function purlOf(name: string, version: string, resolved: string | undefined): string {
  const [namespace, bare] = name.startsWith('@')
    ? [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)]
    : [undefined, name];
  const fromOtherRegistry =
    resolved !== undefined && resolved.startsWith('http') && !/^https?:\/\/registry\.npmjs\.org(\/|$)/.test(resolved);
  const qualifiers = fromOtherRegistry ? { download_url: resolved } : undefined;
  return new PackageURL('npm', namespace, bare, version, qualifiers, undefined).toString();
}

/** Builds and validates the SBOM of the project at `dir` (which must be installed: `npm ci`). */
export async function buildSbom(dir: string): Promise<SbomResult> {
  const lock = readJson<Lockfile>(join(dir, 'package-lock.json'));
  if (!(lock.lockfileVersion >= 2)) throw new Error('package-lock.json must be lockfileVersion 2 or 3');
  const rootPkg = readJson<PackageJson>(join(dir, 'package.json'));
  const licenseFactory = new CDX.Contrib.License.Factories.LicenseFactory(parseSpdx);
  const builder = new CDX.Contrib.FromNodePackageJson.Builders.ComponentBuilder(
    new CDX.Contrib.FromNodePackageJson.Factories.ExternalReferenceFactory(),
    licenseFactory,
  );

  const byLocation = new Map<string, CDX.Models.Component>();
  const byPurl = new Map<string, CDX.Models.Component>();
  const skippedOptional: string[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.dev) continue;
    if (entry.link) throw new Error(`${location} is a link (workspace); this SBOM script does not handle workspaces`);
    const installedAt = join(dir, location);
    if (!existsSync(join(installedAt, 'package.json'))) {
      if (entry.optional) {
        skippedOptional.push(location);
        continue;
      }
      throw new Error(`production dependency ${location} is in package-lock.json but not installed: run npm ci first`);
    }
    const pkg = readJson<PackageJson>(join(installedAt, 'package.json'));
    if (entry.version === undefined || pkg.version !== entry.version) {
      throw new Error(`${location} is installed at ${pkg.version} but package-lock.json says ${entry.version}: run npm ci`);
    }
    const name = pkg.name ?? entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const purl = purlOf(name, entry.version, entry.resolved);
    let component = byPurl.get(purl);
    if (!component) {
      component = builder.makeComponent({ ...pkg, name });
      if (!component) throw new Error(`cannot describe ${location} (package.json has no usable name)`);
      component.bomRef.value = purl;
      component.purl = purl;
      component.scope = entry.optional ? CDX.Enums.ComponentScope.Optional : CDX.Enums.ComponentScope.Required;
      for (const token of (entry.integrity ?? '').split(/\s+/).filter(Boolean)) {
        try {
          component.hashes.set(...CDX.Contrib.FromNodePackageJson.Utils.parsePackageIntegrity(token));
        } catch {
          // An algorithm CycloneDX has no name for: the other tokens still identify the tarball.
        }
      }
      if (entry.resolved) {
        component.externalReferences.add(
          new CDX.Models.ExternalReference(entry.resolved, CDX.Enums.ExternalReferenceType.Distribution, {
            comment: 'as resolved in package-lock.json',
          }),
        );
      }
      byPurl.set(purl, component);
    } else if (!entry.optional) component.scope = CDX.Enums.ComponentScope.Required;
    component.properties.add(new CDX.Models.Property('cdx:npm:package:path', location));
    byLocation.set(location, component);
  }

  const bom = new CDX.Models.Bom();
  bom.serialNumber = CDX.Contrib.Bom.Utils.randomSerialNumber();
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  bom.metadata.timestamp = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  bom.metadata.lifecycles.add(CDX.Enums.LifecyclePhase.Build);
  const libraryPkg = readJson<PackageJson>(join(PROJECT_ROOT, 'node_modules/@cyclonedx/cyclonedx-library/package.json'));
  const tool = builder.makeComponent(libraryPkg, CDX.Enums.ComponentType.Library);
  if (tool) bom.metadata.tools.components.add(tool);
  const root = builder.makeComponent(rootPkg, CDX.Enums.ComponentType.Application);
  if (!root) throw new Error('package.json has no name');
  root.bomRef.value = purlOf(rootPkg.name ?? 'project', rootPkg.version ?? '0.0.0', undefined);
  root.purl = root.bomRef.value;
  bom.metadata.component = root;

  const dependenciesOf = (entry: LockEntry) => [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}),
  ];
  const link = (from: CDX.Models.Component, location: string, entry: LockEntry) => {
    for (const dep of dependenciesOf(entry)) {
      const target = resolveLocation(lock.packages, location, dep);
      const component = target === undefined ? undefined : byLocation.get(target);
      if (component && component !== from) from.dependencies.add(component.bomRef);
    }
  };
  const rootEntry = lock.packages[''] ?? {};
  link(root, '', { dependencies: rootEntry.dependencies, optionalDependencies: rootEntry.optionalDependencies });
  for (const [location, component] of byLocation) link(component, location, lock.packages[location] ?? {});
  for (const component of byPurl.values()) bom.components.add(component);

  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(SPEC));
  const json = serializer.serialize(bom, { sortLists: true, space: 2 });
  const invalid = await new CDX.Validation.JsonStrictValidator(SPEC.version).validate(json);
  if (invalid !== null)
    throw new Error(`the SBOM does not validate against CycloneDX ${SPEC.version}: ${JSON.stringify(invalid)}`);
  return { json, components: byPurl.size, skippedOptional };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: PROJECT_ROOT },
      out: { type: 'string', default: join(PROJECT_ROOT, 'artifacts', 'sbom.cdx.json') },
    },
  });
  const dir = resolve(values.dir);
  const out = resolve(values.out);
  try {
    const result = await buildSbom(dir);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${result.json}\n`);
    console.log(
      `sbom: wrote ${relative(process.cwd(), out) || out}: CycloneDX ${SPEC.version}, ${result.components} production components, valid against the schema` +
        ` (${result.skippedOptional.length} optional packages for other platforms not installed, not listed)`,
    );
    return 0;
  } catch (error) {
    console.error(`sbom: FAIL - ${(error as Error).message}`);
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main();
