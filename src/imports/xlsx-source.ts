import ExcelJS from 'exceljs';
import { appError } from '../i18n/problem.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { checkHeader, fileSize, inputName, type CsvRecord, type CsvSourceOptions, type FileInput } from './csv-source.ts';

/** A cell as the text a CSV file would hold: dates as YYYY-MM-DD, numbers as written, formulas by their result. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
    return '';
  }
  return String(v);
}

/**
 * The first worksheet of an XLSX workbook as the same records a CSV file gives: its first row is
 * the header, checked the same way. The workbook is read whole: exceljs's streaming reader leaves
 * temporary files behind when a sheet comes before the shared strings in the archive.
 */
export async function* readXlsx(input: FileInput, opts: CsvSourceOptions): AsyncGenerator<CsvRecord> {
  const path = inputName(input);
  const total = typeof input === 'string' ? fileSize(input) : input.bytes.length;
  const wb = new ExcelJS.Workbook();
  let header: string[] | null = null;
  try {
    if (typeof input === 'string') await wb.xlsx.readFile(input);
    else await wb.xlsx.load(Buffer.from(input.bytes) as never);
    for (const sheet of wb.worksheets) {
      const rows: ExcelJS.Row[] = [];
      sheet.eachRow({ includeEmpty: false }, (r) => rows.push(r));
      for (const row of rows) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
        if (header === null) {
          header = values.map((h) => h.trim().toLowerCase());
          while (header.length > 0 && header[header.length - 1] === '') header.pop();
          checkHeader(path, header, opts);
          continue;
        }
        if (values.every((x) => x.trim() === '')) continue;
        const rec: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) rec[header[i]!] = values[i] ?? '';
        opts.onProgress?.(Math.round((total * row.number) / Math.max(1, sheet.rowCount)), total);
        yield { row: row.number, values: rec };
      }
      break; // the first worksheet only
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw appError(ErrorCode.BadInput, 'xlsxUnreadable', { p1: path, p2: (e as Error).message });
  }
  if (header === null) throw appError(ErrorCode.BadInput, 'xlsxEmpty', { p1: path, p2: opts.required.join(',') });
}
