import { formatCount, formatShare, type Translate } from '../i18n/i18n.ts';
import type { Table } from '../presentation/table.ts';
import type { Lang } from '../reference/country.ts';
import type { ContextFigures } from './context.ts';
import { pathwayNames, type Reconciliation } from './reconciliation.ts';
import type { StatisticsDataset } from './statistics.service.ts';
import type { FigureRow } from './statistics.repository.ts';

/** The shapes of reference statistics for a terminal and a spreadsheet, in the chosen language. */

const sourceLabel = (s: string) => (s === 'unhcr' ? 'UNHCR' : 'Eurostat');

export function datasetsTable(datasets: StatisticsDataset[], t: Translate): Table {
  return {
    headers: [
      t('stats.col.dataset'),
      t('stats.col.source'),
      t('stats.col.code'),
      t('stats.col.basis'),
      t('stats.col.rounding'),
      t('stats.col.extractedOn'),
      t('stats.col.figures'),
      t('stats.col.importedAt'),
      t('stats.col.file'),
    ],
    rows: datasets.map((d) => [
      d.id,
      sourceLabel(d.source),
      d.code,
      t(`stats.basis.${d.basis}`),
      d.rounding,
      d.extractedOn ?? t('stats.unknown'),
      d.figures,
      d.importedAt.slice(0, 16).replace('T', ' '),
      d.fileName,
    ]),
    align: ['r', 'l', 'l', 'l', 'r', 'l', 'r', 'l', 'l'],
  };
}

/** Figures as the source gives them: its country of arrival, its partner (origin or citizenship), the value or "not available". */
export function figuresTable(figures: FigureRow[], t: Translate): Table {
  return {
    headers: [
      t('stats.col.dataset'),
      t('stats.col.year'),
      t('stats.col.area'),
      t('stats.col.state'),
      t('stats.col.partner'),
      t('stats.col.persons'),
      t('stats.col.flags'),
    ],
    rows: figures.map((f) => [
      f.datasetId,
      f.year,
      f.area,
      f.stateCode ?? '',
      f.partner,
      f.value ?? t('stats.notAvailable'),
      f.flags ?? '',
    ]),
    align: ['r', 'r', 'l', 'l', 'l', 'r', 'l'],
  };
}

export function figuresCsv(figures: FigureRow[]) {
  return {
    headers: ['dataset', 'year', 'area', 'member_state', 'partner', 'partner_iso3', 'value', 'flags'],
    rows: figures.map((f) => [f.datasetId, f.year, f.area, f.stateCode ?? '', f.partner, f.partnerIso3 ?? '', f.value, f.flags ?? '']),
  };
}

/** The reconciliation: per state, the platform's figure, each source's figure and the difference, side by side. */
export function reconciliationTable(
  r: Reconciliation,
  t: Translate,
  lang: Lang,
): { title: string; table: Table; explanations: string[]; notes: string[] } {
  const cellOf = (s: Reconciliation['rows'][number]['sources'][number]) =>
    s.status === 'no_row'
      ? t('stats.noRow')
      : s.status === 'not_available'
        ? t('stats.notAvailable')
        : `${formatCount(s.value!, lang)}${s.flags ? ` ${s.flags}` : ''}`;
  const diff = (d: number | null) => (d === null ? '' : d > 0 ? `+${formatCount(d, lang)}` : formatCount(d, lang));
  return {
    title: t('stats.reconciliation.title', { year: r.year }),
    table: {
      headers: [
        t('stats.col.state'),
        t('stats.col.platform'),
        t('stats.col.rounds'),
        ...r.datasets.flatMap((d) => [
          `${sourceLabel(d.source)} #${d.id}`,
          t('stats.col.differenceWith', { source: sourceLabel(d.source) }),
          t('stats.col.explanations'),
        ]),
      ],
      rows: r.rows.map((row) => [
        row.stateCode,
        formatCount(row.platform.persons, lang),
        row.platform.rounds.map((x) => `${x.id}: ${formatCount(x.persons, lang)}`).join('; '),
        ...row.sources.flatMap((s) => [cellOf(s), diff(s.difference), s.explanations.map((e) => e.code).join(', ')]),
      ]),
      align: ['l', 'r', 'l', ...r.datasets.flatMap(() => ['r', 'r', 'l'] as const)],
    },
    explanations: [
      ...new Set(
        r.rows.flatMap((row) => row.sources.flatMap((s) => s.explanations.map((e) => `${e.code}: ${lang === 'nl' ? e.nl : e.en}`))),
      ),
    ].sort(),
    notes: [
      t('stats.reconciliation.note', { pathways: pathwayNames(r.pathways, lang) }),
      ...r.datasets.map((d) =>
        t('stats.datasetNote', {
          id: d.id,
          source: sourceLabel(d.source),
          code: d.code,
          title: d.title,
          extracted: d.extractedOn ?? t('stats.unknown'),
        }),
      ),
    ],
  };
}

