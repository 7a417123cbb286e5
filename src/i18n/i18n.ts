import { IntlMessageFormat } from 'intl-messageformat';
import { createRequire } from 'node:module';
import type { Lang } from '../reference/country.ts';

/**
 * The interface's words, in ICU MessageFormat catalogues (one JSON file per language), so that
 * another official EU language is one more file. A key missing in a language falls back to English.
 */
const require = createRequire(import.meta.url);
const catalogues: Record<Lang, Record<string, string>> = {
  en: require('./messages/en.json'),
  nl: require('./messages/nl.json'),
};
export const LANGS: readonly Lang[] = ['en', 'nl'];
export const isLang = (s: string): s is Lang => (LANGS as readonly string[]).includes(s);

const compiled = new Map<string, IntlMessageFormat>();

export type Translate = (key: string, values?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, values) => {
    const id = `${lang}:${key}`;
    let fmt = compiled.get(id);
    if (!fmt) {
      const text = catalogues[lang][key] ?? catalogues.en[key];
      if (text === undefined) throw new Error(`Message "${key}" is in no catalogue`);
      fmt = new IntlMessageFormat(text, lang);
      compiled.set(id, fmt);
    }
    return String(fmt.format(values));
  };
}

/** Catalogue keys, for the test that every language has every key. */
export const catalogueKeys = (lang: Lang) => Object.keys(catalogues[lang]);

/**
 * Whole numbers as EU texts print them: Dutch groups thousands with a space, as the Annex does
 * ("5 500"); English with a comma.
 */
export function formatCount(n: number, lang: Lang): string {
  const grouped = Math.abs(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'nl' ? ' ' : ',');
  return n < 0 ? `-${grouped}` : grouped;
}

export function formatShare(share: number | null, lang: Lang): string {
  if (share === null) return '–';
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);
}
