import { memberStatesOn, STATES } from '../reference/state.ts';
import type { Figure } from './statistics.ts';
import type { SourceDataset } from './reconciliation.ts';

/**
 * The EU context figures the Recommendation uses (R 6, R 7 and its footnote 3), computed from an
 * imported UNHCR dataset, beside the document's own figures: a document's figure stays the
 * document's, the computed one stands beside it with the difference shown.
 */

export interface ContextYear {
  year: number;
  /** Resettlement arrivals in the Member States of that year (the United Kingdom until 2019). */
  euArrivals: number;
  /** Arrivals in every country of arrival the file covers. */
  allArrivals: number;
  /** Member States with arrivals, and every country of arrival with arrivals in the file. */
  euCountries: number;
  allCountries: number;
  /** The EU's share of the arrivals of the countries the file covers. */
  shareOfCovered: number | null;
  /** The EU's share of global resettlement: only where the dataset covers every resettlement country. */
  shareGlobal: number | null;
}

export type Coverage = 'european' | 'global';

/** A figure the Recommendation states, and what the imported figures give for it. */
export interface DocumentComparison {
  id: string;
  locator: string;
  /** The document's words (Dutch original) and an English rendering. */
  text: { nl: string; en: string };
  measure: 'share' | 'persons' | 'countries' | 'ratio';
  qualifier: 'exact' | 'fewer_than' | 'more_than';
  value: number;
  years: string;
  computed: number | null;
  /** computed − document's figure (for shares in percentage points, as a fraction). */
  difference: number | null;
  /** Why nothing is computed, or what differs in what is counted: a catalogue key `stats.context.note.<note>`. */
  note: 'globalOnly' | 'share' | 'ratio' | 'schemes' | 'pledges' | 'departures';
}

export interface ContextFigures {
  dataset: SourceDataset;
  coverage: Coverage;
  /** The countries of arrival the dataset covers (ISO3 as the source codes them). */
  countriesCovered: string[];
  years: ContextYear[];
  document: DocumentComparison[];
}

const EUROPE = new Set(STATES.map((s) => s.iso3));
const memberIso3 = (year: number) => new Set(memberStatesOn(`${year}-12-31`).map((s) => s.iso3));

/**
 * A dataset covers global resettlement when it has countries of arrival outside Europe (UNHCR's
 * full table does: the United States, Canada, Australia …); the shipped file covers European
 * countries only, and its EU share is then a share of those, not of the world.
 */
export function coverageOf(areas: Iterable<string>): Coverage {
  for (const a of areas) if (!EUROPE.has(a)) return 'global';
  return 'european';
}

