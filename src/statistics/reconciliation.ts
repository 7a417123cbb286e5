import type { Dataset } from '../exchange/dataset.ts';
import { translator } from '../i18n/i18n.ts';
import type { Lang } from '../reference/country.ts';
import { STATES } from '../reference/state.ts';
import type { Pathway } from '../rounds/round.ts';
import type { ParsedStatistics } from './statistics.ts';

/**
 * The reconciliation of a calendar year: per state, the platform's arrivals beside UNHCR's and
 * Eurostat's figures, side by side and never merged, each source with its dataset and extraction
 * date; the difference (platform − source) with the explanations that apply. Pure: counts in, report out.
 */

export const EXPLANATIONS = ['basis', 'rounding', 'period', 'missing', 'not_available', 'pathways'] as const;
export type ExplanationCode = (typeof EXPLANATIONS)[number];
export interface Explanation {
  code: ExplanationCode;
  en: string;
  nl: string;
}

/** A dataset the report compares with: what describes its file, and its id. */
export type SourceDataset = Pick<ParsedStatistics, 'source' | 'code' | 'title' | 'basis' | 'rounding' | 'extractedOn'> & { id: number };

/** A source's figures for the year, per state: the total as the source gives it, or its parts to add. */
export interface SourceTotal {
  stateCode: string;
  /** The figures the total is made of: one (the source's own total) or the partners' figures added up. */
  values: (number | null)[];
  flags: string | null;
}

export interface PlatformYear {
  stateCode: string;
  /** Arrivals in the calendar year, in the pathways counted. */
  persons: number;
  /** Arrivals in the calendar year in the other pathways (not counted). */
  otherPathways: number;
}

export interface RoundPeriod {
  id: string;
  start: string;
  end: string;
}

/** A state's arrivals in a round (its whole period), in the pathways counted. */
export interface RoundArrivals {
  roundId: string;
  stateCode: string;
  persons: number;
}

export interface SourceComparison {
  dataset: SourceDataset;
  /** 'figure': the source gives one; 'no_row': it has no row (never a zero); 'not_available': `:`. */
  status: 'figure' | 'no_row' | 'not_available';
  value: number | null;
  flags: string | null;
  /** Platform − source, where the source has a figure. */
  difference: number | null;
  explanations: Explanation[];
}

export interface ReconciliationRow {
  stateCode: string;
  platform: {
    persons: number;
    otherPathways: number;
    rounds: { id: string; start: string; end: string; persons: number; crossesYear: boolean }[];
  };
  sources: SourceComparison[];
}

export interface Reconciliation {
  year: number;
  pathways: Pathway[];
  datasets: SourceDataset[];
  rows: ReconciliationRow[];
}

/** What rounding of `terms` figures each to `base` can move their sum by (Eurostat: to 5, ±2 each). */
export const roundingTolerance = (base: number, terms: number) => (base > 1 ? Math.floor(base / 2) * terms : 0);

function explain(code: ExplanationCode, params: Record<string, string | number>, pathways: Pathway[] = []): Explanation {
  const say = (lang: Lang) => translator(lang)(`stats.explain.${code}`, { ...params, pathways: pathwayNames(pathways, lang) });
  return { code, en: say('en'), nl: say('nl') };
}

/** The pathways' names in a language, as a list. */
export function pathwayNames(pathways: readonly Pathway[], lang: Lang): string {
  const t = translator(lang);
  return pathways.map((p) => (p === 'resettlement' ? t('stats.resettlement') : t(`pathway.${p}`))).join(', ');
}

const protocolOrder = new Map(STATES.map((s) => [s.code, s.protocolOrder]));

