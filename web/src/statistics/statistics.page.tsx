import { useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { stateName } from '../admin/states.ts';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS } from '../charts/style.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { Field } from '../ui/field.tsx';
import { formatCount, formatDay, formatShare } from '../ui/format.ts';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  useContext,
  useDatasets,
  useImportDataset,
  useReconciliation,
  useRemoveDataset,
  type Reconciliation,
  type StatisticsContext,
  type StatisticsDataset,
  type StatisticsSource,
} from './statistics.api.ts';
import { NotReady } from '../ui/page-state.tsx';
import { apiLanguage } from '../i18n/locales.ts';

type Row = Reconciliation['rows'][number];
type SourceCell = Row['sources'][number];
const SOURCE_NAME: Record<StatisticsSource, string> = { unhcr: 'UNHCR', eurostat: 'Eurostat' };
/** Platform, UNHCR, Eurostat: told apart by colour-blind readers too (Okabe–Ito); the table carries the meaning as text. */
const SERIES_COLOURS = ['#0072b2', '#e69f00', '#009e73'];
const FIRST_YEAR = 2015;

/**
 * Reference statistics: UNHCR's and Eurostat's figures as imported (source, extraction date,
 * definitions), the reconciliation of a year — the platform's arrivals beside each source, never
 * merged, the differences with what explains them — and the EU context figures beside the
 * Recommendation's own. The same figures as `pathways stats` and `pathways report reconciliation`.
 */
export function StatisticsPage() {
  const intl = useIntl();
  const me = useMe();
  const search = useSearch({ strict: false }) as { year?: string };
  const navigate = useNavigate();
  const context = useContext();
  const latest = context.data?.years.at(-1)?.year ?? new Date().getFullYear() - 1;
  const year = /^\d{4}$/.test(search.year ?? '') ? Number(search.year) : latest;
  const years = Array.from(
    { length: Math.max(latest, year, new Date().getFullYear()) - FIRST_YEAR + 1 },
    (_, i) => FIRST_YEAR + i,
  ).reverse();
  const user = signedIn(me.data) ? me.data.user : null;
  const mayImport = user?.role === 'commission_analyst';

  return (
    <div className="statistics">
      <PageHeader title={<FormattedMessage id="statistics.title" />} />
      <p className="lead">
        <FormattedMessage id="statistics.lead" />
      </p>
      <Datasets mayImport={mayImport} />
      <section className="panel" aria-labelledby="statistics-reconciliation">
        <div className="panel-head">
          <h2 id="statistics-reconciliation">
            <FormattedMessage id="statistics.reconciliation" values={{ year: String(year) }} />
          </h2>
        </div>
        <div className="field">
          <label htmlFor="statistics-year">
            <FormattedMessage id="statistics.year" />
          </label>
          <select
            id="statistics-year"
            value={year}
            onChange={(e) => void navigate({ to: '/statistics', search: { year: e.target.value } })}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <ReconciliationView year={year} />
      </section>
      {context.status !== 'success' ? <NotReady query={context} /> : context.data ? <Context c={context.data} /> : null}
      <p className="hint">{intl.formatMessage({ id: 'statistics.never' })}</p>
    </div>
  );
}

