import { AGENCY, columns, TOTAL } from '../exchange/concepts.ts';
import type { Dataset, DatasetCell } from '../exchange/dataset.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { Pipeline } from './pipeline.ts';

/** The pipeline as observations: cases and persons per state and status (statuses holding none left out), each state's total (STATUS `_T`) and every state's (REF_AREA `_T`). Pure. */
export function pipelineDataset(p: Pipeline, t: Translate): Dataset {
  const rows: DatasetCell[][] = [];
  for (const s of [...p.states.map((x) => ({ code: x.code, byStatus: x.byStatus })), { code: TOTAL, byStatus: p.totals.byStatus }]) {
    let cases = 0;
    let persons = 0;
    for (const [status, v] of Object.entries(s.byStatus)) {
      if (v.cases === 0) continue;
      rows.push([p.round, s.code, status, v.cases, v.persons]);
      cases += v.cases;
      persons += v.persons;
    }
    rows.push([p.round, s.code, TOTAL, cases, persons]);
  }
  return {
    dataflow: { agency: AGENCY, id: 'PIPELINE', version: '1.0' },
    title: t('pipeline.title', { round: p.round }),
    columns: columns(t, [
      ['ROUND', 'dimension'],
      ['REF_AREA', 'dimension'],
      ['STATUS', 'dimension'],
      ['CASES', 'measure'],
      ['PERSONS', 'measure'],
    ]),
    rows,
    notes: [t('exports.note.totalCode'), t('exports.note.exact')],
  };
}
