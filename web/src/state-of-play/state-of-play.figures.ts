import type { Sheet } from '../ui/download.ts';
import type { StateOfPlay, StateOfPlayRow } from './state-of-play.queries.ts';

/**
 * The state of play's table as the command line makes it (src/state-of-play/state-of-play.present.ts):
 * the totals are the sums of the rows shown, and the download is the CLI's wide CSV, column for
 * column, so a file from the page and one from `pathways report state-of-play --format csv` compare.
 */

export interface Totals {
  pledged: number;
  carryOver: number;
  arrived: number;
  deliveredShare: number | null;
  byDeparture: Record<string, number>;
}

export function totalsOf(rows: readonly StateOfPlayRow[]): Totals {
  const byDeparture: Record<string, number> = {};
  for (const r of rows) for (const [c, n] of Object.entries(r.byDeparture)) byDeparture[c] = (byDeparture[c] ?? 0) + n;
  const pledged = rows.reduce((n, r) => n + r.pledged, 0);
  const arrived = rows.reduce((n, r) => n + r.arrived, 0);
  return {
    pledged,
    carryOver: rows.reduce((n, r) => n + r.carryOver, 0),
    arrived,
    deliveredShare: pledged ? arrived / pledged : null,
    byDeparture,
  };
}

/** The `n` countries of departure with the most arrivals (ties by code), as the CLI lists them. */
export const topDepartures = (byDeparture: Record<string, number>, n = 3): [string, number][] =>
  Object.entries(byDeparture)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, n);

/** The CLI's CSV: a row per state and the EU's, one column per country of departure (ISO alpha-3), shares to six decimals. */
export function stateOfPlaySheet(s: StateOfPlay, name: string): Sheet {
  const departures = [...new Set(s.states.flatMap((st) => Object.keys(st.byDeparture)))].sort();
  const share = (v: number | null) => (v === null ? null : Number(v.toFixed(6)));
  const totals = totalsOf(s.states);
  return {
    name,
    header: ['code', 'name', 'pledged', 'carry_over', 'arrived', 'delivered_share', ...departures.map((d) => `departure_${d}`)],
    rows: [
      ...s.states.map((st) => [
        st.code,
        st.name,
        st.pledged,
        st.carryOver,
        st.arrived,
        share(st.deliveredShare),
        ...departures.map((d) => st.byDeparture[d] ?? 0),
      ]),
      [
        'EU',
        'total',
        totals.pledged,
        totals.carryOver,
        totals.arrived,
        share(totals.deliveredShare),
        ...departures.map((d) => totals.byDeparture[d] ?? 0),
      ],
    ],
  };
}