function Datasets({ mayImport }: { mayImport: boolean }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const datasets = useDatasets();
  const remove = useRemoveDataset();
  const [removing, setRemoving] = useState<StatisticsDataset | null>(null);
  const columns: Column<StatisticsDataset>[] = [
    { key: 'id', header: t('statistics.dataset'), value: (d) => d.id, numeric: true },
    { key: 'source', header: t('statistics.source'), value: (d) => SOURCE_NAME[d.source] },
    { key: 'title', header: t('statistics.table'), value: (d) => `${d.code}: ${d.title}` },
    { key: 'basis', header: t('statistics.basis'), value: (d) => t(`statistics.basis.${d.basis}`) },
    { key: 'rounding', header: t('statistics.rounding'), value: (d) => d.rounding, numeric: true },
    {
      key: 'extractedOn',
      header: t('statistics.extractedOn'),
      value: (d) => (d.extractedOn ? formatDay(intl, d.extractedOn, 'medium') : t('statistics.unknown')),
    },
    { key: 'figures', header: t('statistics.figures'), value: (d) => d.figures, numeric: true },
    ...(mayImport
      ? [
          {
            key: 'remove',
            header: t('statistics.actions'),
            fixed: true,
            value: () => '',
            render: (d: StatisticsDataset) => (
              <button type="button" className="button-secondary" onClick={() => setRemoving(d)}>
                <FormattedMessage id="statistics.remove" values={{ id: String(d.id) }} />
              </button>
            ),
          } satisfies Column<StatisticsDataset>,
        ]
      : []),
  ];
  return (
    <section className="panel" aria-labelledby="statistics-datasets">
      <div className="panel-head">
        <h2 id="statistics-datasets">
          <FormattedMessage id="statistics.datasets" />
        </h2>
      </div>
      {datasets.status !== 'success' ? (
        <NotReady query={datasets} />
      ) : datasets.data.length === 0 ? (
        <Notice>
          <FormattedMessage id="statistics.noDatasets" />
        </Notice>
      ) : (
        <>
          <div data-testid="statistics-datasets">
            <DataTable
              caption={t('statistics.datasets')}
              captionHidden
              columns={columns}
              rows={datasets.data}
              rowKey={(d) => String(d.id)}
            />
          </div>
          <dl className="definitions">
            {datasets.data.map((d) => (
              <div key={d.id}>
                <dt>{`${SOURCE_NAME[d.source]} #${d.id} (${d.fileName})`}</dt>
                <dd>{d.definitions}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {mayImport && <Upload />}
      <ConfirmDialog
        open={removing !== null}
        title={<FormattedMessage id="statistics.removeTitle" values={{ id: String(removing?.id ?? '') }} />}
        confirmLabel={<FormattedMessage id="statistics.removeConfirm" />}
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.id, { onSettled: () => setRemoving(null) })}
        onClose={() => setRemoving(null)}
      >
        <p>
          <FormattedMessage
            id="statistics.removeText"
            values={{ id: String(removing?.id ?? ''), figures: String(removing?.figures ?? '') }}
          />
        </p>
      </ConfirmDialog>
      {remove.isError && <ErrorNotice error={remove.error} />}
    </section>
  );
}

/** The Commission's upload of a publisher's file: refused with its problems row by row, or imported whole. */
function Upload() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const upload = useImportDataset();
  const [source, setSource] = useState<StatisticsSource>('unhcr');
  const [extractedOn, setExtractedOn] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) upload.mutate({ source, file, ...(extractedOn ? { extractedOn } : {}) });
  };
  const problems =
    upload.error instanceof ApiError && Array.isArray(upload.error.details.rows)
      ? (upload.error.details.rows as { row: number; column: string; value: string; reason: string }[])
      : [];
  const done = upload.data;
  return (
    <form className="form" onSubmit={submit} aria-labelledby="statistics-upload">
      <h3 id="statistics-upload">
        <FormattedMessage id="statistics.upload" />
      </h3>
      <Field
        id="statistics-source"
        label={t('statistics.source')}
        control={(p) => (
          <select {...p} value={source} onChange={(e) => setSource(e.target.value as StatisticsSource)}>
            <option value="unhcr">{t('statistics.sourceUnhcr')}</option>
            <option value="eurostat">{t('statistics.sourceEurostat')}</option>
          </select>
        )}
      />
      <Field
        id="statistics-extracted"
        label={t('statistics.extractedOn')}
        hint={t('statistics.extractedHint')}
        control={(p) => <input {...p} type="date" value={extractedOn} onChange={(e) => setExtractedOn(e.target.value)} />}
      />
      <Field
        id="statistics-file"
        label={t('statistics.file')}
        control={(p) => (
          <input
            {...p}
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      />
      <button type="submit" disabled={!file || upload.isPending}>
        <FormattedMessage id="statistics.import" />
      </button>
      {done && (
        <Notice kind="success">
          <FormattedMessage
            id={done.duplicate ? 'statistics.duplicate' : 'statistics.imported'}
            values={{
              id: String(done.dataset.id),
              source: SOURCE_NAME[done.dataset.source],
              figures: formatCount(intl, done.dataset.figures),
            }}
          />
        </Notice>
      )}
      {upload.isError && <ErrorNotice error={upload.error} />}
      {problems.length > 0 && (
        <DataTable
          caption={t('statistics.problems')}
          columns={[
            { key: 'row', header: t('statistics.row'), value: (p) => p.row, numeric: true },
            { key: 'column', header: t('statistics.column'), value: (p) => p.column },
            { key: 'value', header: t('statistics.value'), value: (p) => p.value },
            { key: 'reason', header: t('statistics.reason'), value: (p) => p.reason },
          ]}
          rows={problems}
          rowKey={(p) => `${p.row}:${p.column}:${p.value}`}
        />
      )}
    </form>
  );
}

function ReconciliationView({ year }: { year: number }) {
  const r = useReconciliation(year);
  if (r.status !== 'success') return <NotReady query={r} />;
  return <ReconciliationTable r={r.data} />;
}

function ReconciliationTable({ r }: { r: Reconciliation }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const nl = intl.locale.startsWith('nl');
  const name = (code: string) => stateName(code, intl.locale);
  const cell = (s: SourceCell | undefined): string =>
    !s
      ? ''
      : s.status === 'no_row'
        ? t('statistics.noRow')
        : s.status === 'not_available'
          ? t('statistics.notAvailable')
          : `${formatCount(intl, s.value!)}${s.flags ? ` (${s.flags})` : ''}`;
  const signed = (d: number | null | undefined) => (d === null || d === undefined ? '' : `${d > 0 ? '+' : ''}${formatCount(intl, d)}`);
  // In the table, each source's explanations by short name; the sentences once, below it.
  const explanations = (row: Row) =>
    row.sources.flatMap((s) =>
      s.explanations.length
        ? [`${SOURCE_NAME[s.dataset.source]}: ${s.explanations.map((e) => t(`statistics.explain.${e.code}`)).join(', ')}`]
        : [],
    );
  const sentences = [
    ...new Set(
      r.rows.flatMap((x) =>
        x.sources.flatMap((s) => s.explanations.map((e) => `${t(`statistics.explain.${e.code}`)}: ${nl ? e.nl : e.en}`)),
      ),
    ),
  ].sort();
  const columns: Column<Row>[] = [
    { key: 'state', header: t('common.state'), value: (x) => name(x.stateCode) },
    { key: 'platform', header: t('statistics.platform'), value: (x) => x.platform.persons, numeric: true },
    {
      key: 'rounds',
      header: t('statistics.byRound'),
      value: (x) => x.platform.rounds.map((p) => `${p.id}: ${formatCount(intl, p.persons)}`).join('; '),
    },
    ...r.datasets.flatMap((d, i): Column<Row>[] => [
      {
        key: `source-${d.id}`,
        header: `${SOURCE_NAME[d.source]} (#${d.id})`,
        value: (x) => x.sources[i]?.value ?? cell(x.sources[i]),
        render: (x) => cell(x.sources[i]),
        numeric: true,
      },
      {
        key: `difference-${d.id}`,
        header: t('statistics.differenceWith', { source: SOURCE_NAME[d.source] }),
        value: (x) => x.sources[i]?.difference ?? null,
        render: (x) => signed(x.sources[i]?.difference),
        numeric: true,
      },
    ]),
    {
      key: 'explanations',
      header: t('statistics.explanations'),
      value: (x) => explanations(x).join(' '),
      render: (x) => (
        <ul className="explanations">
          {explanations(x).map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ),
    },
  ];
  const title = t('statistics.reconciliation', { year: String(r.year) });
  const sheet = () => ({
    name: title.slice(0, 31),
    header: [t('statistics.code'), ...columns.map((c) => String(c.header))],
    rows: r.rows.map((x) => [x.stateCode, ...columns.map((c) => c.value(x))]),
  });
  const option = useMemo(
    (): ChartOption => ({
      legend: { top: 0, left: 0, textStyle: { color: COLOURS.ink } },
      grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => formatCount(intl, v), color: COLOURS.ink },
        splitLine: { lineStyle: { color: COLOURS.grid } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: r.rows.map((x) => stateName(x.stateCode, intl.locale)),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: intl.formatMessage({ id: 'statistics.platform' }),
          data: r.rows.map((x) => x.platform.persons),
          itemStyle: { color: SERIES_COLOURS[0]! },
        },
        ...r.datasets.map((d, i) => ({
          type: 'bar' as const,
          name: `${SOURCE_NAME[d.source]} (#${d.id})`,
          data: r.rows.map((x) => x.sources[i]?.value ?? null),
          itemStyle: { color: SERIES_COLOURS[(i + 1) % SERIES_COLOURS.length]! },
        })),
      ],
    }),
    [r, intl],
  );
  if (r.rows.length === 0) {
    return (
      <div data-testid="reconciliation-none">
        <Notice>
          <FormattedMessage id="statistics.nothing" values={{ year: String(r.year) }} />
        </Notice>
      </div>
    );
  }
  const pathways = r.pathways.map((p) => t(`cases.pathway.${p}`)).join(', ');
  return (
    <>
      <p className="hint">
        <FormattedMessage id="statistics.reconciliationHint" values={{ pathways }} />
      </p>
      <ul className="hint">
        {r.datasets.map((d) => (
          <li key={d.id}>
            <FormattedMessage
              id="statistics.datasetLine"
              values={{
                source: SOURCE_NAME[d.source],
                id: String(d.id),
                code: d.code,
                extracted: d.extractedOn ? formatDay(intl, d.extractedOn) : t('statistics.unknown'),
              }}
            />
          </li>
        ))}
      </ul>
      <div className="panel-head" data-testid="reconciliation-downloads">
        <span />
        <DownloadButtons
          sheet={sheet}
          filename={`reconciliation-${r.year}`}
          what={title}
          // HXL and SDMX-CSV as the server exports them (GET /api/exports/reconciliation).
          exchange={(format) =>
            `/api/exports/reconciliation?${new URLSearchParams({ year: String(r.year), format, lang: apiLanguage(intl.locale) }).toString()}`
          }
        />
      </div>
      <div data-testid="reconciliation">
        <DataTable caption={title} captionHidden columns={columns} rows={r.rows} rowKey={(x) => x.stateCode} />
      </div>
      <h3>
        <FormattedMessage id="statistics.explanations" />
      </h3>
      <ul className="explanations" data-testid="reconciliation-explanations">
        {sentences.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <ChartPanel
        title={t('statistics.chartTitle', { year: String(r.year) })}
        filename={`reconciliation-chart-${r.year}`}
        chart={
          <LazyChart
            option={option}
            label={t('statistics.chartLabel', { year: String(r.year) })}
            height={Math.max(200, r.rows.length * (24 + 12 * r.datasets.length) + 80)}
          />
        }
        table={
          <DataTable
            caption={t('statistics.chartTitle', { year: String(r.year) })}
            captionHidden
            columns={columns.slice(0, -1)}
            rows={r.rows}
            rowKey={(x) => x.stateCode}
          />
        }
        sheet={sheet}
      />
    </>
  );
}

function Context({ c }: { c: StatisticsContext }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const nl = intl.locale.startsWith('nl');
  type Year = StatisticsContext['years'][number];
  type Doc = StatisticsContext['document'][number];
  const value = (measure: Doc['measure'], v: number | null) =>
    v === null
      ? '—'
      : measure === 'share'
        ? formatShare(intl, v)
        : measure === 'ratio'
          ? intl.formatNumber(v, { maximumFractionDigits: 2 })
          : formatCount(intl, v);
  const yearColumns: Column<Year>[] = [
    { key: 'year', header: t('statistics.year'), value: (y) => String(y.year) },
    { key: 'eu', header: t('statistics.euArrivals'), value: (y) => y.euArrivals, numeric: true },
    { key: 'all', header: t('statistics.allArrivals'), value: (y) => y.allArrivals, numeric: true },
    { key: 'euCountries', header: t('statistics.euCountries'), value: (y) => y.euCountries, numeric: true },
    { key: 'allCountries', header: t('statistics.allCountries'), value: (y) => y.allCountries, numeric: true },
    {
      key: 'share',
      header: t('statistics.shareCovered'),
      value: (y) => y.shareOfCovered,
      render: (y) => formatShare(intl, y.shareOfCovered),
      numeric: true,
    },
    {
      key: 'global',
      header: t('statistics.shareGlobal'),
      value: (y) => y.shareGlobal,
      render: (y) => (y.shareGlobal === null ? '—' : formatShare(intl, y.shareGlobal)),
      numeric: true,
    },
  ];
  const docColumns: Column<Doc>[] = [
    { key: 'locator', header: t('statistics.where'), value: (d) => d.locator },
    { key: 'text', header: t('statistics.documentSays'), value: (d) => (nl ? d.text.nl : d.text.en) },
    { key: 'years', header: t('statistics.year'), value: (d) => d.years },
    {
      key: 'value',
      header: t('statistics.documentFigure'),
      value: (d) => `${d.qualifier === 'exact' ? '' : `${t(`statistics.qualifier.${d.qualifier}`)} `}${value(d.measure, d.value)}`,
    },
    { key: 'computed', header: t('statistics.computed'), value: (d) => value(d.measure, d.computed) },
    {
      key: 'difference',
      header: t('statistics.difference'),
      value: (d) =>
        d.difference === null
          ? ''
          : d.measure === 'share'
            ? `${intl.formatNumber(d.difference * 100, { maximumFractionDigits: 1, signDisplay: 'always' })} pp`
            : value(d.measure, d.difference),
    },
    { key: 'note', header: t('statistics.note'), value: (d) => t(`statistics.contextNote.${d.note}`) },
  ];
  const title = t('statistics.context');
  return (
    <section className="panel" aria-labelledby="statistics-context">
      <div className="panel-head">
        <h2 id="statistics-context">{title}</h2>
        <DownloadButtons
          sheet={() => ({
            name: title.slice(0, 31),
            header: yearColumns.map((x) => String(x.header)),
            rows: c.years.map((y) => yearColumns.map((x) => x.value(y))),
          })}
          filename="eu-context"
          what={title}
        />
      </div>
      <p className="hint">
        <FormattedMessage
          id="statistics.contextHint"
          values={{ id: String(c.dataset.id), coverage: t(`statistics.coverage.${c.coverage}`), countries: c.countriesCovered.join(', ') }}
        />
      </p>
      <DataTable caption={title} captionHidden columns={yearColumns} rows={c.years} rowKey={(y) => String(y.year)} />
      <h3>
        <FormattedMessage id="statistics.documentTitle" />
      </h3>
      <div data-testid="statistics-document">
        <DataTable caption={t('statistics.documentTitle')} captionHidden columns={docColumns} rows={c.document} rowKey={(d) => d.id} />
      </div>
    </section>
  );
}
