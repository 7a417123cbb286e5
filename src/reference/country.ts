import countryNames from 'i18n-iso-countries';
import { createRequire } from 'node:module';
import { translator } from '../i18n/i18n.ts';
import { LANGS, type Lang } from '../i18n/lang.ts';

export type { Lang } from '../i18n/lang.ts';

export interface Country {
  iso3: string;
  iso2: string | null;
  nameEn: string;
  nameNl: string;
}

/** ICAO Doc 9303's code for a stateless person, used where a citizenship is expected. */
export const STATELESS = 'XXA';

const require = createRequire(import.meta.url);
for (const l of LANGS) countryNames.registerLocale(require(`i18n-iso-countries/langs/${l}.json`));

/** Case, accents, punctuation and spacing do not matter when a name is looked up. */
export function normaliseName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function namesOf(iso3: string, lang: Lang): string[] {
  const n = countryNames.getName(iso3, lang, { select: 'all' }) as unknown as string[] | undefined;
  return n ?? [];
}

function build(): { list: Country[]; keys: Map<string, Set<string>> } {
  const list: Country[] = [];
  const keys = new Map<string, Set<string>>();
  const add = (key: string, iso3: string) => {
    const k = normaliseName(key);
    if (!k) return;
    if (!keys.has(k)) keys.set(k, new Set());
    keys.get(k)!.add(iso3);
  };
  for (const [iso3, iso2] of Object.entries(countryNames.getAlpha3Codes()).map(
    ([a3]) => [a3, countryNames.alpha3ToAlpha2(a3) ?? null] as const,
  )) {
    const en = namesOf(iso3, 'en');
    const nl = namesOf(iso3, 'nl');
    // English: the official short name; Dutch: the everyday name the package lists last ("Syrië").
    list.push({ iso3, iso2, nameEn: en[0] ?? iso3, nameNl: nl[nl.length - 1] ?? en[0] ?? iso3 });
    add(iso3, iso3);
    if (iso2) add(iso2, iso3);
    for (const n of [...en, ...nl]) add(n, iso3);
  }
  list.push({ iso3: STATELESS, iso2: null, nameEn: 'Stateless', nameNl: 'Staatloos' });
  for (const k of [STATELESS, 'stateless', 'staatloos']) add(k, STATELESS);
  // EU protocol codes, as a state field would carry them.
  add('EL', 'GRC');
  add('UK', 'GBR');
  // Everyday English names that the package's lists lack, for countries of the field.
  for (const [alias, iso3] of [
    ['Syria', 'SYR'],
    ['DR Congo', 'COD'],
    ['DRC', 'COD'],
    ['Moldova', 'MDA'],
    ['Burma', 'MMR'],
  ] as const)
    add(alias, iso3);
  return { list: list.sort((a, b) => a.iso3.localeCompare(b.iso3)), keys };
}

const built = build();
export const COUNTRIES: readonly Country[] = built.list;
const byIso3 = new Map(COUNTRIES.map((c) => [c.iso3, c]));

export type CountryLookup = { ok: true; country: Country } | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

/** A country from ISO alpha-3 or alpha-2, or an English or Dutch name (official or common). */
export function findCountry(input: string): CountryLookup {
  const hits = built.keys.get(normaliseName(input));
  if (!hits || hits.size === 0) return { ok: false, reason: 'unknown', candidates: [] };
  if (hits.size > 1) return { ok: false, reason: 'ambiguous', candidates: [...hits].sort() };
  return { ok: true, country: byIso3.get([...hits][0]!)! };
}

const regionNames = new Map<Lang, Intl.DisplayNames>();

/**
 * A country's name in a language: English and Dutch as above; the other 22 languages by their CLDR
 * name (Intl: "Syrien", "Συρία", "An tSiria" — the everyday name, as the states are named), else
 * as i18n-iso-countries names it.
 */
export const countryName = (iso3: string, lang: Lang): string => {
  const c = byIso3.get(iso3);
  if (!c) return iso3;
  if (lang === 'en') return c.nameEn;
  if (lang === 'nl') return c.nameNl;
  if (c.iso3 === STATELESS) return translator(lang)('country.stateless');
  let names = regionNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    regionNames.set(lang, names);
  }
  return (c.iso2 ? names.of(c.iso2) : undefined) ?? countryNames.getName(iso3, lang) ?? c.nameEn;
};
