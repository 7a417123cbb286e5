import { AGENCY, columns, fraction, TOTAL } from '../exchange/concepts.ts';
import type { Dataset, DatasetCell } from '../exchange/dataset.ts';
import { shippedBy, type Translate } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import type { StateOfPlay } from './state-of-play.ts';

/**
 * The state of play (P 26) as observations: per state (COUNTRY_DEPARTURE `_T`) its places pledged,
 * carried over, persons arrived and share delivered; per state and country of departure its
 * arrivals; and the same for every state together (REF_AREA `_T`). Pure, from the report the JSON
 * API returns; the figures are the report's, exact (no rounding: these go to the Commission).
 */
export function stateOfPlayDataset(s: StateOfPlay, t: Translate): Dataset {
  const head = (area: string, departure: string): DatasetCell[] => [s.round, area, departure, s.asOf];
  const rows: DatasetCell[][] = [];
  const totalDep = new Map<string, number>();
  for (const st of s.states) {
    rows.push([...head(st.code, TOTAL), st.pledged, st.carryOver, st.arrived, fraction(st.deliveredShare)]);
    for (const [dep, n] of Object.entries(st.byDeparture)) {
      rows.push([...head(st.code, dep), null, null, n, null]);
      totalDep.set(dep, (totalDep.get(dep) ?? 0) + n);
    }
  }
  rows.push([...head(TOTAL, TOTAL), s.totals.pledged, s.totals.carryOver, s.totals.arrived, fraction(s.totals.deliveredShare)]);
  for (const [dep, n] of [...totalDep].sort(([a], [b]) => a.localeCompare(b))) rows.push([...head(TOTAL, dep), null, null, n, null]);
  return {
    dataflow: { agency: AGENCY, id: 'STATE_OF_PLAY', version: '1.0' },
    title: t('sop.title', { title: shippedBy(t, shippedKeys.roundTitle(s.round), s.title), asOf: s.asOf }),
    columns: columns(t, [
      ['ROUND', 'dimension'],
      ['REF_AREA', 'dimension'],
      ['COUNTRY_DEPARTURE', 'dimension'],
      ['TIME_PERIOD', 'dimension'],
      ['PLEDGED', 'measure'],
      ['CARRY_OVER', 'measure'],
      ['ARRIVED', 'measure'],
      ['DELIVERED_SHARE', 'measure'],
    ]),
    rows,
    notes: [
      t('exports.note.stateOfPlay', { pathways: s.pathways.map((p) => t(`pathway.${p}`)).join(', '), asOf: s.asOf }),
      t('exports.note.totalCode'),
      t('exports.note.exact'),
    ],
  };
}
