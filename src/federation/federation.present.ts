import { formatCount, formatShare, translator } from '../i18n/i18n.ts';
import type { Table } from '../presentation/table.ts';
import type { Lang } from '../reference/country.ts';
import type { FederationKey, ReturnsMatrix, SentReturn } from './federation.service.ts';
import type { ReturnsStateOfPlay } from './return.ts';

/** The text shapes of the federation: keys, returns sent, the matrix of who reported, the state of play from returns. */
const short = (digest: string) => digest.slice(0, 16);
const minute = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

export function keysTable(keys: readonly FederationKey[], lang: Lang): Table {
  const t = translator(lang);
  return {
    headers: [t('federation.cli.state'), t('federation.cli.fingerprint'), t('federation.cli.registeredAt'), t('federation.cli.revokedAt')],
    rows: keys.map((k) => [k.state, k.fingerprint, minute(k.registeredAt), minute(k.revokedAt)]),
  };
}

export function sentTable(sent: readonly SentReturn[], lang: Lang): Table {
  const t = translator(lang);
  return {
    headers: [
      t('federation.cli.state'),
      t('federation.cli.round'),
      t('federation.cli.asOf'),
      t('federation.cli.sentAt'),
      t('federation.cli.to'),
      t('federation.cli.outcome'),
      t('federation.cli.receivedAt'),
      t('federation.cli.digest'),
    ],
    rows: sent.map((s) => [
      s.state,
      s.round,
      s.asOf,
      minute(s.sentAt),
      s.to,
      s.outcome === 'refused' ? `${s.outcome}: ${s.error ?? ''}` : s.outcome,
      minute(s.receipt?.receivedAt),
      short(s.digest),
    ]),
  };
}

/** States down, days across; each cell the time the latest return for that day was received, or "not reported". */
export function matrixTable(m: ReturnsMatrix, lang: Lang): Table {
  const t = translator(lang);
  return {
    headers: [t('federation.cli.state'), ...m.dates],
    rows: m.states.map((s) => [
      s.state,
      ...m.dates.map((d) =>
        s.reported[d] ? `${minute(s.reported[d].receivedAt)} ${short(s.reported[d].digest).slice(0, 8)}` : t('federation.cli.notReported'),
      ),
    ]),
  };
}

export function returnsStateOfPlayTable(s: ReturnsStateOfPlay, lang: Lang): { title: string; table: Table } {
  const t = translator(lang);
  const rows: Table['rows'] = s.states.map((st) => [
    st.code,
    st.name,
    formatCount(st.pledged, lang),
    st.arrived === null ? t('federation.cli.notReported') : formatCount(st.arrived, lang),
    st.arrived === null ? '' : formatShare(st.deliveredShare, lang),
    st.reported?.asOf ?? '',
  ]);
  rows.push([
    '',
    t('sop.total'),
    formatCount(s.totals.pledged, lang),
    formatCount(s.totals.arrived, lang),
    formatShare(s.totals.deliveredShare, lang),
    '',
  ]);
  return {
    title: t('federation.cli.sopTitle', { round: s.round, asOf: s.asOf, reported: s.reported, states: s.states.length }),
    table: {
      headers: [
        t('sop.code'),
        t('federation.cli.state'),
        t('federation.cli.pledged'),
        t('federation.cli.arrived'),
        t('federation.cli.share'),
        t('federation.cli.returnOf'),
      ],
      rows,
      align: ['l', 'l', 'r', 'r', 'r', 'l'],
      ruleBefore: [s.states.length],
    },
  };
}
