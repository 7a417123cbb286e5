import ExcelJS from 'exceljs';
import type { Translate } from '../i18n/i18n.ts';
import type { Table } from '../presentation/table.ts';
import type { AdmissionReturns } from './returns.ts';

/**
 * The returns of point 27 as the command line prints them and a spreadsheet takes them: a table of
 * states × pathways with totals, the family reunification requests and candidates admitted, and a
 * table per programme.
 */
export function returnsTables(r: AdmissionReturns, t: Translate): { title: string; byPathway: Table; byProgramme: Table; notes: string[] } {
  const extra = [t('returns.familyRequests'), t('returns.candidatesAdmitted')];
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const line = (label: string, s: AdmissionReturns['totals']) => [
    label,
    ...r.pathways.map((p) => s.byPathway[p] ?? 0),
    s.total,
    s.familyReunification.requests,
    sum(s.candidatesAdmitted),
  ];
  return {
    title: t('returns.title', { from: r.from, to: r.to }),
    byPathway: {
      headers: [t('returns.state'), ...r.pathways.map((p) => t(`pathway.${p}`)), t('returns.total'), ...extra],
      rows: [...r.states.map((s) => line(s.stateCode, s)), line(t('returns.total'), r.totals)],
      align: ['l', ...r.pathways.map(() => 'r' as const), 'r', ...extra.map(() => 'r' as const)],
      ruleBefore: [r.states.length],
    },
    byProgramme: {
      headers: [t('returns.state'), t('returns.programme'), t('rounds.pathways'), t('returns.total')],
      rows: r.states.flatMap((s) =>
        s.programmes.map((p) => [s.stateCode, p.code ?? t('returns.noProgramme'), t(`pathway.${p.pathway}`), p.persons]),
      ),
      align: ['l', 'l', 'l', 'r'],
    },
    notes: [],
  };
}

/** One row per state, pathway and programme: what a spreadsheet sums and pivots. */
export function returnsCsv(r: AdmissionReturns): { headers: string[]; rows: (string | number)[][] } {
  return {
    headers: ['from', 'to', 'member_state', 'pathway', 'programme', 'programme_kind', 'persons'],
    rows: r.states.flatMap((s) => s.programmes.map((p) => [r.from, r.to, s.stateCode, p.pathway, p.code ?? '', p.kind ?? '', p.persons])),
  };
}

/** A workbook: the states × pathways sheet with its totals, and the programmes sheet. */
export async function returnsWorkbook(r: AdmissionReturns, t: Translate): Promise<Buffer> {
  const view = returnsTables(r, t);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Pathways';
  for (const [name, table] of [
    [t('rounds.pathways'), view.byPathway],
    [t('returns.programme'), view.byProgramme],
  ] as const) {
    const ws = wb.addWorksheet(name.slice(0, 31));
    ws.addRow([view.title]).font = { bold: true };
    ws.addRow(table.headers).font = { bold: true };
    for (const row of table.rows) ws.addRow(row);
    ws.views = [{ state: 'frozen', ySplit: 2 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
