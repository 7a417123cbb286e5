import { useCallback, useMemo } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS, escapeHtml } from '../charts/style.ts';
import { formatCount, formatDay } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { SUSPENSION_2020, sumOf, type MonthFigures } from './dashboard.figures.ts';

const monthName = (intl: IntlShape, month: string) =>
  intl.formatDate(`${month}-15T12:00:00Z`, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthShort = (intl: IntlShape, t: number) => intl.formatDate(t, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Arrivals per month over every state, with the 2020 suspension of resettlement travel marked. */
export function MonthsPanel({ months, roundId }: { months: MonthFigures[]; roundId: string }) {
  const intl = useIntl();
  const t = useCallback((id: string) => intl.formatMessage({ id }), [intl]);
  const title = t('dashboard.months.title');
  const first = months[0]?.month;
  const last = months[months.length - 1]?.month;
  // Marked only where the chart's months reach into it.
  const showsSuspension =
    first !== undefined && last !== undefined && first <= SUSPENSION_2020.to.slice(0, 7) && last >= SUSPENSION_2020.from.slice(0, 7);
  const suspension = { from: formatDay(intl, SUSPENSION_2020.from), to: formatDay(intl, SUSPENSION_2020.to) };
  const most = [...months].sort((a, b) => b.arrived - a.arrived)[0];
  const label = intl.formatMessage(
    { id: 'dashboard.months.label' },
    {
      from: first ? monthName(intl, first) : '–',
      to: last ? monthName(intl, last) : '–',
      most: most ? monthName(intl, most.month) : '–',
      mostArrived: formatCount(intl, most?.arrived ?? 0),
      suspension: showsSuspension ? 'yes' : 'no',
      suspendedFrom: suspension.from,
      suspendedTo: suspension.to,
    },
  );

  const option = useMemo((): ChartOption => {
    const arrived = t('stateOfPlay.col.arrived');
    return {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const r = months[(params as { dataIndex: number }[])[0]?.dataIndex ?? -1];
          return r
            ? `<strong>${escapeHtml(monthName(intl, r.month))}</strong><br>${escapeHtml(arrived)}: ${formatCount(intl, r.arrived)}`
            : '';
        },
      },
      xAxis: {
        type: 'time',
        min: first ? utc(`${first}-01`) : undefined,
        max: last ? utc(`${last}-28`) + 4 * 86_400_000 : undefined,
        axisLabel: { formatter: (v: number) => monthShort(intl, v), color: COLOURS.ink, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatCount(intl, v), color: COLOURS.ink },
        splitLine: { lineStyle: { color: COLOURS.grid } },
      },
      series: [
        {
          type: 'bar',
          name: arrived,
          // Each month's bar in its middle, so the suspension's days fall where they were.
          data: months.map((m) => [utc(`${m.month}-15`), m.arrived]),
          barMaxWidth: 24,
          itemStyle: { color: COLOURS.arrived },
          markArea: showsSuspension
            ? {
                silent: true,
                itemStyle: { color: COLOURS.suspension, borderColor: COLOURS.suspensionEdge, borderWidth: 1, borderType: 'dashed' },
                label: { show: true, position: 'insideTop', color: COLOURS.ink, fontSize: 12, overflow: 'break', width: 90 },
                data: [[{ name: t('dashboard.months.suspension'), xAxis: utc(SUSPENSION_2020.from) }, { xAxis: utc(SUSPENSION_2020.to) }]],
              }
            : undefined,
        },
      ],
    };
  }, [months, intl, t, first, last, showsSuspension]);

  const columns: Column<MonthFigures>[] = [
    { key: 'month', header: t('dashboard.months.month'), value: (r) => r.month, render: (r) => monthName(intl, r.month) },
    { key: 'arrived', header: t('stateOfPlay.col.arrived'), value: (r) => r.arrived, numeric: true },
  ];
  const total = sumOf(months, (m) => m.arrived);

  return (
    <ChartPanel
      title={title}
      testId="panel-months"
      empty={months.every((m) => m.arrived === 0)}
      filename={`arrivals-per-month-${roundId}`}
      chart={<LazyChart option={option} label={label} />}
      table={
        <DataTable
          caption={title}
          captionHidden
          columns={columns}
          rows={months}
          rowKey={(r) => r.month}
          totals={{ label: t('stateOfPlay.total'), values: { arrived: total } }}
        />
      }
      sheet={() => ({
        name: title,
        header: columns.map((c) => String(c.header)),
        rows: [...months.map((m) => [m.month, m.arrived]), [t('stateOfPlay.total'), total]],
      })}
      note={showsSuspension ? <FormattedMessage id="dashboard.months.note" values={suspension} /> : undefined}
    />
  );
}
