import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { StateOfPlay } from '../state-of-play/state-of-play.ts';
import { DISCLOSURE_METHOD, protectGrid, withTotals, type DisclosureMethod } from './disclosure-control.ts';

/**
 * The open data of a round: what anyone may read without signing in. Places pledged per state are
 * public figures (the Annex prints them) and are published exactly; persons arrived — per state, per
 * country of departure and per state × country — are counts of people and are published under
 * disclosure control (disclosure-control.ts), with the method and its parameters.
 */
export interface OpenData {
  round: string;
  title: string;
  asOf: string;
  method: DisclosureMethod;
  /** Arrivals by country of departure: the columns of `cells`, ISO 3166-1 alpha-3. */
  departures: string[];
  states: {
    code: string;
    name: string;
    pledged: number;
    carryOver: number;
    /** Rounded to the base; null where withheld. */
    arrived: number | null;
    /** One per departure, in the order of `departures`; null where withheld. */
    byDeparture: (number | null)[];
  }[];
  totals: { pledged: number; carryOver: number; arrived: number | null; byDeparture: (number | null)[] };
}

/** Pure: the state of play (exact, as the Commission reads it) → what is published. */
export function openDataOf(s: StateOfPlay, method: DisclosureMethod = DISCLOSURE_METHOD): OpenData {
  const departures = [...new Set(s.states.flatMap((st) => Object.keys(st.byDeparture)))].sort();
  const grid = withTotals(
    s.states.map((st) => departures.map((d) => st.byDeparture[d] ?? 0)),
    departures.length,
  );
  const { published } = protectGrid(grid, method);
  const n = departures.length;
  const totalsRow = published[s.states.length]!;
  return {
    round: s.round,
    title: s.title,
    asOf: s.asOf,
    method: { ...method },
    departures,
    states: s.states.map((st, i) => ({
      code: st.code,
      name: st.name,
      pledged: st.pledged,
      carryOver: st.carryOver,
      arrived: published[i]![n]!,
      byDeparture: published[i]!.slice(0, n),
    })),
    totals: { pledged: s.totals.pledged, carryOver: s.totals.carryOver, arrived: totalsRow[n]!, byDeparture: totalsRow.slice(0, n) },
  };
}

/** The last day of the month before `today`'s (ISO dates, UTC). */
export function lastCompletedMonthEnd(today: string): string {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

const isMonthEnd = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day && new Date(d.getTime() + 86_400_000).getUTCDate() === 1;
};

/**
 * The day the open data stands at: the end of a completed month, by default the last one. Figures
 * published for any day would let anyone subtract one day's from the next and see on which day a
 * household arrived from where; month ends keep the open data to monthly steps, as Eurostat
 * publishes them, and a month still running is never published.
 */
export function openDataAsOf(requested: string | undefined, today: string): string {
  const latest = lastCompletedMonthEnd(today);
  if (requested === undefined) return latest;
  if (!isMonthEnd(requested) || requested > latest) throw appError(ErrorCode.BadInput, 'openData.monthEnd', { p1: requested, latest });
  return requested;
}
