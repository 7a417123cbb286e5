import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS, escapeHtml } from '../charts/style.ts';
import { formatCount, formatShare } from '../ui/format.ts';
import { countryName } from '../ui/country-name.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { sumOf, type DepartureFigures } from './dashboard.figures.ts';

interface Row extends DepartureFigures {
  name: string;
  share: number | null;
}

/** Arrivals by country of departure, over every state: the 15 largest, then the rest together. */
export function DeparturesPanel({ departures, roundId }: { departures: DepartureFigures[]; roundId: string }) {
  const intl = useIntl();
  const t = useCallback((id: string) => intl.formatMessage({ id }), [intl]);
  const title = t('dashboard.departures.title');
  const total = sumOf(departures, (d) => d.arrived);
  const rows: Row[] = useMemo(
    () =>
      departures.map((d) => ({
        ...d,
        name: d.country === null ? t('dashboard.departures.other') : countryName(d.country, intl.locale),
        share: total ? d.arrived / total : null,
      })),
    [departures, total, intl, t],
  );
  const named = rows.filter((r) => r.country !== null);
  const label = intl.formatMessage(
    { id: 'dashboard.departures.label' },
    {
      count: named.length,
      first: named[0]?.name ?? '–',
      firstArrived: formatCount(intl, named[0]?.arrived ?? 0),
      total: formatCount(intl, total),
    },
  );

  const option = useMemo((): ChartOption => {
    const arrived = t('stateOfPlay.col.arrived');
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const r = rows[(params as { dataIndex: number }[])[0]?.dataIndex ?? -1];
          return r
            ? `<strong>${escapeHtml(r.name)}</strong><br>${escapeHtml(arrived)}: ${formatCount(intl, r.arrived)} (${formatShare(intl, r.share)})`
            : '';
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
      series: [{ type: 'bar', name: arrived, data: rows.map((r) => r.arrived), barWidth: '60%', itemStyle: { color: COLOURS.arrived } }],
    };
  }, [rows, intl, t]);

  const columns: Column<Row>[] = [
    { key: 'name', header: t('dashboard.departures.country'), value: (r) => r.name },
    { key: 'code', header: t('dashboard.departures.code'), value: (r) => r.country },
    { key: 'arrived', header: t('stateOfPlay.col.arrived'), value: (r) => r.arrived, numeric: true },
    {
      key: 'share',
      header: t('dashboard.departures.share'),
      value: (r) => r.share,
      render: (r) => formatShare(intl, r.share),
      numeric: true,
    },
  ];

  return (
    <ChartPanel
      title={title}
      testId="panel-departures"
      empty={rows.length === 0}
      filename={`departures-${roundId}`}
      chart={<LazyChart option={option} label={label} height={Math.max(160, rows.length * 26 + 40)} />}
      table={
        <DataTable
          caption={title}
          captionHidden
          columns={columns}
          rows={rows}
          rowKey={(r) => r.country ?? 'other'}
          totals={{ label: t('stateOfPlay.total'), values: { arrived: total, share: formatShare(intl, total ? 1 : null) } }}
        />
      }
      sheet={() => ({
        name: title,
        header: columns.map((c) => String(c.header)),
        rows: [...rows.map((r) => [r.name, r.country, r.arrived, r.share]), [t('stateOfPlay.total'), null, total, total ? 1 : null]],
      })}
    />
  );
}
