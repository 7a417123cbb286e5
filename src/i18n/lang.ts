/**
 * The 24 official languages of the Union (Regulation No 1/1958, art. 1), by ISO 639-1 code: the
 * languages of every place a person reads Pathways — the web, the API's errors, the command line
 * and the exports. English is the fallback of a catalogue key; Dutch is the Recommendation's
 * original here (the seed's text).
 */
export const LANGS = [
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'ga',
  'hr',
  'hu',
  'it',
  'lt',
  'lv',
  'mt',
  'nl',
  'pl',
  'pt',
  'ro',
  'sk',
  'sl',
  'sv',
] as const;
export type Lang = (typeof LANGS)[number];
export const isLang = (s: string): s is Lang => (LANGS as readonly string[]).includes(s);

/**
 * The language of a locale as the environment names it (`de_DE.UTF-8`, `pt-BR`, `nl`): its first
 * part where it is one of the 24, else null (`C`, `POSIX`, a language of none of them).
 */
export function langOfLocale(locale: string | undefined): Lang | null {
  const primary =
    (locale ?? '')
      .trim()
      .toLowerCase()
      .split(/[_.@-]/)[0] ?? '';
  return isLang(primary) ? primary : null;
}
