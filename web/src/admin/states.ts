import type { components } from '../../../src/api/openapi.types.ts';

/**
 * The states an account can belong to, by EU protocol code, in protocol order (src/reference/state.ts:
 * the Member States, the United Kingdom, the associated states), with the ISO code the browser
 * knows their names by (EL is Greece, UK the United Kingdom).
 */
export type StateCode = NonNullable<components['schemas']['NewUser']['stateCode']>;

const ISO2: Record<StateCode, string> = {
  BE: 'BE',
  BG: 'BG',
  CZ: 'CZ',
  DK: 'DK',
  DE: 'DE',
  EE: 'EE',
  IE: 'IE',
  EL: 'GR',
  ES: 'ES',
  FR: 'FR',
  HR: 'HR',
  IT: 'IT',
  CY: 'CY',
  LV: 'LV',
  LT: 'LT',
  LU: 'LU',
  HU: 'HU',
  MT: 'MT',
  NL: 'NL',
  AT: 'AT',
  PL: 'PL',
  PT: 'PT',
  RO: 'RO',
  SI: 'SI',
  SK: 'SK',
  FI: 'FI',
  SE: 'SE',
  UK: 'GB',
  IS: 'IS',
  LI: 'LI',
  NO: 'NO',
  CH: 'CH',
};
export const STATE_CODES = Object.keys(ISO2) as StateCode[];
export const isStateCode = (s: string | null | undefined): s is StateCode => !!s && s in ISO2;

/** A state's name in the page's language (the browser's own names of countries). */
export function stateName(code: string, locale: string): string {
  const iso = isStateCode(code) ? ISO2[code] : code;
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'region' }).of(iso) ?? code;
  } catch {
    return code;
  }
}
