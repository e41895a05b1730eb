import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '..', '..', 'locales');
type Tree = Record<string, unknown>;
const load = (lng: string, file: string) => JSON.parse(readFileSync(join(dir, lng, file), 'utf8')) as Tree;
/** Keys of a namespace, plural forms folded (Spanish and English share _one/_other). */
function keys(tree: unknown, prefix = ''): string[] {
  if (!tree || typeof tree !== 'object') return [prefix.replace(/_(zero|one|two|few|many|other|plural)$/, '')];
  return Object.entries(tree as Tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('every translation namespace is complete in Spanish', () => {
  const files = readdirSync(join(dir, 'en')).filter((f) => f.endsWith('.json'));

  it('has the same files in locales/en and locales/es', () => {
    expect(files.length).toBeGreaterThan(3);
    expect(
      readdirSync(join(dir, 'es'))
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual([...files].sort());
  });

  for (const file of files)
    it(`${file}: no key of English is missing in Spanish, none is empty`, () => {
      const en = new Set(keys(load('en', file)));
      const es = new Set(keys(load('es', file)));
      expect(
        [...en].filter((k) => !es.has(k)),
        `missing in locales/es/${file}`,
      ).toEqual([]);
      expect(
        [...es].filter((k) => !en.has(k)),
        `only in locales/es/${file}`,
      ).toEqual([]);
      const empty = keys(load('es', file)).filter((k) => {
        const value = k.split('.').reduce<unknown>((node, part) => (node as Tree | undefined)?.[part], load('es', file));
        return typeof value === 'string' && value.trim() === '';
      });
      expect(empty).toEqual([]);
    });
});
