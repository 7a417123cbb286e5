import { AGENCY, columns, NOT_APPLICABLE, TOTAL } from '../exchange/concepts.ts';
import type { Dataset, DatasetCell } from '../exchange/dataset.ts';
import { shippedBy, type Translate } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import type { IncentiveReport } from './incentive.service.ts';

/**
 * The incentives as observations: persons and amount per state and rate (INCENTIVE_RATE `_Z`: no
 * rate applies), each state's total (`_T`) and the round's (REF_AREA `_T`). Totals only: the
 * report's persons, where the reader sees them, never leave in an exchange format. Pure.
 */
export function incentiveDataset(r: IncentiveReport, t: Translate): Dataset {
  const rows: DatasetCell[][] = [];
  for (const s of r.states) {
    for (const x of r.byRate.filter((b) => b.stateCode === s.stateCode))
      rows.push([r.round, s.stateCode, x.rateId ?? NOT_APPLICABLE, x.persons, x.amount, r.currency]);
    rows.push([r.round, s.stateCode, TOTAL, s.persons, s.amount, r.currency]);
  }
  rows.push([r.round, TOTAL, TOTAL, r.total.persons, r.total.amount, r.currency]);
  return {
    dataflow: { agency: AGENCY, id: 'INCENTIVES', version: '1.0' },
    title: shippedBy(t, shippedKeys.roundTitle(r.round), r.title),
    columns: columns(t, [
      ['ROUND', 'dimension'],
      ['REF_AREA', 'dimension'],
      ['INCENTIVE_RATE', 'dimension'],
      ['PERSONS', 'measure'],
      ['AMOUNT', 'measure'],
      ['CURRENCY', 'attribute'],
    ]),
    rows,
    notes: [t('exports.note.incentives'), t('exports.note.totalCode')],
  };
}
