import codes from 'i18n-iso-countries/codes.json';

/**
 * A country's name in the page's language from its ISO 3166-1 alpha-3 code (as the API gives
 * countries of departure), by the browser's own names (Intl.DisplayNames, which takes alpha-2: the
 * table of the two is i18n-iso-countries', the server's too). The code itself where none is known.
 */
const ALPHA2 = new Map((codes as string[][]).map(([alpha2, alpha3]) => [alpha3!, alpha2!]));
const names = new Map<string, Intl.DisplayNames>();

export function countryName(iso3: string, locale: string): string {
  const alpha2 = ALPHA2.get(iso3);
  if (!alpha2) return iso3;
  let display = names.get(locale);
  if (!display) {
    display = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    names.set(locale, display);
  }
  return display.of(alpha2) ?? iso3;
}
