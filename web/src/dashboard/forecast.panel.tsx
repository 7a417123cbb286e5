import type { UseQueryResult } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption, RenderItem } from '../charts/option.ts';
import { COLOURS, escapeHtml } from '../charts/style.ts';
import { formatCount, formatDay, formatPercent } from '../ui/format.ts';
import { signedIn, useMe } from '../api/session.ts';
import type { ForecastReport } from '../state-of-play/state-of-play.queries.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { ErrorNotice } from '../ui/status.tsx';
import { forecastFigures, type ForecastFigures } from './dashboard.figures.ts';

/** Error bars: a line from low to high across the band's middle, with whiskers (ECharts has no error bar of its own). */
const errorBar: RenderItem = (_params, api) => {
  const band = api.value(2);
  const low = api.coord([api.value(0), band]);
  const high = api.coord([api.value(1), band]);
  const half = (api.size!([0, 1]) as number[])[1]! * 0.22;
  const style = { stroke: COLOURS.ink, lineWidth: 2 };
  return {
    type: 'group',
    children: [
      { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
      { type: 'line', shape: { x1: low[0], y1: low[1]! - half, x2: low[0], y2: low[1]! + half }, style },
      { type: 'line', shape: { x1: high[0], y1: high[1]! - half, x2: high[0], y2: high[1]! + half }, style },
    ],
  };
};

/**
 * The forecast of delivery: per state, the persons expected to have arrived by the end of the
 * period with the 80 % interval, beside the pledge; the EU's line (its interval is not the sum of the
 * states': the simulation draws them together); and what the forecast rests on. Loaded apart, since
 * it simulates and takes a while: the rest of the page never waits for it.
 */
export function ForecastPanel({
  query,
  names,
  roundId,
}: {
  query: UseQueryResult<ForecastReport>;
  names: ReadonlyMap<string, string>;
  roundId: string;
}) {
  if (!query.data) {
    return (
      <section className="panel" data-testid="panel-forecast">
        <h2>
          <FormattedMessage id="dashboard.forecast.titlePending" />
        </h2>
        {query.isError ? (
          <ErrorNotice error={query.error} />
        ) : (
          <p className="loading" role="status">
            <FormattedMessage id="dashboard.forecast.loading" />
          </p>
        )}
      </section>
    );
  }
  return <ForecastView report={query.data} names={names} roundId={roundId} />;
}

function ForecastView({ report, names, roundId }: { report: ForecastReport; names: ReadonlyMap<string, string>; roundId: string }) {
  const intl = useIntl();
  const t = useCallback((id: string) => intl.formatMessage({ id }), [intl]);
  const f = report.forecast;
  const until = formatDay(intl, f.until);
  const title = intl.formatMessage({ id: 'dashboard.forecast.title' }, { until });
  const rows = useMemo(() => forecastFigures(report, names), [report, names]);
  // The scope of the forecast is the reader's: a state's officer sees their state's forecast, so its
  // line is named after that state and set against that state's pledges, never the EU's.
  const me = useMe();
  const ownState = signedIn(me.data) ? me.data.user.stateCode : null;
  const scope = ownState ? (names.get(ownState) ?? ownState) : t('dashboard.forecast.eu');
  const inScope = new Set(f.states.map((s) => s.stateCode));
  const pledgedTotal = Object.entries(report.pledged).reduce((n, [code, v]) => (ownState === null || inScope.has(code) ? n + v : n), 0);
  const ended = f.asOf >= f.until;
  const level = formatPercent(intl, 0.8);
  const eu = {
    scope,
    expected: formatCount(intl, f.eu.total.expected),
    low: formatCount(intl, f.eu.total.low),
    high: formatCount(intl, f.eu.total.high),
    pledged: formatCount(intl, pledgedTotal),
    until,
    level,
  };
  const label = intl.formatMessage({ id: 'dashboard.forecast.scopeLabel' }, eu);

  const option = useMemo((): ChartOption => {
    const pledged = t('stateOfPlay.col.pledged');
    const expected = t('dashboard.forecast.expected');
    const interval = intl.formatMessage({ id: 'dashboard.forecast.interval' }, { level });
    return {
      legend: { top: 0, left: 0, data: [pledged, expected, interval], textStyle: { color: COLOURS.ink } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const r = rows[(params as { dataIndex: number }[])[0]?.dataIndex ?? -1];
          if (!r) return '';
          const range = intl.formatMessage(
            { id: 'dashboard.forecast.range' },
            { level, low: formatCount(intl, r.low), high: formatCount(intl, r.high) },
          );
          return `<strong>${escapeHtml(r.name)}</strong><br>${escapeHtml(pledged)}: ${formatCount(intl, r.pledged)}<br>${escapeHtml(expected)}: ${formatCount(intl, r.expected)} (${escapeHtml(range)})`;
        },
      },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => formatCount(intl, v), color: COLOURS.ink },
        splitLine: { lineStyle: { color: COLOURS.grid } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => r.name),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: pledged,
          data: rows.map((r) => r.pledged),
          barWidth: '75%',
          itemStyle: { color: COLOURS.pledged, borderColor: COLOURS.pledgedEdge, borderWidth: 1 },
        },
        {
          type: 'bar',
          name: expected,
          data: rows.map((r) => Math.round(r.expected)),
          barWidth: '35%',
          barGap: '-100%',
          itemStyle: { color: COLOURS.arrived },
        },
        {
          type: 'custom',
          name: interval,
          renderItem: errorBar,
          encode: { x: [0, 1], y: 2 },
          data: rows.map((r, i) => [r.low, r.high, i]),
          itemStyle: { color: COLOURS.ink },
          z: 10,
        },
      ],
    };
  }, [rows, intl, t, level]);

  const columns: Column<ForecastFigures>[] = [
    { key: 'name', header: t('stateOfPlay.col.state'), value: (r) => r.name },
    { key: 'pledged', header: t('stateOfPlay.col.pledged'), value: (r) => r.pledged, numeric: true },
    {
      key: 'arrived',
      header: intl.formatMessage({ id: 'dashboard.forecast.arrivedBy' }, { asOf: formatDay(intl, f.asOf) }),
      value: (r) => r.arrived,
      numeric: true,
    },
    { key: 'openPersons', header: t('dashboard.forecast.openPersons'), value: (r) => r.openPersons, numeric: true },
    { key: 'expected', header: t('dashboard.forecast.expected'), value: (r) => Math.round(r.expected), numeric: true },
    { key: 'low', header: t('dashboard.forecast.low'), value: (r) => r.low, numeric: true },
    { key: 'high', header: t('dashboard.forecast.high'), value: (r) => r.high, numeric: true },
  ];
  const euRow = [scope, pledgedTotal, f.eu.arrived, f.eu.openPersons, Math.round(f.eu.total.expected), f.eu.total.low, f.eu.total.high];
  const totals = {
    label: scope,
    values: {
      pledged: pledgedTotal,
      arrived: f.eu.arrived,
      openPersons: f.eu.openPersons,
      expected: Math.round(f.eu.total.expected),
      low: f.eu.total.low,
      high: f.eu.total.high,
    },
  };

  return (
    <ChartPanel
      title={title}
      testId="panel-forecast"
      empty={rows.length === 0}
      filename={`forecast-${roundId}`}
      chart={<LazyChart option={option} label={label} height={Math.max(160, rows.length * 30 + 60)} />}
      table={<DataTable caption={title} captionHidden columns={columns} rows={rows} rowKey={(r) => r.code} totals={totals} />}
      sheet={() => ({
        name: title,
        header: [t('stateOfPlay.col.code'), ...columns.map((c) => String(c.header))],
        rows: [
          ...rows.map((r) => [r.code, r.name, r.pledged, r.arrived, r.openPersons, Math.round(r.expected), r.low, r.high]),
          [ownState ?? 'EU', ...euRow],
        ],
      })}
      note={
        <>
          {ended && (
            <p data-testid="forecast-ended">
              <FormattedMessage id="dashboard.forecast.ended" values={{ until }} />
            </p>
          )}
          <p data-testid="forecast-line">
            <FormattedMessage id="dashboard.forecast.scopeLine" values={eu} />
          </p>
          <p>
            <FormattedMessage
              id="dashboard.forecast.basis"
              values={{
                cases: intl.formatMessage({ id: 'common.cases' }, { count: f.basis.cases }),
                moves: f.basis.observedMoves,
                since: f.basis.observedSince ? formatDay(intl, f.basis.observedSince) : 'none',
                asOf: formatDay(intl, f.asOf),
                iterations: f.iterations,
              }}
            />
            {f.basis.withoutData.cases > 0 && (
              <>
                {' '}
                <FormattedMessage
                  id="dashboard.forecast.withoutData"
                  values={{
                    cases: intl.formatMessage({ id: 'common.cases' }, { count: f.basis.withoutData.cases }),
                    persons: intl.formatMessage({ id: 'common.persons' }, { count: f.basis.withoutData.persons }),
                  }}
                />
              </>
            )}
          </p>
        </>
      }
    />
  );
}
