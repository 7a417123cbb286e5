import { AGENCY, columns, NOT_APPLICABLE, sdmxTimeRange, TOTAL } from '../exchange/concepts.ts';
import type { Dataset, DatasetCell } from '../exchange/dataset.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { AdmissionReturns } from './returns.ts';

/**
 * The returns of point 27 as observations: persons admitted per state, pathway and programme
 * (PROGRAMME `_Z`: under none), per state and pathway (PROGRAMME `_T`), and per state in all
 * (PATHWAY `_T`) with the family reunification requests and candidates admitted; then every state
 * together (REF_AREA `_T`). The period is SDMX's time range, its first and last day beside it. Pure.
 */
export function returnsDataset(r: AdmissionReturns, t: Translate): Dataset {
  const period = sdmxTimeRange(r.from, r.to);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const row = (
    area: string,
    pathway: string,
    programme: string,
    admitted: number,
    family: number | null,
    candidates: number | null,
    kind: string | null,
  ): DatasetCell[] => [area, pathway, programme, period, admitted, family, candidates, kind, r.from, r.to];
  const rows: DatasetCell[][] = [];
  for (const s of r.states) {
    for (const p of s.programmes) rows.push(row(s.stateCode, p.pathway, p.code ?? NOT_APPLICABLE, p.persons, null, null, p.kind));
    for (const p of r.pathways) rows.push(row(s.stateCode, p, TOTAL, s.byPathway[p] ?? 0, null, null, null));
    rows.push(row(s.stateCode, TOTAL, TOTAL, s.total, s.familyReunification.requests, sum(s.candidatesAdmitted), null));
  }
  for (const p of r.pathways) rows.push(row(TOTAL, p, TOTAL, r.totals.byPathway[p] ?? 0, null, null, null));
  rows.push(row(TOTAL, TOTAL, TOTAL, r.totals.total, r.totals.familyReunification.requests, sum(r.totals.candidatesAdmitted), null));
  return {
    dataflow: { agency: AGENCY, id: 'ADMISSIONS', version: '1.0' },
    title: t('returns.title', { from: r.from, to: r.to }),
    columns: columns(t, [
      ['REF_AREA', 'dimension'],
      ['PATHWAY', 'dimension'],
      ['PROGRAMME', 'dimension'],
      ['TIME_PERIOD', 'dimension'],
      ['ADMITTED', 'measure'],
      ['FAMILY_REQUESTS', 'measure'],
      ['CANDIDATES_ADMITTED', 'measure'],
      ['PROGRAMME_KIND', 'attribute'],
      ['PERIOD_START', 'attribute'],
      ['PERIOD_END', 'attribute'],
    ]),
    rows,
    notes: [t('exports.note.admissions'), t('exports.note.totalCode'), t('exports.note.exact')],
  };
}
