import { formatCount, formatShare, translator } from '../i18n/i18n.ts';
import type { Lang } from '../reference/country.ts';
import { STATES, stateName } from '../reference/state.ts';
import type { Table } from '../presentation/table.ts';
import type { ForecastReport } from './evaluation.service.ts';
import type { ProcessingTimes } from './processing-times.ts';

const days = (n: number | null) => (n === null ? '–' : String(n));

/** One block per group: days in each stage (median, 90th percentile), on hold, end to end, drop-outs. */
export function processingTimesTables(list: readonly ProcessingTimes[], lang: Lang): { title: string; table: Table; notes: string[] }[] {
  const t = translator(lang);
  return list.map((pt) => {
    const label =
      Object.entries(pt.group)
        .map(([k, v]) => `${k}=${v ?? '–'}`)
        .join(', ') || t('times.all');
    const rows: Table['rows'] = pt.stages.map((s) => [s.stage, s.count, days(s.median), days(s.p90), s.open]);
    rows.push(['on_hold', pt.onHold.count, days(pt.onHold.median), days(pt.onHold.p90), pt.onHold.open]);
    rows.push([t('times.endToEnd'), pt.endToEnd.count, days(pt.endToEnd.median), days(pt.endToEnd.p90), '']);
    const d = pt.dropOuts;
    const notes = [
      t('times.dropOuts', {
        rejected: d.rejected,
        withdrawn: d.withdrawn,
        cases: d.cases,
        share: formatShare(d.share, lang),
        settled: formatShare(d.shareOfSettled, lang),
      }),
      ...d.reasons.slice(0, 5).map((r) => `  ${r.outcome}: ${r.reason ?? '–'} (${r.count})`),
    ];
    return {
      title: t('times.title', { group: label, cases: formatCount(pt.cases, lang) }),
      table: {
        headers: [t('times.stage'), t('times.stays'), t('times.median'), t('times.p90'), t('times.open')],
        rows,
        align: ['l', 'r', 'r', 'r', 'r'],
        ruleBefore: [rows.length - 1],
      },
      notes,
    };
  });
}

/** Per state and for the EU: arrived, expected by the end of the period with its interval, against pledges and the target. */
export function forecastTable(r: ForecastReport, lang: Lang): { title: string; table: Table; notes: string[] } {
  const t = translator(lang);
  const f = r.forecast;
  const n = (x: number) => formatCount(Math.round(x), lang);
  const order = new Map(STATES.map((s, i) => [s.code, i]));
  const rows: Table['rows'] = [...f.states]
    .sort((a, b) => (order.get(a.stateCode) ?? 99) - (order.get(b.stateCode) ?? 99))
    .map((s) => {
      const st = STATES.find((x) => x.code === s.stateCode);
      const pledged = r.pledged[s.stateCode] ?? 0;
      return [
        s.stateCode,
        st ? stateName(st, lang) : s.stateCode,
        n(pledged),
        n(s.arrived),
        n(s.additional.expected),
        `${n(s.additional.low)}–${n(s.additional.high)}`,
        n(s.total.expected),
        formatShare(pledged ? s.total.expected / pledged : null, lang),
      ];
    });
  const pledgedTotal = Object.values(r.pledged).reduce((a, b) => a + b, 0);
  rows.push([
    '',
    t('sop.total'),
    n(pledgedTotal),
    n(f.eu.arrived),
    n(f.eu.additional.expected),
    `${n(f.eu.additional.low)}–${n(f.eu.additional.high)}`,
    n(f.eu.total.expected),
    formatShare(pledgedTotal ? f.eu.total.expected / pledgedTotal : null, lang),
  ]);
  const target = r.round.target?.value ?? null;
  const notes: string[] = [];
  if (target !== null) {
    const verdict = f.eu.total.low >= target ? 'reached' : f.eu.total.high < target ? 'missed' : 'uncertain';
    notes.push(
      t(`forecast.verdict.${verdict}`, {
        target: n(target),
        until: f.until,
        expected: n(f.eu.total.expected),
        low: n(f.eu.total.low),
        high: n(f.eu.total.high),
      }),
    );
  }
  notes.push(
    t('forecast.basis', {
      cases: formatCount(f.basis.cases, lang),
      moves: formatCount(f.basis.observedMoves, lang),
      holds: formatCount(f.basis.observedHolds, lang),
      since: f.basis.observedSince ?? '–',
      iterations: f.iterations,
      window: f.method.window ?? t('forecast.allTime'),
    }),
  );
  if (f.basis.withoutData.cases > 0)
    notes.push(
      t('forecast.withoutData', {
        cases: formatCount(f.basis.withoutData.cases, lang),
        persons: formatCount(f.basis.withoutData.persons, lang),
      }),
    );
  return {
    title: t('forecast.title', { round: r.round.id, asOf: f.asOf, until: f.until }),
    table: {
      headers: [
        t('sop.code'),
        t('sop.state'),
        t('sop.pledged'),
        t('forecast.arrived'),
        t('forecast.more'),
        t('forecast.interval'),
        t('forecast.total'),
        t('forecast.ofPledge'),
      ],
      rows,
      align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ruleBefore: [rows.length - 1],
    },
    notes,
  };
}
