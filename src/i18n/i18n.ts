import { IntlMessageFormat } from 'intl-messageformat';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Lang } from './lang.ts';

/**
 * The interface's words, in ICU MessageFormat catalogues (one JSON file per language), so that
 * another official EU language is one more file. A key missing in a language falls back to English.
 */
const require = createRequire(import.meta.url);
/**
 * A language's catalogue: the interface's messages (`messages/`), the texts of what the platform
 * ships (the rounds', programmes' and sources' titles, labels and notes, `shipped/`, keys
 * `shipped.…`; the web reads the same files) and the records of processing (`records/`, keys
 * `records.…`). A test checks that each language has every key of English.
 */
const FOLDERS = ['messages', 'shipped', 'records'] as const;
const loaded = new Map<Lang, Record<string, string>>();
/** A language's catalogue, read when first asked for: a command in one language reads one (and English). */
function catalogue(lang: Lang): Record<string, string> {
  let c = loaded.get(lang);
  if (!c) {
    c = Object.assign(
      {},
      ...FOLDERS.map((f) =>
        existsSync(new URL(`./${f}/${lang}.json`, import.meta.url)) ? (require(`./${f}/${lang}.json`) as Record<string, string>) : {},
      ),
    ) as Record<string, string>;
    loaded.set(lang, c);
  }
  return c;
}
export { isLang, LANGS } from './lang.ts';

const compiled = new Map<string, IntlMessageFormat>();
/** The messages that quote a document's words (`<q>`). */
const quoting = new WeakSet<IntlMessageFormat>();

export type Translate = (key: string, values?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  // `<q>…</q>` in a message marks a document's own words (the Dutch text of the Recommendation):
  // in text they stand in the language's quotation marks (`quote.nl`); the web marks them `<q lang="nl">`.
  const quote = (chunks: string[]) => translator(lang)('quote.nl', { text: chunks.join('') });
  return (key, values) => {
    const id = `${lang}:${key}`;
    let fmt = compiled.get(id);
    if (!fmt) {
      const text = catalogue(lang)[key] ?? catalogue('en')[key];
      if (text === undefined) throw new Error(`Message "${key}" is in no catalogue`);
      fmt = new IntlMessageFormat(text, lang);
      if (text.includes('<q>')) quoting.add(fmt);
      compiled.set(id, fmt);
    }
    return String(fmt.format<string>(quoting.has(fmt) ? { q: quote, ...values } : values));
  };
}

/**
 * A text the platform ships, in a language: the catalogue's `shipped.<key>` where it has one, else
 * the text as stored (a round or programme a user added is shown as its author wrote it).
 */
export function shippedText(lang: Lang, key: string, stored: string): string {
  return shippedBy(translator(lang), key, stored);
}

/** The same with a translator at hand. */
export function shippedBy(t: Translate, key: string, stored: string): string {
  return `shipped.${key}` in catalogue('en') ? t(`shipped.${key}`) : stored;
}

/** Catalogue keys, for the test that every language has every key. */
export const catalogueKeys = (lang: Lang) => Object.keys(catalogue(lang));

const counts = new Map<Lang, Intl.NumberFormat>();

/**
 * Whole numbers as the language writes them (Intl, the same rule as the web interface): "29,486",
 * "29.486", "29 486". The Annex's own print ("29 486" in the Dutch text) stays the document's.
 */
export function formatCount(n: number, lang: Lang): string {
  let f = counts.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : lang, { maximumFractionDigits: 0 });
    counts.set(lang, f);
  }
  return f.format(n);
}

export function formatShare(share: number | null, lang: Lang): string {
  if (share === null) return '–';
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);
}
