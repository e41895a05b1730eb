import type { CurrentAdmin, Locale, LocaleTranslations } from 'adminjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR, normaliseLocale, SUPPORTED_LOCALES } from '../../src/lib/i18n.js';

/**
 * The admin's namespaces, in AdminJS's own layout (labels, properties, actions, messages,
 * buttons, resources.<Model>.*, components.*): `admin` (login, dashboards, shared names) and
 * `admin-resources` (the resources' own texts, kept by the resources' authors; it wins where
 * both name the same key).
 */
const NAMESPACES = ['admin', 'admin-resources'] as const;

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree => !!value && typeof value === 'object' && !Array.isArray(value);

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over))
    out[key] = isTree(value) && isTree(out[key]) ? deepMerge(out[key], value) : value;
  return out;
}

/**
 * The admin's translations per language, merged from locales/<lng>/admin*.json. AdminJS merges
 * them over its built-in English and Spanish strings and hands them to i18next in the browser.
 */
export function loadAdminTranslations(): Record<string, LocaleTranslations> {
  return Object.fromEntries(
    SUPPORTED_LOCALES.map((lng) => {
      let merged: Tree = {};
      for (const ns of NAMESPACES) {
        const file = join(LOCALES_DIR, lng, `${ns}.json`);
        if (existsSync(file)) merged = deepMerge(merged, JSON.parse(readFileSync(file, 'utf8')) as Tree);
      }
      return [lng, merged as LocaleTranslations];
    }),
  );
}

/**
 * AdminJS's `locale` option: the signed-in staff member's language (StaffUser.locale), with the
 * language selector offering every supported language.
 */
export function adminLocale(translations = loadAdminTranslations()): (admin?: CurrentAdmin) => Locale {
  return (admin) => ({
    language: normaliseLocale((admin as { locale?: string } | undefined)?.locale),
    availableLanguages: [...SUPPORTED_LOCALES],
    translations,
    localeDetection: false,
  });
}
