import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { normaliseName, type Lang } from './country.ts';

export interface State {
  /** EU protocol code (EL for Greece, UK for the United Kingdom). */
  code: string;
  iso2: string;
  iso3: string;
  nameEn: string;
  /** As the Annex of Recommendation (EU) 2020/1364 writes it. */
  nameNl: string;
  protocolOrder: number;
  memberUntil: string | null;
  associated: boolean;
}

type Row = [code: string, iso2: string, iso3: string, en: string, nl: string];

// In protocol order, as EU texts list the states. The Dutch names are the Annex's, checked
// against the seed text by reference.test.ts.
const MEMBERS: Row[] = [
  ['BE', 'BE', 'BEL', 'Belgium', 'België'],
  ['BG', 'BG', 'BGR', 'Bulgaria', 'Bulgarije'],
  ['CZ', 'CZ', 'CZE', 'Czechia', 'Tsjechië'],
  ['DK', 'DK', 'DNK', 'Denmark', 'Denemarken'],
  ['DE', 'DE', 'DEU', 'Germany', 'Duitsland'],
  ['EE', 'EE', 'EST', 'Estonia', 'Estland'],
  ['IE', 'IE', 'IRL', 'Ireland', 'Ierland'],
  ['EL', 'GR', 'GRC', 'Greece', 'Griekenland'],
  ['ES', 'ES', 'ESP', 'Spain', 'Spanje'],
  ['FR', 'FR', 'FRA', 'France', 'Frankrijk'],
  ['HR', 'HR', 'HRV', 'Croatia', 'Kroatië'],
  ['IT', 'IT', 'ITA', 'Italy', 'Italië'],
  ['CY', 'CY', 'CYP', 'Cyprus', 'Cyprus'],
  ['LV', 'LV', 'LVA', 'Latvia', 'Letland'],
  ['LT', 'LT', 'LTU', 'Lithuania', 'Litouwen'],
  ['LU', 'LU', 'LUX', 'Luxembourg', 'Luxemburg'],
  ['HU', 'HU', 'HUN', 'Hungary', 'Hongarije'],
  ['MT', 'MT', 'MLT', 'Malta', 'Malta'],
  ['NL', 'NL', 'NLD', 'Netherlands', 'Nederland'],
  ['AT', 'AT', 'AUT', 'Austria', 'Oostenrijk'],
  ['PL', 'PL', 'POL', 'Poland', 'Polen'],
  ['PT', 'PT', 'PRT', 'Portugal', 'Portugal'],
  ['RO', 'RO', 'ROU', 'Romania', 'Roemenië'],
  ['SI', 'SI', 'SVN', 'Slovenia', 'Slovenië'],
  ['SK', 'SK', 'SVK', 'Slovakia', 'Slowakije'],
  ['FI', 'FI', 'FIN', 'Finland', 'Finland'],
  ['SE', 'SE', 'SWE', 'Sweden', 'Zweden'],
  // A Member State until 31 January 2020 (Withdrawal Agreement, art. 185), and in the Annex.
  ['UK', 'GB', 'GBR', 'United Kingdom', 'Verenigd Koninkrijk'],
];
const ASSOCIATED: Row[] = [
  ['IS', 'IS', 'ISL', 'Iceland', 'IJsland'],
  ['LI', 'LI', 'LIE', 'Liechtenstein', 'Liechtenstein'],
  ['NO', 'NO', 'NOR', 'Norway', 'Noorwegen'],
  ['CH', 'CH', 'CHE', 'Switzerland', 'Zwitserland'],
];

export const STATES: readonly State[] = [
  ...MEMBERS.map(([code, iso2, iso3, nameEn, nameNl], i) => ({
    code,
    iso2,
    iso3,
    nameEn,
    nameNl,
    protocolOrder: i + 1,
    memberUntil: code === 'UK' ? '2020-01-31' : null,
    associated: false,
  })),
  ...ASSOCIATED.map(([code, iso2, iso3, nameEn, nameNl], i) => ({
    code,
    iso2,
    iso3,
    nameEn,
    nameNl,
    protocolOrder: MEMBERS.length + i + 1,
    memberUntil: null,
    associated: true,
  })),
];

const byCode = new Map(STATES.map((s) => [s.code, s]));
const byKey = new Map<string, State>();
for (const s of STATES) {
  for (const key of [s.code, s.iso2, s.iso3, s.nameEn, s.nameNl]) byKey.set(normaliseName(key), s);
}
// Common English variants a spreadsheet may carry.
for (const [alias, code] of [
  ['Czech Republic', 'CZ'],
  ['The Netherlands', 'NL'],
  ['Great Britain', 'UK'],
  ['GB', 'UK'],
] as const) {
  byKey.set(normaliseName(alias), byCode.get(code)!);
}

/** A state from a protocol code, ISO alpha-2 or alpha-3, or its English or Dutch name; null if none. */
export function findState(input: string): State | null {
  return byKey.get(normaliseName(input)) ?? null;
}

export function stateByCode(code: string): State {
  const s = byCode.get(code);
  if (!s) throw appError(ErrorCode.NotFound, 'stateCodeUnknown', { p1: code });
  return s;
}

const regionNames = new Map<Lang, Intl.DisplayNames>();

/**
 * A state's name in a language: English and Dutch as the Annex prints them; the other 22 as the
 * language's CLDR names the country (Intl, from its ISO code: "Deutschland", "Ελλάδα").
 */
export function stateName(s: Pick<State, 'nameEn' | 'nameNl' | 'iso2'>, lang: Lang): string {
  if (lang === 'en') return s.nameEn;
  if (lang === 'nl') return s.nameNl;
  let names = regionNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    regionNames.set(lang, names);
  }
  return names.of(s.iso2) ?? s.nameEn;
}

/** The EU Member States on a given day: the default participants of a round that starts then. */
export function memberStatesOn(day: string): State[] {
  return STATES.filter((s) => !s.associated && (s.memberUntil === null || s.memberUntil >= day));
}
