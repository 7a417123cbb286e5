import { isLocale, type Locale } from './locales.ts';

/**
 * The message catalogues (ICU MessageFormat): `messages/<area>.<locale>.json`, one file per area of
 * the interface and language, so an area's strings sit together and a translator takes one file at
 * a time. English is loaded with the page; another language when chosen, merged over English key by
 * key, so a missing translation shows in English rather than as a key.
 */
export type Messages = Record<string, string>;

// The texts of what the platform ships (rounds, programmes, sources: keys `shipped.…`) are the
// server's own files, so that the web and the command line say them alike.
const english = import.meta.glob<Messages>(['./messages/*.en.json', '../../../src/i18n/shipped/en.json'], {
  eager: true,
  import: 'default',
});
const others = import.meta.glob<Messages>(
  ['./messages/*.json', '!./messages/*.en.json', '../../../src/i18n/shipped/*.json', '!../../../src/i18n/shipped/en.json'],
  { import: 'default' },
);

const localeOfPath = (path: string): string => path.replace(/^.*[./]([a-z]{2})\.json$/, '$1');

export const ENGLISH: Messages = Object.assign({}, ...Object.values(english));

const loaded = new Map<Locale, Messages>([['en', ENGLISH]]);

/** The catalogue of a language, English underneath. */
export async function catalogueOf(locale: Locale): Promise<Messages> {
  const cached = loaded.get(locale);
  if (cached) return cached;
  const files = Object.entries(others).filter(([path]) => localeOfPath(path) === locale);
  const parts = await Promise.all(files.map(([, load]) => load()));
  const messages = Object.assign({}, ENGLISH, ...parts) as Messages;
  loaded.set(locale, messages);
  return messages;
}

export const localesWithFiles = (): Locale[] =>
  [...new Set([...Object.keys(english), ...Object.keys(others)].map(localeOfPath))].filter(isLocale);
