import { useMemo } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { stateName } from '../admin/states.ts';
import { ChartPanel } from '../charts/chart-panel.tsx';
import { LazyChart } from '../charts/lazy.ts';
import type { ChartOption } from '../charts/option.ts';
import { COLOURS } from '../charts/style.ts';
import { RoundBody, useRoundInAddress } from '../state-of-play/round-page.tsx';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons, exportLink } from '../ui/download-buttons.tsx';
import { formatCount, formatDay } from '../ui/format.ts';
import { Notice, PageHeader } from '../ui/status.tsx';
import { useAdmissions, type AdmissionReturns } from './programmes.api.ts';
import './programmes.css';

type StateLine = AdmissionReturns['states'][number];
/** One colour per pathway, told apart by colour-blind readers too (Okabe–Ito); the table carries the meaning as text. */
const PATHWAY_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];

/**
 * The returns of point 27: per state, the persons admitted (arrived) under humanitarian admission
 * and each complementary pathway in the round's period, with totals; per programme below. The same
 * figures as `pathways report admissions`; the Commission sees every state's, a state its own.
 */
export function ReturnsPage() {
  const choice = useRoundInAddress();
  const returns = useAdmissions(choice.round ? { round: choice.round.id } : {});

  return (
    <div className="programmes">
      <PageHeader title={<FormattedMessage id="returns.title" />} />
      <p className="lead">
        <FormattedMessage id="returns.lead" />
      </p>
      <RoundBody choice={choice} query={returns}>
        {(r) => <Returns r={r} />}
      </RoundBody>
    </div>
  );
}

function Returns({ r }: { r: AdmissionReturns }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const pathwayName = (p: string) => t(`cases.pathway.${p}`);
  const name = (code: string) => stateName(code, intl.locale);
  const period = t('returns.period', { from: formatDay(intl, r.from), to: formatDay(intl, r.to) });
  const title = t('returns.byPathway');

  const columns: Column<StateLine>[] = [
    { key: 'state', header: t('common.state'), value: (s) => name(s.stateCode) },
    ...r.pathways.map((p): Column<StateLine> => ({ key: p, header: pathwayName(p), value: (s) => s.byPathway[p] ?? 0, numeric: true })),
    { key: 'total', header: t('common.total'), value: (s) => s.total, numeric: true },
    { key: 'family', header: t('returns.familyRequests'), value: (s) => s.familyReunification.requests, numeric: true },
    {
      key: 'candidates',
      header: t('returns.candidatesAdmitted'),
      value: (s) => Object.values(s.candidatesAdmitted).reduce((a, b) => a + b, 0),
      numeric: true,
    },
  ];
  const totalsRow = [
    ...r.pathways.map((p) => r.totals.byPathway[p] ?? 0),
    r.totals.total,
    r.totals.familyReunification.requests,
    Object.values(r.totals.candidatesAdmitted).reduce((a, b) => a + b, 0),
  ];
  const totals = {
    label: t('common.total'),
    values: {
      ...Object.fromEntries(r.pathways.map((p) => [p, r.totals.byPathway[p] ?? 0])),
      total: r.totals.total,
      family: r.totals.familyReunification.requests,
      candidates: Object.values(r.totals.candidatesAdmitted).reduce((a, b) => a + b, 0),
    },
  };
  const sheet = () => ({
    name: title,
    header: [t('returns.code'), ...columns.map((c) => String(c.header))],
    rows: [...r.states.map((s) => [s.stateCode, ...columns.map((c) => c.value(s))]), ['EU', t('common.total'), ...totalsRow]],
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
        data: r.states.map((s) => stateName(s.stateCode, intl.locale)),
        axisLabel: { color: COLOURS.ink },
        axisTick: { show: false },
      },
      series: r.pathways.map((p, i) => ({
        type: 'bar',
        stack: 'admitted',
        name: intl.formatMessage({ id: `cases.pathway.${p}` }),
        data: r.states.map((s) => s.byPathway[p] ?? 0),
        itemStyle: { color: PATHWAY_COLOURS[i % PATHWAY_COLOURS.length]! },
      })),
    }),
    [r, intl],
  );
  const label = t('returns.chartLabel', { states: formatCount(intl, r.states.length), total: formatCount(intl, r.totals.total) });

  const programmeRows = r.states.flatMap((s) => s.programmes.map((p) => ({ ...p, stateCode: s.stateCode })));
  const programmeSheet = () => ({
    name: t('returns.byProgramme'),
    header: [t('common.state'), t('programmes.code'), t('programmes.kind'), t('programmes.pathway'), t('returns.persons')],
    rows: programmeRows.map((p) => [
      p.stateCode,
      p.code ?? t('returns.noProgramme'),
      p.kind ? t(`programmes.kind.${p.kind}`) : '',
      pathwayName(p.pathway),
      p.persons,
    ]),
  });

  return (
    <>
      <p className="hint" data-testid="returns-period">
        {period}
      </p>
      {r.states.length === 0 ? (
        <Notice>
          <FormattedMessage id="returns.none" />
        </Notice>
      ) : (
        <>
          <section className="panel" aria-labelledby="returns-table">
            <div className="panel-head">
              <h2 id="returns-table">{title}</h2>
              <DownloadButtons
                sheet={sheet}
                filename={`admissions-${r.round ?? `${r.from}-${r.to}`}`}
                what={title}
                exchange={exportLink('admissions', r.round ? { round: r.round } : { from: r.from, to: r.to }, intl.locale)}
              />
            </div>
            <div data-testid="returns">
              <DataTable caption={`${title} (${period})`} columns={columns} rows={r.states} rowKey={(s) => s.stateCode} totals={totals} />
            </div>
          </section>
          <ChartPanel
            title={t('returns.chartTitle')}
            filename={`admissions-chart-${r.round ?? r.from}`}
            chart={<LazyChart option={option} label={label} height={Math.max(180, r.states.length * 32 + 80)} />}
            table={
              <DataTable
                caption={t('returns.chartTitle')}
                captionHidden
                columns={columns}
                rows={r.states}
                rowKey={(s) => s.stateCode}
                totals={totals}
              />
            }
            sheet={sheet}
          />
          <section className="panel" aria-labelledby="returns-programmes">
            <div className="panel-head">
              <h2 id="returns-programmes">{t('returns.byProgramme')}</h2>
              <DownloadButtons
                sheet={programmeSheet}
                filename={`admissions-programmes-${r.round ?? r.from}`}
                what={t('returns.byProgramme')}
              />
            </div>
            <DataTable
              caption={t('returns.byProgramme')}
              captionHidden
              columns={[
                { key: 'state', header: t('common.state'), value: (p) => name(p.stateCode) },
                { key: 'code', header: t('programmes.code'), value: (p) => p.code ?? t('returns.noProgramme') },
                { key: 'pathway', header: t('programmes.pathway'), value: (p) => pathwayName(p.pathway) },
                { key: 'persons', header: t('returns.persons'), value: (p) => p.persons, numeric: true },
              ]}
              rows={programmeRows}
              rowKey={(p) => `${p.stateCode}:${p.pathway}:${p.code ?? ''}`}
            />
          </section>
        </>
      )}
    </>
  );
}
