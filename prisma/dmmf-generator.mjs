// A Prisma generator that writes the full DMMF to disk. Under the query compiler the runtime
// Prisma.dmmf lacks ids, requiredness and relations, which AdminJS needs to describe resources.
import gh from '@prisma/generator-helper';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

gh.generatorHandler({
  onManifest: () => ({ prettyName: 'Full DMMF for AdminJS', defaultOutput: './generated' }),
  onGenerate: async (options) => {
    const out = options.generator.output?.value ?? './generated';
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'dmmf.json'), JSON.stringify(options.dmmf.datamodel));
  },
});
