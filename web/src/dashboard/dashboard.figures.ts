import type { ForecastReport, Round, StateOfPlay } from '../state-of-play/state-of-play.queries.ts';

/**
 * What the dashboard draws, computed from the API's figures (pure functions: nothing here is typed
 * in, every total is a sum of what the API returned).
 */

export interface KeyFigures {
  target: number | null;
  targetQualifier: StateOfPlay['targetQualifier'];
  pledged: number;
  carryOver: number;
  arrived: number;
  /** Arrived ÷ target; null without a target. */
  shareOfTarget: number | null;
  /** Arrived ÷ pledged; null without pledges. */
  shareOfPledges: number | null;
}

/** The round's totals as the API computes them (its shares: arrived ÷ target, arrived ÷ pledged). */
export function keyFigures(s: StateOfPlay): KeyFigures {
  const { pledged, carryOver, arrived, targetShare, deliveredShare } = s.totals;
  return {
    target: s.target,
    targetQualifier: s.targetQualifier,
    pledged,
    carryOver,
    arrived,
    shareOfTarget: targetShare,
    shareOfPledges: deliveredShare,
  };
}

/**
 * The EU protocol codes of the states (EL for Greece, UK for the United Kingdom) against the numeric
 * codes of ISO 3166-1, by which the map's countries (Natural Earth via world-atlas) are known.
 * Reference data: the numeric codes of ISO 3166-1 (the same as the UN's M49 for these countries).
 */
export const ISO_NUMERIC: Readonly<Record<string, string>> = {
  BE: '056',
  BG: '100',
  CZ: '203',
  DK: '208',
  DE: '276',
  EE: '233',
  IE: '372',
  EL: '300',
  ES: '724',
  FR: '250',
  HR: '191',
  IT: '380',
  CY: '196',
  LV: '428',
  LT: '440',
  LU: '442',
  HU: '348',
  MT: '470',
  NL: '528',
  AT: '040',
  PL: '616',
  PT: '620',
  RO: '642',
  SI: '705',
  SK: '703',
  FI: '246',
  SE: '752',
  UK: '826',
  IS: '352',
  LI: '438',
  NO: '578',
  CH: '756',
};

/** A state's line as the API gives it (its share delivered included). */
export type StateFigures = Pick<StateOfPlay['states'][number], 'code' | 'name' | 'pledged' | 'carryOver' | 'arrived' | 'deliveredShare'>;

export const stateFigures = (s: StateOfPlay): StateFigures[] =>
  s.states.map(({ code, name, pledged, carryOver, arrived, deliveredShare }) => ({
    code,
    name,
    pledged,
    carryOver,
    arrived,
    deliveredShare,
  }));

export const sumOf = <R>(rows: readonly R[], f: (r: R) => number): number => rows.reduce((n, r) => n + f(r), 0);

/** The top of the map's scale: the highest share delivered, up to the next 10 % (never under 10 %). */
/** The top of the map's scale: the highest share rounded up to a tenth, never above 100 % (a state past its pledge is a class of its own, so it does not pale the others). */
export const scaleTop = (shares: readonly (number | null)[]): number =>
  Math.min(1, Math.max(0.1, Math.ceil(Math.max(0, ...shares.map((v) => v ?? 0)) * 10) / 10));

export interface DepartureFigures {
  /** ISO 3166-1 alpha-3, or null for the rest taken together. */
  country: string | null;
  arrived: number;
}

/** Arrivals by country of departure over every state: the `top` largest, then the rest as one line. */
export function departures(s: StateOfPlay, top = 15): DepartureFigures[] {
  const sums = new Map<string, number>();
  for (const st of s.states) for (const [c, n] of Object.entries(st.byDeparture)) sums.set(c, (sums.get(c) ?? 0) + n);
  const sorted = [...sums].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const rows: DepartureFigures[] = sorted.slice(0, top).map(([country, arrived]) => ({ country, arrived }));
  const rest = sorted.slice(top);
  if (rest.length > 0) rows.push({ country: null, arrived: sumOf(rest, ([, n]) => n) });
  return rows;
}

export interface MonthFigures {
  /** YYYY-MM */
  month: string;
  arrived: number;
}

const nextMonth = (m: string): string => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};

/**
 * Arrivals per month over every state, every month of the round's period up to the as-of date
 * (none left out for having no arrival), and any month with arrivals outside it.
 */
export function months(s: StateOfPlay, round: Pick<Round, 'start' | 'end'>): MonthFigures[] {
  const sums = new Map<string, number>();
  for (const st of s.states) for (const [m, n] of Object.entries(st.byMonth)) sums.set(m, (sums.get(m) ?? 0) + n);
  const last = [round.end, s.asOf].sort()[0]!.slice(0, 7);
  const seen = [...sums.keys()].sort();
  const from = [round.start.slice(0, 7), ...seen].sort()[0]!;
  const to = [last, ...seen].sort().reverse()[0]!;
  const rows: MonthFigures[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) rows.push({ month: m, arrived: sums.get(m) ?? 0 });
  return rows;
}

/**
 * The suspension of resettlement travel in 2020: UNHCR and IOM announced it on 17 March 2020 (COVID-19)
 * and travel resumed on 18 June 2020. The same dates as src/demo/demo.ts (SUSPENSION) and the
 * hold reason of the demo's cases; a fact of 2020, not a figure of the data.
 */
export const SUSPENSION_2020 = { from: '2020-03-17', to: '2020-06-18' } as const;

export interface ForecastFigures {
  code: string;
  name: string;
  pledged: number;
  arrived: number;
  expected: number;
  low: number;
  high: number;
  openCases: number;
  openPersons: number;
}

/** The forecast per state beside its pledge, named and ordered as the state of play names and orders the states. */
export function forecastFigures(f: ForecastReport, names: ReadonlyMap<string, string>): ForecastFigures[] {
  const order = [...names.keys()];
  const place = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  const lines = [...f.forecast.states].sort((a, b) => place(a.stateCode) - place(b.stateCode) || a.stateCode.localeCompare(b.stateCode));
  return lines.map((l) => ({
    code: l.stateCode,
    name: names.get(l.stateCode) ?? l.stateCode,
    pledged: f.pledged[l.stateCode] ?? 0,
    arrived: l.arrived,
    expected: l.total.expected,
    low: l.total.low,
    high: l.total.high,
    openCases: l.openCases,
    openPersons: l.openPersons,
  }));
}