export function reconcile(input: {
  year: number;
  pathways: Pathway[];
  platform: PlatformYear[];
  rounds: RoundPeriod[];
  roundArrivals: RoundArrivals[];
  sources: { dataset: SourceDataset; totals: SourceTotal[] }[];
  /** These states (default: every state the platform or a source has a figure for). */
  stateCodes?: string[];
}): Reconciliation {
  const { year } = input;
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const states = new Set<string>([
    ...input.platform.map((p) => p.stateCode),
    ...input.sources.flatMap((s) => s.totals.map((t) => t.stateCode)),
  ]);
  // States asked for are shown even where neither the platform nor a source has a figure.
  const wanted = input.stateCodes ? [...new Set(input.stateCodes)] : [...states];
  const rounds = input.rounds.filter((r) => r.start <= last && r.end >= first);
  const rows = wanted
    .sort((a, b) => (protocolOrder.get(a) ?? 99) - (protocolOrder.get(b) ?? 99) || a.localeCompare(b))
    .map((stateCode): ReconciliationRow => {
      const own = input.platform.find((p) => p.stateCode === stateCode);
      const platform = {
        persons: own?.persons ?? 0,
        otherPathways: own?.otherPathways ?? 0,
        rounds: rounds.map((r) => ({
          id: r.id,
          start: r.start,
          end: r.end,
          persons: input.roundArrivals.find((a) => a.roundId === r.id && a.stateCode === stateCode)?.persons ?? 0,
          crossesYear: r.start < first || r.end > last,
        })),
      };
      const crossing = platform.rounds.filter((r) => r.crossesYear);
      const sources = input.sources.map(({ dataset, totals }): SourceComparison => {
        const label = dataset.source === 'unhcr' ? 'UNHCR' : 'Eurostat';
        const total = totals.find((t) => t.stateCode === stateCode);
        if (!total || total.values.length === 0) {
          return {
            dataset,
            status: 'no_row',
            value: null,
            flags: null,
            difference: null,
            explanations: [explain('missing', { source: label, year })],
          };
        }
        const known = total.values.filter((v): v is number => v !== null);
        if (known.length === 0) {
          return {
            dataset,
            status: 'not_available',
            value: null,
            flags: total.flags,
            difference: null,
            explanations: [explain('not_available', { source: label, year })],
          };
        }
        const value = known.reduce((a, b) => a + b, 0);
        const difference = platform.persons - value;
        const explanations: Explanation[] = [];
        // Some of the parts are `:`: the sum is a lower bound.
        if (known.length < total.values.length) explanations.push(explain('not_available', { source: label, year }));
        if (difference !== 0) {
          const tolerance = roundingTolerance(dataset.rounding, known.length);
          if (tolerance > 0 && Math.abs(difference) <= tolerance)
            explanations.push(explain('rounding', { source: label, base: dataset.rounding, tolerance }));
          if (dataset.basis !== 'departure') explanations.push(explain('basis', { source: label, basis: dataset.basis }));
          if (crossing.length) {
            explanations.push(explain('period', { rounds: crossing.map((r) => `${r.id} (${r.start} – ${r.end})`).join(', '), year }));
          }
          explanations.push(explain('pathways', { other: platform.otherPathways }, input.pathways));
        }
        return { dataset, status: 'figure', value, flags: total.flags, difference, explanations };
      });
      return { stateCode, platform, sources };
    });
  return { year, pathways: input.pathways, datasets: input.sources.map((s) => s.dataset), rows };
}

/**
 * The reconciliation as data to exchange: one observation per state and source (the platform's
 * own figure too), with the difference and its explanations; the writers of src/exchange/ do the rest.
 */
export function reconciliationDataset(report: Reconciliation, lang: Lang = 'en'): Dataset {
  const t = translator(lang);
  const rows: Dataset['rows'] = [];
  for (const r of report.rows) {
    rows.push([r.stateCode, report.year, 'PATHWAYS', null, null, r.platform.persons, null, null]);
    for (const s of r.sources) {
      rows.push([
        r.stateCode,
        report.year,
        s.dataset.source.toUpperCase(),
        s.dataset.id,
        s.dataset.extractedOn,
        s.value,
        s.difference,
        s.explanations.map((e) => `${e.code}: ${lang === 'nl' ? e.nl : e.en}`).join(' | ') || null,
      ]);
    }
  }
  return {
    dataflow: { agency: 'PATHWAYS', id: 'RECONCILIATION', version: '1.0' },
    title: t('stats.reconciliation.title', { year: report.year }),
    columns: [
      { id: 'REF_AREA', header: t('stats.col.state'), hxl: '#country+code', role: 'dimension' },
      { id: 'TIME_PERIOD', header: t('stats.col.year'), hxl: '#date+year', role: 'dimension' },
      { id: 'SOURCE', header: t('stats.col.source'), hxl: '#meta+source', role: 'dimension' },
      { id: 'DATASET', header: t('stats.col.dataset'), hxl: '#meta+id', role: 'attribute' },
      { id: 'EXTRACTED_ON', header: t('stats.col.extractedOn'), hxl: '#date+extracted', role: 'attribute' },
      { id: 'OBS_VALUE', header: t('stats.col.persons'), hxl: '#affected+refugees+arrived', role: 'measure' },
      { id: 'DIFFERENCE', header: t('stats.col.difference'), hxl: '#affected+refugees+arrived+difference', role: 'measure' },
      { id: 'EXPLANATION', header: t('stats.col.explanations'), hxl: '#description+explanation', role: 'attribute' },
    ],
    rows,
    notes: [
      t('stats.reconciliation.note', { pathways: pathwayNames(report.pathways, lang) }),
      ...report.datasets.map((d) =>
        t('stats.datasetNote', { id: d.id, source: d.source.toUpperCase(), code: d.code, title: d.title, extracted: d.extractedOn ?? '—' }),
      ),
    ],
  };
}
