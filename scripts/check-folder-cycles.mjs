// Folder-level import cycles (issue 10): two folders that import each other, directly or through
// others, are one module in disguise. dependency-cruiser checks file-level cycles; this collapses
// its graph to folders (src/modules/<name>, src/<name>, admin) and fails on any cycle. Type-only
// imports are left out (they run nothing), and so are the composition roots.
import { cruise } from 'dependency-cruiser';

// A domain module is a folder of src/modules; the other folders of src are layers or adapters;
// the admin (AdminJS) is one adapter. Composition roots wire everything and are left out.
const FOLDER = /^(src\/modules\/[^/]+|src\/[^/.]+|admin)\//;
const COMPOSITION = /^src\/(runtime|services|main|bootstrap|http\/server)\.ts$/;
const folderOf = (path) => (COMPOSITION.test(path) ? null : (FOLDER.exec(path)?.[1] ?? null));

const result = await cruise(['src', 'admin'], {
  validate: false,
  tsPreCompilationDeps: true,
  tsConfig: { fileName: 'tsconfig.json' },
  doNotFollow: { path: 'node_modules' },
  exclude: { path: '(^|/)(tests|bench|scripts|prisma/generated|admin/bundle/out)/' },
  enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
});

const edges = new Map();
for (const module of result.output.modules) {
  const from = folderOf(module.source);
  if (!from) continue;
  for (const dep of module.dependencies) {
    // A type-only import names a shape, it runs nothing: it does not tie two folders together.
    if (dep.dependencyTypes.includes('type-only')) continue;
    const to = folderOf(dep.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const targets = edges.get(from);
    if (!targets.has(to)) targets.set(to, `${module.source} → ${dep.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const stack = [];
const onStack = new Set();
const meta = new Map();
const cycles = [];
function connect(v) {
  meta.set(v, { index, low: index });
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!meta.has(w)) {
      connect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (onStack.has(w)) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of edges.keys()) if (!meta.has(v)) connect(v);

if (cycles.length) {
  for (const component of cycles) {
    console.error(`folder cycle: ${component.sort().join(' ⇄ ')}`);
    for (const from of component)
      for (const [to, example] of edges.get(from) ?? []) if (component.includes(to)) console.error(`  ${example}`);
  }
  process.exit(1);
}
console.log(`no folder-level cycles (${edges.size} folders)`);
