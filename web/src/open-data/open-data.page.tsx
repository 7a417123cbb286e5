import { useMemo } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS } from '../charts/style.ts';
import { RoundBody, useRoundOf } from '../state-of-play/round-page.tsx';
import { countryName } from '../ui/country-name.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { formatCount, formatDay } from '../ui/format.ts';
import { PageHeader } from '../ui/status.tsx';
import { openDataFile, useOpenData, useOpenDataRounds, type OpenData, type OpenDataState } from './open-data.queries.ts';
import { apiLanguage, type Locale } from '../i18n/locales.ts';

const DEFAULT_ROUND = '2020-2021';

/**
 * The open data of a round, for anyone, without signing in: per state the places pledged (public
 * figures, exact) and the persons arrived, and the arrivals by country of departure — rounded to 5,
 * small counts withheld, and more withheld where a total would reveal one (the server's disclosure
 * control; its method and parameters stated on the page). A chart with its table, the tables, and
 * the files in CSV, HXL and SDMX-CSV.
 */
export function OpenDataPage() {
  const intl = useIntl();
  const lang = apiLanguage(intl.locale);
  const choice = useRoundOf(useOpenDataRounds(), (list) => list.find((r) => r.id === DEFAULT_ROUND) ?? list.at(-1));
  const data = useOpenData(choice.round?.id, lang);
  return (
    <div className="open-data">
      <PageHeader title={<FormattedMessage id="openData.title" />} />
      <p className="lead">
        <FormattedMessage id="openData.intro" />
      </p>
      <RoundBody choice={choice} query={data}>
        {(o) => <Figures o={o} lang={lang} />}
      </RoundBody>
    </div>
  );
}

function Figures({ o, lang }: { o: OpenData; lang: Locale }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const withheld = t('openData.withheld');
  const shown = (v: number | null) => (v === null ? withheld : formatCount(intl, v));
  const files = openDataFile(o.round, lang);

  const columns: Column<OpenDataState>[] = [
    { key: 'state', header: t('openData.col.state'), value: (s) => s.name },
    { key: 'pledged', header: t('openData.col.pledged'), value: (s) => s.pledged, numeric: true },
    { key: 'carryOver', header: t('openData.col.carryOver'), value: (s) => s.carryOver, numeric: true },
    { key: 'arrived', header: t('openData.col.arrived'), value: (s) => s.arrived, render: (s) => shown(s.arrived), numeric: true },
  ];
  const footer = {
    label: t('openData.total'),
    values: { pledged: o.totals.pledged, carryOver: o.totals.carryOver, arrived: shown(o.totals.arrived) },
  };
  const sheet = () => ({
    name: t('openData.title'),
    header: [t('openData.col.code'), ...columns.map((c) => String(c.header))],
    rows: [
      ...o.states.map((s) => [s.code, s.name, s.pledged, s.carryOver, s.arrived]),
      ['_T', t('openData.total'), o.totals.pledged, o.totals.carryOver, o.totals.arrived],
    ],
  });

  const departureColumns: Column<OpenDataState>[] = [
    { key: 'state', header: t('openData.col.state'), value: (s) => s.name },
    ...o.departures.map(
      (d, j): Column<OpenDataState> => ({
        key: d,
        header: countryName(d, intl.locale),
        value: (s) => s.byDeparture[j] ?? null,
        render: (s) => shown(s.byDeparture[j] ?? null),
        numeric: true,
      }),
    ),
    { key: 'total', header: t('openData.total'), value: (s) => s.arrived, render: (s) => shown(s.arrived), numeric: true },
  ];
  const departureSheet = () => ({
    name: t('openData.byDeparture'),
    header: [t('openData.col.code'), t('openData.col.state'), ...o.departures, t('openData.total')],
    rows: [
      ...o.states.map((s) => [s.code, s.name, ...s.byDeparture, s.arrived]),
      ['_T', t('openData.total'), ...o.totals.byDeparture, o.totals.arrived],
    ],
  });

  const option = useMemo(
    (): ChartOption => ({
      legend: { top: 0, left: 0, textStyle: { color: COLOURS.ink } },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => formatCount(intl, v), color: COLOURS.ink },
        splitLine: { lineStyle: { color: COLOURS.grid } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: o.states.map((s) => s.name),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: intl.formatMessage({ id: 'openData.col.pledged' }),
          data: o.states.map((s) => s.pledged),
          itemStyle: { color: COLOURS.pledged, borderColor: COLOURS.pledgedEdge, borderWidth: 1 },
        },
        {
          type: 'bar',
          name: intl.formatMessage({ id: 'openData.col.arrived' }),
          data: o.states.map((s) => s.arrived),
          itemStyle: { color: COLOURS.arrived },
        },
      ],
    }),
    [o, intl],
  );
  const chartTitle = t('openData.chartTitle');

  return (
    <>
      <p className="as-of">
        <FormattedMessage id="openData.asOf" values={{ date: formatDay(intl, o.asOf) }} />
      </p>
      <section className="panel" aria-labelledby="open-data-method">
        <h2 id="open-data-method">
          <FormattedMessage id="openData.methodTitle" />
        </h2>
        <p data-testid="open-data-method">
          <FormattedMessage
            id="openData.method"
            values={{
              base: o.method.roundingBase,
              below: o.method.threshold,
              max: o.method.threshold - 1,
              protection: o.method.protection,
              withheld,
            }}
          />
        </p>
      </section>
      <ChartPanel
        title={chartTitle}
        filename={`open-data-${o.round}-chart`}
        chart={
          <LazyChart
            option={option}
            label={t('openData.chartLabel', { states: formatCount(intl, o.states.length) })}
            height={Math.max(200, o.states.length * 28 + 80)}
          />
        }
        table={<DataTable caption={chartTitle} captionHidden columns={columns} rows={o.states} rowKey={(s) => s.code} totals={footer} />}
        sheet={sheet}
      />
      <section className="panel" aria-labelledby="open-data-states">
        <div className="panel-head">
          <h2 id="open-data-states">
            <FormattedMessage id="openData.byState" />
          </h2>
          <DownloadButtons sheet={sheet} filename={`open-data-${o.round}-${o.asOf}`} what={t('openData.byState')} exchange={files} />
        </div>
        <div data-testid="open-data-states">
          <DataTable
            caption={t('openData.byState')}
            captionHidden
            columns={columns}
            rows={o.states}
            rowKey={(s) => s.code}
            totals={footer}
          />
        </div>
      </section>
      <section className="panel" aria-labelledby="open-data-departures">
        <div className="panel-head">
          <h2 id="open-data-departures">
            <FormattedMessage id="openData.byDeparture" />
          </h2>
          <DownloadButtons
            sheet={departureSheet}
            filename={`open-data-${o.round}-${o.asOf}-departures`}
            what={t('openData.byDeparture')}
            exchange={files}
          />
        </div>
        <div data-testid="open-data-departures">
          <DataTable
            caption={t('openData.byDeparture')}
            captionHidden
            columns={departureColumns}
            rows={o.states.filter((s) => s.arrived !== 0)}
            rowKey={(s) => s.code}
            totals={{
              label: t('openData.total'),
              values: {
                ...Object.fromEntries(o.departures.map((d, j) => [d, shown(o.totals.byDeparture[j] ?? null)])),
                total: shown(o.totals.arrived),
              },
            }}
          />
        </div>
      </section>
    </>
  );
}
