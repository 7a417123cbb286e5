import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
import { findCountry } from '../reference/country.ts';
import { findState } from '../reference/state.ts';
import { isPathway, PATHWAYS, type Pathway } from '../rounds/round.ts';

export interface Pledge {
  roundId: string;
  stateCode: string;
  pathway: Pathway;
  places: number;
  carryOver: boolean;
  /** ISO alpha-3, or null when the pledge is not split by country of departure. */
  countryOfDeparture: string | null;
  targetGroup: string | null;
  note: string;
}

export const PLEDGE_COLUMNS = ['member_state', 'pathway', 'places', 'carry_over', 'country_of_departure', 'note'] as const;
export const PLEDGE_OPTIONAL_COLUMNS = ['target_group'] as const;

/** A pledge's key: one row per state, pathway, carry-over flag, country and target group in a round. */
export const pledgeKey = (p: Pick<Pledge, 'stateCode' | 'pathway' | 'carryOver' | 'countryOfDeparture' | 'targetGroup'>) =>
  [p.stateCode, p.pathway, p.carryOver ? '1' : '0', p.countryOfDeparture ?? '', p.targetGroup ?? ''].join('|');

const TRUE = new Set(['true', 'yes', 'y', '1', 'ja', 'j', '*']);
const FALSE = new Set(['false', 'no', 'n', '0', 'nee', '']);

/** Reads one pledge row of a CSV file; returns the pledge or every problem of the row. */
export function parsePledgeRow(
  roundId: string,
  rec: Record<string, string>,
  row: number,
): { ok: true; pledge: Pledge } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const bad = (column: string, code: string, params?: Record<string, string | number>) =>
    problems.push(rowProblem(row, column, rec[column] ?? '', code, params));
  const v = (c: string) => (rec[c] ?? '').trim();

  const state = findState(v('member_state'));
  if (!v('member_state')) bad('member_state', 'required');
  else if (!state) bad('member_state', 'stateUnknown');

  const pathway = v('pathway').toLowerCase();
  if (!isPathway(pathway)) bad('pathway', 'pathway', { pathways: PATHWAYS.join(', ') });

  const placesText = v('places').replace(/[\s\u00a0\u202f]/g, '');
  const places = Number(placesText);
  if (!/^\d+$/.test(placesText)) bad('places', 'places');
  else if (places > 10_000_000) bad('places', 'placesTooLarge');

  const carry = v('carry_over').toLowerCase();
  if (!TRUE.has(carry) && !FALSE.has(carry)) bad('carry_over', 'carryOver');

  let country: string | null = null;
  if (v('country_of_departure')) {
    const found = findCountry(v('country_of_departure'));
    if (found.ok) country = found.country.iso3;
    else if (found.reason === 'ambiguous') bad('country_of_departure', 'countryAmbiguous', { candidates: found.candidates.join(' / ') });
    else bad('country_of_departure', 'countryUnknown');
  }

  if (problems.length > 0 || !state || !isPathway(pathway)) return { ok: false, problems };
  return {
    ok: true,
    pledge: {
      roundId,
      stateCode: state.code,
      pathway,
      places,
      carryOver: TRUE.has(carry),
      countryOfDeparture: country,
      targetGroup: v('target_group') || null,
      note: v('note'),
    },
  };
}

export interface PledgeTotals {
  /** Places pledged in the round, carry-overs apart. */
  pledged: number;
  /** Places carried over from the previous scheme: shown, not counted in the round. */
  carryOver: number;
}

export function pledgeTotals(pledges: readonly Pick<Pledge, 'places' | 'carryOver'>[]): PledgeTotals {
  let pledged = 0;
  let carryOver = 0;
  for (const p of pledges) {
    if (p.carryOver) carryOver += p.places;
    else pledged += p.places;
  }
  return { pledged, carryOver };
}
