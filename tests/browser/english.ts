import { readFileSync } from 'node:fs';
import { loadAdminTranslations } from '../../admin/i18n/index.js';

type Tree = Record<string, unknown>;
// AdminJS's own texts (its package exports no path to them: read from its folder).
const adminjs = (lng: string) =>
  JSON.parse(
    readFileSync(new URL(`../../node_modules/adminjs/src/locale/${lng}/translation.json`, import.meta.url), 'utf8'),
  ) as Tree;

function strings(tree: unknown, out: string[] = []): string[] {
  if (typeof tree === 'string') out.push(tree);
  else if (tree && typeof tree === 'object') for (const v of Object.values(tree)) strings(v, out);
  return out;
}

/** The literal parts of a translation (interpolations and markup removed). */
const fragments = (text: string) =>
  text
    .split(/\{\{[^}]*\}\}|<[^>]*>|\$t\([^)]*\)/)
    .map((f) => f.trim())
    .filter((f) => f.length >= 8 && /\s/.test(f) && /[a-z]/.test(f));

const merged = loadAdminTranslations() as Record<string, Tree>;
/**
 * Every multi-word English text the admin can show (ours and AdminJS's). None is a valid
 * Spanish text, so one on a Spanish page is a text left untranslated (a missing key falling
 * back to English, an English copy in es, or English written into a component).
 */
/**
 * Names, not words: the product's name, and customer data that happens to read like an English
 * label (the demo data names an account "Credit card"; its type shows as "Tarjeta de crédito").
 */
const NAMES = new Set(['Finance back office', 'Credit card']);
const ENGLISH = [...new Set([...strings(merged.en), ...strings(adminjs('en'))].flatMap(fragments))].filter((f) => !NAMES.has(f));

/** The English phrases of the admin found in a page's text. */
export function englishLeftIn(text: string): string[] {
  return ENGLISH.filter((phrase) => text.includes(phrase));
}
