import { FormattedMessage, useIntl } from 'react-intl';
import { ChartPanel } from '../charts/chart-panel.tsx';
import type { MapArea } from '../charts/europe-map.tsx';
import { LazyEuropeMap } from '../charts/lazy.ts';
import { escapeHtml } from '../charts/style.ts';
import { formatCount, formatShare } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { ISO_NUMERIC, scaleTop, type StateFigures } from './dashboard.figures.ts';

/** The map of Europe, each state shaded by the share of its pledge delivered. */
export function MapPanel({ rows, roundId }: { rows: StateFigures[]; roundId: string }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const title = t('dashboard.map.title');
  const top = scaleTop(rows.map((r) => r.deliveredShare));

  const areas: MapArea[] = rows.flatMap((r) => {
    const id = ISO_NUMERIC[r.code];
    if (!id) return [];
    const tooltip =
      r.deliveredShare === null
        ? intl.formatMessage({ id: 'dashboard.map.tooltipNoPledge' }, { state: r.name })
        : intl.formatMessage(
            { id: 'dashboard.map.tooltip' },
            {
              state: r.name,
              share: formatShare(intl, r.deliveredShare),
              arrived: formatCount(intl, r.arrived),
              pledged: formatCount(intl, r.pledged),
            },
          );
    return [{ id, value: r.deliveredShare, tooltip: escapeHtml(tooltip) }];
  });

  const withPledge = rows.filter((r) => r.deliveredShare !== null);
  const highest = [...withPledge].sort((a, b) => (b.deliveredShare ?? 0) - (a.deliveredShare ?? 0))[0];
  const lowest = [...withPledge].sort((a, b) => (a.deliveredShare ?? 0) - (b.deliveredShare ?? 0))[0];
  const label = intl.formatMessage(
    { id: 'dashboard.map.label' },
    {
      states: withPledge.length,
      highest: highest?.name ?? '–',
      highestShare: formatShare(intl, highest?.deliveredShare ?? null),
      lowest: lowest?.name ?? '–',
      lowestShare: formatShare(intl, lowest?.deliveredShare ?? null),
    },
  );

  const columns: Column<StateFigures>[] = [
    { key: 'name', header: t('stateOfPlay.col.state'), value: (r) => r.name },
    {
      key: 'share',
      header: t('stateOfPlay.col.delivered'),
      value: (r) => r.deliveredShare,
      render: (r) => formatShare(intl, r.deliveredShare),
      numeric: true,
    },
    { key: 'arrived', header: t('stateOfPlay.col.arrived'), value: (r) => r.arrived, numeric: true },
    { key: 'pledged', header: t('stateOfPlay.col.pledged'), value: (r) => r.pledged, numeric: true },
  ];

  return (
    <ChartPanel
      title={title}
      testId="panel-map"
      filename={`share-delivered-${roundId}`}
      chart={
        <LazyEuropeMap
          areas={areas}
          label={label}
          max={top}
          format={(v) => formatShare(intl, v)}
          over={intl.formatMessage({ id: 'dashboard.map.over' }, { share: formatShare(intl, top) })}
        />
      }
      table={
        <DataTable
          caption={title}
          captionHidden
          columns={columns}
          rows={withPledge}
          rowKey={(r) => r.code}
          initialSort={{ key: 'share', descending: true }}
        />
      }
      sheet={() => ({
        name: title,
        header: [t('stateOfPlay.col.code'), ...columns.map((c) => String(c.header))],
        rows: withPledge.map((r) => [r.code, r.name, r.deliveredShare, r.arrived, r.pledged]),
      })}
      note={<FormattedMessage id="dashboard.map.note" />}
    />
  );
}
