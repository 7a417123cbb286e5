import { parse } from 'csv-parse/sync';
import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
import { STATELESS } from '../reference/country.ts';
import { figureKeys, iso3Of, isYear, stateCodeOfArea, wholeNumber, type Figure, type ParsedStatistics } from './statistics.ts';

/** The columns of UNHCR's Refugee Data Finder "solutions" table, resettlement arrivals by origin. */
export const UNHCR_COLUMNS = [
  'year',
  'country_of_arrival_iso3',
  'country_of_arrival',
  'country_of_origin_iso3',
  'country_of_origin',
  'persons',
] as const;

/** UNHCR's codes of an origin that is no country: unknown, and stateless (ICAO's XXA). */
const ORIGIN_NOT_A_COUNTRY = new Set(['UNK', STATELESS]);

export const UNHCR_DEFINITIONS =
  'Persons resettled: refugees who arrived in the country of arrival during the calendar year under a resettlement programme, by country of origin (nationality), as reported to UNHCR; a country-year UNHCR publishes no row for is not a zero.';

/**
 * Reads a UNHCR resettlement-arrivals file (year, country of arrival, country of origin, persons):
 * exact figures (rounding 1) by country of origin. Pure: the text in, figures and problems out.
 */
export function parseUnhcr(text: string): ParsedStatistics {
  const problems: RowProblem[] = [];
  const figures: Figure[] = [];
  const result: ParsedStatistics = {
    source: 'unhcr',
    code: 'solutions',
    title: 'UNHCR Refugee Data Finder: resettlement arrivals by country of arrival and country of origin',
    basis: 'origin',
    rounding: 1,
    extractedOn: null,
    definitions: UNHCR_DEFINITIONS,
    figures,
    problems,
    notKept: { rows: 0, by: {} },
  };
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e) {
    problems.push(rowProblem(0, '', '', 'statsUnreadable', { reason: (e as Error).message }));
    return result;
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = UNHCR_COLUMNS.filter((c) => !header.includes(c));
  for (const c of missing) problems.push(rowProblem(1, c, '', 'columnMissing'));
  if (missing.length) return result;
  const at = Object.fromEntries(UNHCR_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof UNHCR_COLUMNS)[number], number>;
  const repeated = figureKeys();
  records.slice(1).forEach((record, i) => {
    const row = i + 2;
    const cell = (c: keyof typeof at) => (record[at[c]] ?? '').trim();
    const before = problems.length;
    const year = Number(cell('year'));
    if (!/^\d{4}$/.test(cell('year')) || !isYear(year)) problems.push(rowProblem(row, 'year', cell('year'), 'statsYear'));
    const area = cell('country_of_arrival_iso3').toUpperCase();
    if (area.length !== 3 || iso3Of(area) === null)
      problems.push(rowProblem(row, 'country_of_arrival_iso3', cell('country_of_arrival_iso3'), 'countryUnknown'));
    const partner = cell('country_of_origin_iso3').toUpperCase();
    const partnerIso3 = partner.length === 3 ? iso3Of(partner) : null;
    if (partnerIso3 === null && !ORIGIN_NOT_A_COUNTRY.has(partner))
      problems.push(rowProblem(row, 'country_of_origin_iso3', cell('country_of_origin_iso3'), 'countryUnknown'));
    const value = wholeNumber(cell('persons'));
    if (value === null) problems.push(rowProblem(row, 'persons', cell('persons'), 'statsValue'));
    if (problems.length > before) return;
    const figure: Figure = { year, area, stateCode: stateCodeOfArea(area), partner, partnerIso3, value, flags: null };
    const again = repeated(figure, row, 'country_of_origin_iso3');
    if (again) problems.push(again);
    else figures.push(figure);
  });
  return result;
}
