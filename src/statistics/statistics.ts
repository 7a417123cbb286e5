import type { RowProblem } from '../errors/app-error.ts';
import { COUNTRIES, STATELESS } from '../reference/country.ts';
import { findState } from '../reference/state.ts';
import { rowProblem } from '../i18n/problem.ts';

/** The publishers whose figures the platform keeps beside its own (never merged with them). */
export const STATISTICS_SOURCES = ['unhcr', 'eurostat'] as const;
export type StatisticsSource = (typeof STATISTICS_SOURCES)[number];
export const isStatisticsSource = (s: string): s is StatisticsSource => (STATISTICS_SOURCES as readonly string[]).includes(s);

/** What the partner country of a figure is. */
export type Basis = 'origin' | 'citizenship' | 'departure';

/** One figure as the publisher gives it; `value` null is "not available" (`:`), an absent row is no figure at all. */
export interface Figure {
  year: number;
  /** The country of arrival as the source codes it (UNHCR: ISO3; Eurostat: its geo code, EL for Greece). */
  area: string;
  /** The platform's state code where the area is a Member State or an associated state. */
  stateCode: string | null;
  /** The partner country or aggregate as the source codes it. */
  partner: string;
  /** ISO 3166 alpha-3 where the partner is a country. */
  partnerIso3: string | null;
  value: number | null;
  flags: string | null;
}

/** A file read: its figures and what describes them, or the problems that refuse it (row by row). */
export interface ParsedStatistics {
  source: StatisticsSource;
  code: string;
  title: string;
  basis: Basis;
  rounding: number;
  /** As the file says it, or null (the importer's --extracted-on wins). */
  extractedOn: string | null;
  definitions: string;
  figures: Figure[];
  problems: RowProblem[];
  /** Rows read but not kept (breakdowns by sex, age, unit … other than the total), per dimension=value. */
  notKept: { rows: number; by: Record<string, number> };
}

const ISO3 = new Set(COUNTRIES.map((c) => c.iso3));
const ISO2 = new Map(COUNTRIES.filter((c) => c.iso2).map((c) => [c.iso2!, c.iso3]));
// Eurostat writes Greece EL and the United Kingdom UK.
ISO2.set('EL', 'GRC');
ISO2.set('UK', 'GBR');

/** ISO 3166 alpha-3 of a country code (alpha-3 or alpha-2, Eurostat's EL and UK too), or null when it is not a country. */
export function iso3Of(code: string): string | null {
  if (code === STATELESS) return null;
  if (code.length === 3) return ISO3.has(code) ? code : null;
  if (code.length === 2) return ISO2.get(code) ?? null;
  return null;
}

/** The platform's state code of a country of arrival, where it is a Member State or an associated state. */
export function stateCodeOfArea(code: string): string | null {
  return findState(code)?.code ?? null;
}

/** A whole number of persons, 0 or more; null when the text is not one. */
export function wholeNumber(text: string): number | null {
  const t = text.replace(/[\s\u00a0]/g, '');
  if (!/^\d{1,9}$/.test(t)) return null;
  return Number(t);
}

/** A calendar year the figures can be about. */
export const isYear = (n: number) => Number.isInteger(n) && n >= 1950 && n <= 2100;

/** Refuses a figure repeated for the same year, area and partner (the table's key). */
export function figureKeys() {
  const seen = new Map<string, number>();
  return (f: Pick<Figure, 'year' | 'area' | 'partner'>, row: number, column: string): RowProblem | null => {
    const key = `${f.year}|${f.area}|${f.partner}`;
    const first = seen.get(key);
    if (first !== undefined) return rowProblem(row, column, `${f.year} ${f.area} ${f.partner}`, 'statsRepeated', { first });
    seen.set(key, row);
    return null;
  };
}
