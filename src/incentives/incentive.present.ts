import ExcelJS from 'exceljs';
import type { Translate } from '../i18n/i18n.ts';
import type { Table } from '../presentation/table.ts';
import type { IncentiveReport } from './incentive.service.ts';

/**
 * The incentives report in its text shapes: a terminal table, CSV, and an XLSX workbook a Member
 * State could attach to its AMIF reporting (a sheet per state, and the totals).
 */

const personHeaders = (t: Translate) => [
  t('incentives.state'),
  t('incentives.case'),
  t('incentives.person'),
  t('incentives.arrived'),
  t('incentives.departure'),
  t('incentives.rate'),
  t('incentives.amount'),
  t('incentives.evidence'),
];
const totalHeaders = (t: Translate) => [t('incentives.state'), t('incentives.rate'), t('incentives.persons'), t('incentives.amount')];

const personRows = (r: IncentiveReport, t: Translate, state?: string) =>
  (r.persons ?? [])
    .filter((p) => state === undefined || p.stateCode === state)
    .map((p) => [
      p.stateCode,
      p.caseRef,
      p.personRef,
      p.arrivedOn,
      p.countryOfDeparture,
      p.rateId ?? t('incentives.noRate'),
      p.amount,
      p.explanation,
    ]);

/** Per state and rate, each state's total after its rates, then the grand total. */
function totalRows(r: IncentiveReport, t: Translate): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const s of r.states) {
    for (const x of r.byRate.filter((b) => b.stateCode === s.stateCode))
      out.push([s.stateCode, x.rateId ?? t('incentives.noRate'), x.persons, x.amount]);
    out.push([s.stateCode, t('incentives.total'), s.persons, s.amount]);
  }
  out.push([t('incentives.total'), '', r.total.persons, r.total.amount]);
  return out;
}

/** The persons (where the reader sees them), then the totals. */
export function incentiveTables(r: IncentiveReport, t: Translate): Table[] {
  const totals: Table = {
    headers: totalHeaders(t),
    rows: totalRows(r, t),
    align: ['l', 'l', 'r', 'r'],
    ruleBefore: [totalRows(r, t).length - 1],
  };
  if (r.persons === null) return [totals];
  return [{ headers: personHeaders(t), rows: personRows(r, t), align: ['l', 'l', 'l', 'l', 'l', 'l', 'r', 'l'] }, totals];
}

/** CSV: one line per person (or, for the Commission, per state and rate). */
export function incentiveCsv(r: IncentiveReport, t: Translate): { headers: string[]; rows: (string | number)[][] } {
  return r.persons === null ? { headers: totalHeaders(t), rows: totalRows(r, t) } : { headers: personHeaders(t), rows: personRows(r, t) };
}

/** A sheet per state (its persons and its total), and a sheet of the totals per state and rate with the grand total. */
export async function incentiveWorkbook(r: IncentiveReport, t: Translate): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Pathways';
  const sheet = (name: string, headers: string[], rows: (string | number)[][], amountColumn: number) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers).font = { bold: true };
    for (const row of rows) ws.addRow(row);
    ws.getColumn(amountColumn).numFmt = '#,##0';
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    return ws;
  };
  if (r.persons !== null) {
    for (const s of r.states) {
      const ws = sheet(s.stateCode, personHeaders(t), personRows(r, t, s.stateCode), 7);
      ws.addRow([t('incentives.total'), '', '', '', '', '', s.amount]).font = { bold: true };
    }
  }
  sheet(t('incentives.total'), totalHeaders(t), totalRows(r, t), 4);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
