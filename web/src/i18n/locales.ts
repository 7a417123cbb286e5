/**
 * The languages of the interface: the 24 official languages of the EU, every catalogue complete (a
 * key missing would still fall back to English key by key: catalogue.ts). The direction
 * of a script comes from the locale, so a right-to-left language needs only its catalogue.
 */
export const LOCALES = [
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
export type Locale = (typeof LOCALES)[number];

/** The languages whose catalogues are complete (a test checks that they have every key of English). */
export const COMPLETE: readonly Locale[] = LOCALES;

/** Each language's name in itself, for the switcher. */
export const ENDONYMS: Record<Locale, string> = {
  bg: 'Български',
  cs: 'Čeština',
  da: 'Dansk',
  de: 'Deutsch',
  el: 'Ελληνικά',
  en: 'English',
  es: 'Español',
  et: 'Eesti',
  fi: 'Suomi',
  fr: 'Français',
  ga: 'Gaeilge',
  hr: 'Hrvatski',
  hu: 'Magyar',
  it: 'Italiano',
  lt: 'Lietuvių',
  lv: 'Latviešu',
  mt: 'Malti',
  nl: 'Nederlands',
  pl: 'Polski',
  pt: 'Português',
  ro: 'Română',
  sk: 'Slovenčina',
  sl: 'Slovenščina',
  sv: 'Svenska',
};

const RTL = new Set(['ar', 'arc', 'dv', 'fa', 'ha', 'he', 'khw', 'ks', 'ku', 'ps', 'ur', 'yi']);

/** 'rtl' for a right-to-left script (from Intl.Locale where the browser knows, else a list). */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  try {
    const info = new Intl.Locale(locale) as Intl.Locale & { getTextInfo?: () => { direction?: string }; textInfo?: { direction?: string } };
    const direction = info.getTextInfo?.().direction ?? info.textInfo?.direction;
    if (direction === 'rtl' || direction === 'ltr') return direction;
  } catch {
    // not a locale tag: the list decides
  }
  return RTL.has(locale.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr';
}

export const isLocale = (s: string): s is Locale => (LOCALES as readonly string[]).includes(s);

/** The first of the browser's languages that the interface speaks; English otherwise. */
export function preferredLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0]!;
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

/** The language the API is asked to name states and countries in, and write exports in: the page's (all 24 are the server's too). */
export const apiLanguage = (locale: string): Locale => {
  const primary = locale.split('-')[0]!.toLowerCase();
  return isLocale(primary) ? primary : 'en';
};
