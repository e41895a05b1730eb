import i18next, { type i18n } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../locales');
export const SUPPORTED_LOCALES = ['en', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** Reads locales/<lng>/<namespace>.json into an i18next resource object. */
export function loadResources(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of SUPPORTED_LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(LOCALES_DIR, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][basename(file, '.json')] = JSON.parse(readFileSync(join(LOCALES_DIR, lng, file), 'utf8'));
    }
  }
  return resources;
}

const instance: i18n = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: loadResources(),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...SUPPORTED_LOCALES],
  ns: ['errors', 'common'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

export function normaliseLocale(value: string | undefined | null): Locale {
  const base = (value ?? '').toLowerCase().slice(0, 2);
  return (SUPPORTED_LOCALES as readonly string[]).includes(base) ? (base as Locale) : 'en';
}

/** Translates a key; falls back to `fallbackKey`, then to the literal fallback text. */
export function translate(locale: string, key: string, params: Record<string, unknown> = {}, fallback?: string): string {
  const t = instance.getFixedT(normaliseLocale(locale));
  if (instance.exists(key, { lng: normaliseLocale(locale) })) return t(key, params);
  if (fallback && instance.exists(fallback, { lng: normaliseLocale(locale) })) return t(fallback, params);
  return fallback ?? key;
}
