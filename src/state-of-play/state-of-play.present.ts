import { formatCount, formatShare, shippedText, translator } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import type { Lang } from '../reference/country.ts';
import type { Table } from '../presentation/table.ts';
import { documentFigureLines } from '../rounds/round.present.ts';
import type { Source } from '../rounds/round.ts';
import type { StateOfPlay } from './state-of-play.ts';

function topDepartures(byDeparture: Record<string, number>, lang: Lang, n = 3): string {
  return Object.entries(byDeparture)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, n)
    .map(([c, k]) => `${c} ${formatCount(k, lang)}`)
    .join(', ');
}

export function stateOfPlayTable(s: StateOfPlay, sources: readonly Source[], lang: Lang): { title: string; table: Table; notes: string[] } {
  const t = translator(lang);
  const totalDep: Record<string, number> = {};
  for (const st of s.states) for (const [c, n] of Object.entries(st.byDeparture)) totalDep[c] = (totalDep[c] ?? 0) + n;
  const rows: Table['rows'] = s.states.map((st) => [
    st.code,
    st.name,
    formatCount(st.pledged, lang),
    st.carryOver ? `[${formatCount(st.carryOver, lang)}]` : '',
    formatCount(st.arrived, lang),
    formatShare(st.deliveredShare, lang),
    topDepartures(st.byDeparture, lang),
  ]);
  rows.push([
    '',
    t('sop.total'),
    formatCount(s.totals.pledged, lang),
    s.totals.carryOver ? `[${formatCount(s.totals.carryOver, lang)}]` : '',
    formatCount(s.totals.arrived, lang),
    formatShare(s.totals.deliveredShare, lang),
    topDepartures(totalDep, lang),
  ]);
  const notes: string[] = [];
  if (s.target !== null) {
    const statement = [t(`qualifier.${s.targetQualifier ?? 'exact'}`), formatCount(s.target, lang)].filter(Boolean).join(' ');
    notes.push(
      t('sop.target', { statement, arrived: formatCount(s.totals.arrived, lang), share: formatShare(s.totals.targetShare, lang) }),
    );
  } else notes.push(t('sop.noTarget'));
  if (s.documentFigures.length > 0) notes.push(t('sop.documentFigures'), ...documentFigureLines(s.round, s.documentFigures, sources, lang));
  return {
    title: t('sop.title', { title: shippedText(lang, shippedKeys.roundTitle(s.round), s.title), asOf: s.asOf }),
    table: {
      headers: [
        t('sop.code'),
        t('sop.state'),
        t('sop.pledged'),
        t('sop.carryOver'),
        t('sop.arrived'),
        t('sop.delivered'),
        t('sop.departures'),
      ],
      rows,
      align: ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
      ruleBefore: [rows.length - 1],
    },
    notes,
  };
}

/** Wide CSV: a row per state and a total row; one column per country of departure (ISO alpha-3). */
export function stateOfPlayCsvRows(s: StateOfPlay) {
  const departures = [...new Set(s.states.flatMap((st) => Object.keys(st.byDeparture)))].sort();
  const headers = ['code', 'name', 'pledged', 'carry_over', 'arrived', 'delivered_share', ...departures.map((d) => `departure_${d}`)];
  const share = (v: number | null) => (v === null ? null : Number(v.toFixed(6)));
  const rows: (string | number | null)[][] = s.states.map((st) => [
    st.code,
    st.name,
    st.pledged,
    st.carryOver,
    st.arrived,
    share(st.deliveredShare),
    ...departures.map((d) => st.byDeparture[d] ?? 0),
  ]);
  rows.push([
    'EU',
    'total',
    s.totals.pledged,
    s.totals.carryOver,
    s.totals.arrived,
    share(s.totals.deliveredShare),
    ...departures.map((d) => s.states.reduce((n, st) => n + (st.byDeparture[d] ?? 0), 0)),
  ]);
  return { headers, rows };
}
