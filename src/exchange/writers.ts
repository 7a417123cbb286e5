import ExcelJS from 'exceljs';
import type { Translate } from '../i18n/i18n.ts';
import { csvText } from './csv-cell.ts';
import type { Dataset, DatasetCell } from './dataset.ts';

/**
 * The four shapes a dataset is exchanged in. Pure: a dataset in, text or bytes out. Every CSV goes
 * through `csvText` of csv-cell.ts (RFC 4180, a cell a spreadsheet would run as a formula defused); an empty cell is
 * "no value", never a zero.
 */
export const EXPORT_FORMATS = ['csv', 'xlsx', 'hxl', 'sdmx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each format is sent as, and the file name's extension. */
export const FORMAT_MEDIA: Record<ExportFormat, { type: string; extension: string }> = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
  // HXL is CSV with a hashtag row: a CSV tool opens it as it is.
  hxl: { type: 'text/csv; charset=utf-8', extension: 'hxl.csv' },
  // SDMX-CSV 2.0's media type (SDMX 3.0 section 6, registered with IANA).
  sdmx: { type: 'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8', extension: 'sdmx.csv' },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
};

/** Plain CSV: the headers in the report's language, one row per observation. */
export function datasetToCsv(d: Dataset): string {
  return csvText(
    d.columns.map((c) => c.header),
    d.rows,
  );
}

/**
 * HXL-tagged CSV (HXL standard 1.1): the header row, then the hashtag row (a column the dataset
 * leaves untagged has an empty cell there, which HXL allows), then the data. Notes are not rows:
 * an HXL reader would read them as data.
 */
export function datasetToHxl(d: Dataset): string {
  const headers = d.columns.map((c) => c.header);
  const tags = d.columns.map((c) => c.hxl ?? '');
  return csvText(headers, [tags, ...d.rows]);
}

/**
 * SDMX-CSV 2.0: `STRUCTURE,STRUCTURE_ID,ACTION`, then the components by id — dimensions, then
 * measures, then attributes. One measure is written as OBS_VALUE (SDMX's primary measure); several
 * (SDMX 3.0) each under its own id. Each row is an observation of the dataflow, action I
 * (information: merged into what the receiver holds).
 */
export function datasetToSdmxCsv(d: Dataset): string {
  const order = (['dimension', 'measure', 'attribute'] as const).flatMap((role) =>
    d.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.role === role),
  );
  const measures = d.columns.filter((c) => c.role === 'measure').length;
  const headers = [
    'STRUCTURE',
    'STRUCTURE_ID',
    'ACTION',
    ...order.map(({ c }) => (c.role === 'measure' && measures === 1 ? 'OBS_VALUE' : c.id)),
  ];
  const id = `${d.dataflow.agency}:${d.dataflow.id}(${d.dataflow.version})`;
  return csvText(
    headers,
    d.rows.map((r) => ['dataflow', id, 'I', ...order.map(({ i }) => r[i] ?? null)]),
  );
}

const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Data';

/** XLSX: a data sheet (headers, then the observations; an empty cell is no value) and a notes sheet (the dataflow, the notes, each column's concept and hashtag). */
export async function datasetToXlsx(d: Dataset, t: Translate): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Pathways';
  const data = wb.addWorksheet(sheetName(t('exports.sheet.data')));
  data.addRow(d.columns.map((c) => c.header)).font = { bold: true };
  for (const row of d.rows) data.addRow(row.map((v: DatasetCell) => v ?? undefined));
  data.views = [{ state: 'frozen', ySplit: 1 }];
  const notes = wb.addWorksheet(sheetName(t('exports.sheet.notes')));
  notes.addRow([d.title]).font = { bold: true };
  notes.addRow([`${d.dataflow.agency}:${d.dataflow.id}(${d.dataflow.version})`]);
  for (const n of d.notes) notes.addRow([n]);
  notes.addRow([]);
  notes.addRow([t('exports.sheet.concept'), t('exports.sheet.header'), t('exports.sheet.hashtag'), t('exports.sheet.role')]).font = {
    bold: true,
  };
  for (const c of d.columns) notes.addRow([c.id, c.header, c.hxl ?? '', c.role]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One call for the command line and the API. */
export async function writeDatasetAs(format: ExportFormat, d: Dataset, t: Translate): Promise<string | Buffer> {
  if (format === 'csv') return datasetToCsv(d);
  if (format === 'hxl') return datasetToHxl(d);
  if (format === 'sdmx') return datasetToSdmxCsv(d);
  return datasetToXlsx(d, t);
}
