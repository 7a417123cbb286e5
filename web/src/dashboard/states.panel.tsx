import { useCallback, useMemo } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS, escapeHtml } from '../charts/style.ts';
import { formatCount, formatShare } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { sumOf, type StateFigures } from './dashboard.figures.ts';

/** Per state, the places pledged and the persons arrived: each arrival bar inside its pledge bar. */
export function StatesPanel({ rows, roundId }: { rows: StateFigures[]; roundId: string }) {
  const intl = useIntl();
  const t = useCallback((id: string) => intl.formatMessage({ id }), [intl]);
  const title = t('dashboard.states.title');
  const drawn = useMemo(() => rows.filter((r) => r.pledged > 0 || r.arrived > 0), [rows]);
  const totals = {
    pledged: sumOf(rows, (r) => r.pledged),
    carryOver: sumOf(rows, (r) => r.carryOver),
    arrived: sumOf(rows, (r) => r.arrived),
  };

  const columns: Column<StateFigures>[] = [
    { key: 'name', header: t('stateOfPlay.col.state'), value: (r) => r.name },
    { key: 'pledged', header: t('stateOfPlay.col.pledged'), value: (r) => r.pledged, numeric: true },
    { key: 'carryOver', header: t('stateOfPlay.col.carryOver'), value: (r) => r.carryOver, numeric: true },
    { key: 'arrived', header: t('stateOfPlay.col.arrived'), value: (r) => r.arrived, numeric: true },
    {
      key: 'share',
      header: t('stateOfPlay.col.delivered'),
      value: (r) => r.deliveredShare,
      render: (r) => formatShare(intl, r.deliveredShare),
      numeric: true,
    },
  ];

  const largest = [...drawn].sort((a, b) => b.pledged - a.pledged)[0];
  const label = intl.formatMessage(
    { id: 'dashboard.states.label' },
    {
      drawn: drawn.length,
      largest: largest?.name ?? '–',
      largestPledged: formatCount(intl, largest?.pledged ?? 0),
      largestArrived: formatCount(intl, largest?.arrived ?? 0),
      pledged: formatCount(intl, totals.pledged),
      arrived: formatCount(intl, totals.arrived),
    },
  );

  const option = useMemo((): ChartOption => {
    const pledged = t('stateOfPlay.col.pledged');
    const arrived = t('stateOfPlay.col.arrived');
    return {
      legend: { top: 0, left: 0, data: [pledged, arrived], textStyle: { color: COLOURS.ink } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const r = drawn[(params as { dataIndex: number }[])[0]?.dataIndex ?? -1];
          if (!r) return '';
          return `<strong>${escapeHtml(r.name)}</strong><br>${escapeHtml(pledged)}: ${formatCount(intl, r.pledged)}<br>${escapeHtml(arrived)}: ${formatCount(intl, r.arrived)} (${formatShare(intl, r.deliveredShare)})`;
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
        data: drawn.map((r) => r.name),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          name: pledged,
          data: drawn.map((r) => r.pledged),
          barWidth: '75%',
          itemStyle: { color: COLOURS.pledged, borderColor: COLOURS.pledgedEdge, borderWidth: 1 },
        },
        // Drawn over its pledge, narrower (barGap -100 %: the same place in the band).
        {
          type: 'bar',
          name: arrived,
          data: drawn.map((r) => r.arrived),
          barWidth: '35%',
          barGap: '-100%',
          itemStyle: { color: COLOURS.arrived },
        },
      ],
    };
  }, [drawn, intl, t]);

  return (
    <ChartPanel
      title={title}
      testId="panel-states"
      empty={drawn.length === 0}
      filename={`pledged-arrived-${roundId}`}
      chart={<LazyChart option={option} label={label} height={Math.max(160, drawn.length * 30 + 60)} />}
      table={
        <DataTable
          caption={title}
          captionHidden
          columns={columns}
          rows={rows}
          rowKey={(r) => r.code}
          totals={{
            label: t('stateOfPlay.total'),
            values: {
              pledged: totals.pledged,
              carryOver: totals.carryOver,
              arrived: totals.arrived,
              share: formatShare(intl, totals.pledged ? totals.arrived / totals.pledged : null),
            },
          }}
        />
      }
      sheet={() => ({
        name: title,
        header: [t('stateOfPlay.col.code'), ...columns.map((c) => String(c.header))],
        rows: [
          ...rows.map((r) => [r.code, r.name, r.pledged, r.carryOver, r.arrived, r.deliveredShare]),
          [
            'EU',
            t('stateOfPlay.total'),
            totals.pledged,
            totals.carryOver,
            totals.arrived,
            totals.pledged ? totals.arrived / totals.pledged : null,
          ],
        ],
      })}
      note={drawn.length < rows.length ? <FormattedMessage id="dashboard.states.note" /> : undefined}
    />
  );
}