export function contextFigures(dataset: SourceDataset, figures: readonly Pick<Figure, 'year' | 'area' | 'value'>[]): ContextFigures {
  const areas = [...new Set(figures.map((f) => f.area))].sort();
  const coverage = coverageOf(areas);
  const years = [...new Set(figures.map((f) => f.year))]
    .sort((a, b) => a - b)
    .map((year): ContextYear => {
      const members = memberIso3(year);
      const byArea = new Map<string, number>();
      for (const f of figures) if (f.year === year && f.value !== null) byArea.set(f.area, (byArea.get(f.area) ?? 0) + f.value);
      const withArrivals = [...byArea].filter(([, n]) => n > 0);
      const euArrivals = withArrivals.filter(([a]) => members.has(a)).reduce((n, [, v]) => n + v, 0);
      const allArrivals = withArrivals.reduce((n, [, v]) => n + v, 0);
      const shareOfCovered = allArrivals > 0 ? euArrivals / allArrivals : null;
      return {
        year,
        euArrivals,
        allArrivals,
        euCountries: withArrivals.filter(([a]) => members.has(a)).length,
        allCountries: withArrivals.length,
        shareOfCovered,
        shareGlobal: coverage === 'global' ? shareOfCovered : null,
      };
    });
  const y = (n: number) => years.find((x) => x.year === n);
  const globalOnly = 'globalOnly' as const;
  const diff = (computed: number | null, value: number) => (computed === null ? null : computed - value);
  const doc = (d: Omit<DocumentComparison, 'difference'>): DocumentComparison => ({ ...d, difference: diff(d.computed, d.value) });
  const sumEu = (from: number, to: number) => {
    const ys = years.filter((x) => x.year >= from && x.year <= to);
    return ys.length === to - from + 1 ? ys.reduce((n, x) => n + x.euArrivals, 0) : null;
  };
  const ratio = (a: ContextYear | undefined, b: ContextYear | undefined) =>
    a && b && a.euArrivals > 0 ? b.euArrivals / a.euArrivals : null;
  const document: DocumentComparison[] = [
    doc({
      id: 'share-before-2016',
      locator: 'R 7',
      measure: 'share',
      qualifier: 'fewer_than',
      value: 0.09,
      years: '2015',
      text: { nl: 'minder dan 9 % vóór 2016', en: 'less than 9 % before 2016' },
      computed: y(2015)?.shareGlobal ?? null,
      note: coverage === 'global' ? ('share' as const) : globalOnly,
    }),
    doc({
      id: 'share-2018',
      locator: 'R 7',
      measure: 'share',
      qualifier: 'exact',
      value: 0.41,
      years: '2018',
      text: { nl: '41 % in 2018', en: '41 % in 2018' },
      computed: y(2018)?.shareGlobal ?? null,
      note: coverage === 'global' ? ('share' as const) : globalOnly,
    }),
    doc({
      id: 'tripled-2015-2018',
      locator: 'R 7',
      measure: 'ratio',
      qualifier: 'exact',
      value: 3,
      years: '2015–2018',
      text: {
        nl: 'verdrievoudigde het jaarlijkse aantal hervestigingen naar de lidstaten',
        en: 'the annual number of resettlements to the Member States tripled',
      },
      computed: ratio(y(2015), y(2018)),
      note: 'ratio',
    }),
    doc({
      id: 'resettled-since-2015',
      locator: 'R 7',
      measure: 'persons',
      qualifier: 'more_than',
      value: 70000,
      years: '2015–2019',
      text: { nl: 'meer dan 70 000 zeer kwetsbare personen', en: 'more than 70 000 highly vulnerable persons' },
      computed: sumEu(2015, 2019),
      note: 'schemes',
    }),
    doc({
      id: 'countries-2017',
      locator: 'R 6 (fn 3)',
      measure: 'countries',
      qualifier: 'exact',
      value: 35,
      years: '2017',
      text: { nl: 'toezeggingen voor hervestiging van 35 landen in 2017', en: 'resettlement pledges from 35 countries in 2017' },
      computed: coverage === 'global' ? (y(2017)?.allCountries ?? null) : null,
      note: coverage === 'global' ? ('pledges' as const) : globalOnly,
    }),
    doc({
      id: 'countries-2018',
      locator: 'R 6 (fn 3)',
      measure: 'countries',
      qualifier: 'exact',
      value: 29,
      years: '2018',
      text: { nl: 'toezeggingen voor hervestiging van 29 landen in 2018', en: 'resettlement pledges from 29 countries in 2018' },
      computed: coverage === 'global' ? (y(2018)?.allCountries ?? null) : null,
      note: coverage === 'global' ? ('pledges' as const) : globalOnly,
    }),
    doc({
      id: 'departures-2018',
      locator: 'R 6 (fn 3)',
      measure: 'persons',
      qualifier: 'exact',
      value: 55680,
      years: '2018',
      text: {
        nl: 'het aantal overplaatsingen voor hervestiging daalde van 65 100 in 2017 tot 55 680 in 2018',
        en: 'resettlement departures fell from 65 100 in 2017 to 55 680 in 2018',
      },
      computed: coverage === 'global' ? (y(2018)?.allArrivals ?? null) : null,
      note: coverage === 'global' ? ('departures' as const) : globalOnly,
    }),
  ];
  return { dataset, coverage, countriesCovered: areas, years, document };
}
