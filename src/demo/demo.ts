import type { CsvRecord } from '../files/csv-source.ts';
import { ANNEX_2020 } from '../pledges/annex-2020.data.ts';
import { findState } from '../reference/state.ts';
import { rng } from '../evaluation/random.ts';

/**
 * Synthetic but realistic resettlement data for demonstrations and benchmarks: households of
 * realistic sizes, departing from the 2020 round's priority countries, arriving across 2020–2021
 * with the worldwide suspension of mid-March 2020 and the resumption announced on 18 June 2020
 * (R 17). Seeded: the same seed gives the same rows, so running it twice adds nothing.
 */

export { rng };

export function picker<T>(entries: readonly (readonly [T, number])[]): (r: number) => T {
  const total = entries.reduce((n, [, w]) => n + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of entries) {
    acc += w / total;
    cumulative.push(acc);
  }
  return (r) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo]![0];
  };
}

// States in proportion to their 2020 pledges (the Annex, carry-overs apart).
const pickState = picker(ANNEX_2020.filter((a) => a.places).map((a) => [findState(a.state)!.code, a.places!] as const));

// Countries of departure: the priority regions of P 5 and R 15, and a few other first-asylum countries.
const pickDeparture = picker([
  ['TUR', 40],
  ['LBN', 14],
  ['JOR', 10],
  ['EGY', 4],
  ['ETH', 4],
  ['SDN', 3],
  ['LBY', 2],
  ['NER', 6],
  ['RWA', 4],
  ['TCD', 2],
  ['KEN', 3],
  ['UGA', 3],
  ['PAK', 3],
  ['IRN', 2],
] as const);

const CITIZENSHIP: Record<string, (r: number) => string> = {
  TUR: picker([
    ['SYR', 90],
    ['IRQ', 5],
    ['AFG', 3],
    ['XXA', 2],
  ] as const),
  LBN: picker([
    ['SYR', 95],
    ['IRQ', 3],
    ['XXA', 2],
  ] as const),
  JOR: picker([
    ['SYR', 85],
    ['IRQ', 10],
    ['YEM', 3],
    ['SDN', 2],
  ] as const),
  EGY: picker([
    ['SYR', 40],
    ['SDN', 25],
    ['ERI', 15],
    ['SSD', 10],
    ['ETH', 10],
  ] as const),
  ETH: picker([
    ['ERI', 50],
    ['SSD', 25],
    ['SOM', 25],
  ] as const),
  SDN: picker([
    ['ERI', 60],
    ['SSD', 40],
  ] as const),
  LBY: picker([
    ['ERI', 40],
    ['SDN', 30],
    ['ETH', 15],
    ['SOM', 15],
  ] as const),
  NER: picker([
    ['SDN', 40],
    ['ERI', 30],
    ['ETH', 15],
    ['SOM', 15],
  ] as const),
  RWA: picker([
    ['ERI', 40],
    ['SDN', 35],
    ['SOM', 15],
    ['ETH', 10],
  ] as const),
  TCD: picker([
    ['SDN', 70],
    ['CAF', 30],
  ] as const),
  KEN: picker([
    ['SOM', 50],
    ['SSD', 30],
    ['COD', 20],
  ] as const),
  UGA: picker([
    ['COD', 60],
    ['SSD', 40],
  ] as const),
  PAK: picker([['AFG', 100]] as const),
  IRN: picker([['AFG', 100]] as const),
};

// Household sizes of resettlement submissions (mean about four).
const pickSize = picker([
  [1, 20],
  [2, 12],
  [3, 14],
  [4, 16],
  [5, 15],
  [6, 11],
  [7, 7],
  [8, 5],
] as const);

/** Relative arrivals per month of 2020–2021: operations stopped in mid-March 2020 and resumed slowly from late June. */
const MONTH_WEIGHTS: readonly (readonly [string, number])[] = [
  ['2020-01', 10],
  ['2020-02', 10],
  ['2020-03', 5],
  ['2020-04', 0],
  ['2020-05', 0],
  ['2020-06', 0.5],
  ['2020-07', 2],
  ['2020-08', 3],
  ['2020-09', 4],
  ['2020-10', 5],
  ['2020-11', 6],
  ['2020-12', 7],
  ['2021-01', 6],
  ['2021-02', 7],
  ['2021-03', 8],
  ['2021-04', 8],
  ['2021-05', 8],
  ['2021-06', 9],
  ['2021-07', 9],
  ['2021-08', 9],
  ['2021-09', 9],
  ['2021-10', 10],
  ['2021-11', 11],
  ['2021-12', 12],
];
const pickMonth = picker(MONTH_WEIGHTS.filter(([, w]) => w > 0));
export const SUSPENSION = { from: '2020-03-17', resumedFrom: '2020-06-18' } as const;

function arrivalDay(month: string, r: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  // Within the months of the suspension, only the days outside it.
  let first = 1;
  let last = days;
  if (month === '2020-03') last = Number(SUSPENSION.from.slice(8)) - 1;
  if (month === '2020-06') first = Number(SUSPENSION.resumedFrom.slice(8));
  const d = first + Math.floor(r * (last - first + 1));
  return `${month}-${String(d).padStart(2, '0')}`;
}

export interface DemoOptions {
  persons: number;
  seed: number;
  /** Share of households still in the pipeline (no arrival yet). */
  pending?: number;
}

/**
 * A household's size (at most `remaining`), receiving state, country of departure and citizenship,
 * drawn in this order from `random`: the part every demo household shares.
 */
export function drawHousehold(random: () => number, remaining: number) {
  const size = Math.min(pickSize(random()), remaining);
  const state = pickState(random());
  const departure = pickDeparture(random());
  const citizenshipOf = CITIZENSHIP[departure]!;
  return { size, state, departure, citizenshipOf, citizenship: citizenshipOf(random()) };
}

/** Rows in the shape of a person CSV file. */
export function* demoRecords(opts: DemoOptions): Generator<CsvRecord> {
  const random = rng(opts.seed);
  const pending = opts.pending ?? 0.08;
  let made = 0;
  let household = 0;
  while (made < opts.persons) {
    household++;
    const { size, state, departure, citizenshipOf, citizenship: householdCitizenship } = drawHousehold(random, opts.persons - made);
    const arrivedOn = random() < pending ? '' : arrivalDay(pickMonth(random()), random());
    const arrivalYear = arrivedOn ? Number(arrivedOn.slice(0, 4)) : 2021;
    const principalAge = 18 + Math.floor(random() * 45);
    for (let i = 0; i < size; i++) {
      const age =
        i === 0
          ? principalAge
          : i === 1 && size > 2
            ? Math.max(18, principalAge - 5 + Math.floor(random() * 10))
            : Math.floor(random() * 18);
      made++;
      yield {
        row: made + 1,
        values: {
          case_ref: `DEMO-${opts.seed}-${household}`,
          person_ref: `P${i + 1}`,
          member_state: state,
          pathway: 'resettlement',
          round: arrivedOn ? '' : '2020-2021',
          // A few members hold another citizenship than the household's (mixed families).
          citizenship: random() < 0.03 ? citizenshipOf(random()) : householdCitizenship,
          sex: random() < 0.5 ? 'F' : 'M',
          birth_year: String(arrivalYear - age),
          country_of_departure: departure,
          arrived_on: arrivedOn,
        },
      };
    }
  }
}

/** The same records as an async iterable, for the importer. */
export async function* demoSource(opts: DemoOptions): AsyncGenerator<CsvRecord> {
  yield* demoRecords(opts);
}
