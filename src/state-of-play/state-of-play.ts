import type { Lang } from '../reference/country.ts';
import { stateName, type State } from '../reference/state.ts';
import type { DocumentFigureCheck, Round } from '../rounds/round.ts';

/**
 * Arrivals in one cell: a state × a country of departure (month null), or a state × a month
 * ("YYYY-MM"; country null). Each arrival is in one cell of each kind.
 */
export interface ArrivalCell {
  stateCode: string;
  countryOfDeparture: string | null;
  month: string | null;
  persons: number;
}

export interface StatePledges {
  pledged: number;
  carryOver: number;
}

export interface StateOfPlayRow {
  code: string;
  name: string;
  pledged: number;
  carryOver: number;
  arrived: number;
  /** Arrived ÷ pledged; null where nothing is pledged. */
  deliveredShare: number | null;
  byDeparture: Record<string, number>;
  byMonth: Record<string, number>;
}

export interface StateOfPlay {
  round: string;
  title: string;
  asOf: string;
  target: number | null;
  targetQualifier: string | null;
  pathways: string[];
  totals: { pledged: number; carryOver: number; arrived: number; deliveredShare: number | null; targetShare: number | null };
  states: StateOfPlayRow[];
  documentFigures: DocumentFigureCheck[];
}

const share = (part: number, whole: number | null | undefined) => (whole ? part / whole : null);
const sortedRecord = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

/**
 * The Commission's state of play (P 26): per state, places pledged (carry-over apart), persons
 * arrived, share delivered, arrivals by country of departure and by month; and the totals against
 * the target. Pure: it is handed the pledges and the arrival cells and computes every total.
 */
export function assembleStateOfPlay(input: {
  round: Round;
  asOf: string;
  lang: Lang;
  pathways: string[];
  states: readonly State[];
  pledges: ReadonlyMap<string, StatePledges>;
  arrivals: readonly ArrivalCell[];
  /** Arrivals up to each document figure's own date, where it names one. */
  arrivedAsOf?: ReadonlyMap<string, number>;
}): StateOfPlay {
  const { round, asOf, lang } = input;
  const perState = new Map<string, { dep: Map<string, number>; month: Map<string, number>; total: number }>();
  for (const c of input.arrivals) {
    let s = perState.get(c.stateCode);
    if (!s) {
      s = { dep: new Map(), month: new Map(), total: 0 };
      perState.set(c.stateCode, s);
    }
    if (c.countryOfDeparture !== null) {
      s.total += c.persons;
      s.dep.set(c.countryOfDeparture, (s.dep.get(c.countryOfDeparture) ?? 0) + c.persons);
    }
    if (c.month !== null) s.month.set(c.month, (s.month.get(c.month) ?? 0) + c.persons);
  }
  const states: StateOfPlayRow[] = input.states.map((st) => {
    const p = input.pledges.get(st.code) ?? { pledged: 0, carryOver: 0 };
    const a = perState.get(st.code);
    const arrived = a?.total ?? 0;
    return {
      code: st.code,
      name: stateName(st, lang),
      pledged: p.pledged,
      carryOver: p.carryOver,
      arrived,
      deliveredShare: share(arrived, p.pledged),
      byDeparture: a ? sortedRecord(a.dep) : {},
      byMonth: a ? sortedRecord(a.month) : {},
    };
  });
  const pledged = states.reduce((n, s) => n + s.pledged, 0);
  const carryOver = states.reduce((n, s) => n + s.carryOver, 0);
  const arrived = states.reduce((n, s) => n + s.arrived, 0);
  const target = round.target?.value ?? null;

  const documentFigures = round.documentFigures.map(({ as_of, ...f }): DocumentFigureCheck => {
    const figureDate = as_of ?? null;
    let computed: number | null = null;
    if (f.figure === 'pledged_total') computed = pledged;
    else if (f.figure === 'target') computed = target;
    else if (f.figure === 'arrived_total') computed = figureDate ? (input.arrivedAsOf?.get(figureDate) ?? null) : arrived;
    else if (f.figure === 'delivered_share') computed = share(arrived, pledged);
    return { ...f, asOf: figureDate, computed, difference: computed === null ? null : computed - f.value };
  });

  return {
    round: round.id,
    title: round.title,
    asOf,
    target,
    targetQualifier: round.target?.qualifier ?? null,
    pathways: input.pathways,
    totals: { pledged, carryOver, arrived, deliveredShare: share(arrived, pledged), targetShare: share(arrived, target) },
    states,
    documentFigures,
  };
}