export function reconciliationCsv(r: Reconciliation) {
  return {
    headers: ['year', 'member_state', 'source', 'dataset', 'extracted_on', 'status', 'persons', 'flags', 'difference', 'explanations'],
    rows: r.rows.flatMap((row) => [
      [r.year, row.stateCode, 'pathways', '', '', 'figure', row.platform.persons, '', '', `pathways: ${r.pathways.join(' ')}`],
      ...row.sources.map((s) => [
        r.year,
        row.stateCode,
        s.dataset.source,
        s.dataset.id,
        s.dataset.extractedOn ?? '',
        s.status,
        s.value,
        s.flags ?? '',
        s.difference,
        s.explanations.map((e) => e.code).join(' '),
      ]),
    ]),
  };
}

/** The context figures: per year, and the Recommendation's figures beside what the import gives. */
export function contextTables(
  c: ContextFigures,
  t: Translate,
  lang: Lang,
): { title: string; years: Table; document: Table; notes: string[] } {
  const value = (measure: string, v: number | null) =>
    v === null
      ? '—'
      : measure === 'share'
        ? formatShare(v, lang)
        : measure === 'ratio'
          ? new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)
          : formatCount(Math.round(v), lang);
  const qualifier = (q: string) => (q === 'exact' ? '' : `${t(`stats.qualifier.${q}`)} `);
  return {
    title: t('stats.context.title', { id: c.dataset.id, coverage: t(`stats.coverage.${c.coverage}`) }),
    years: {
      headers: [
        t('stats.col.year'),
        t('stats.context.euArrivals'),
        t('stats.context.allArrivals'),
        t('stats.context.euCountries'),
        t('stats.context.allCountries'),
        t('stats.context.shareCovered'),
        t('stats.context.shareGlobal'),
      ],
      rows: c.years.map((y) => [
        y.year,
        formatCount(y.euArrivals, lang),
        formatCount(y.allArrivals, lang),
        y.euCountries,
        y.allCountries,
        formatShare(y.shareOfCovered, lang),
        formatShare(y.shareGlobal, lang),
      ]),
      align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    },
    document: {
      headers: [
        t('stats.context.locator'),
        t('stats.context.document'),
        t('stats.col.year'),
        t('stats.context.documentFigure'),
        t('stats.context.computed'),
        t('stats.col.difference'),
        t('stats.context.note'),
      ],
      rows: c.document.map((d) => [
        d.locator,
        lang === 'nl' ? d.text.nl : d.text.en,
        d.years,
        `${qualifier(d.qualifier)}${value(d.measure, d.value)}`,
        value(d.measure, d.computed),
        d.difference === null ? '' : d.measure === 'share' ? `${(d.difference * 100).toFixed(1)} pp` : value(d.measure, d.difference),
        t(`stats.context.note.${d.note}`),
      ]),
    },
    notes: [t('stats.context.covered', { countries: c.countriesCovered.join(' ') })],
  };
}
