import { parse, CsvError } from 'csv-parse';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { appError, rowProblem } from '../i18n/problem.ts';

export interface CsvRecord {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: number;
  values: Record<string, string>;
}

/** Columns a file may have: the widest layout has 27; more is not a file of ours (and a cost on every row). */
export const MAX_COLUMNS = 200;
/** Characters a cell may hold: a needs text is the longest; a 15 MB field is not a cell (issue 19). */
export const MAX_CELL_CHARS = 10_000;

export interface CsvSourceOptions {
  required: readonly string[];
  optional?: readonly string[];
  /** Called with the bytes read so far and the file's size, for a progress bar. */
  onProgress?: (read: number, total: number) => void;
}

/**
 * What an import reads: a file's path, or a file held in memory (an upload through the API) with the
 * name its messages use.
 */
export type FileInput = string | { name: string; bytes: Uint8Array };
export const inputName = (input: FileInput): string => (typeof input === 'string' ? input : input.name);

/** The size of a file, or a clear error where it cannot be read. */
export function fileSize(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw appError(ErrorCode.BadInput, 'notAFile', { p1: path });
    return st.size;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw appError(ErrorCode.NotFound, 'cannotRead', { p1: path, p2: (e as Error).message });
  }
}

/**
 * Streams a CSV file's rows as records keyed by column name. The header is checked first:
 * a missing required column or an unknown column stops the import before any row is read.
 */
export async function* readCsv(input: FileInput, opts: CsvSourceOptions): AsyncGenerator<CsvRecord> {
  const path = inputName(input);
  const total = typeof input === 'string' ? fileSize(input) : input.bytes.length;
  // A header far wider than any layout is refused before csv-parse spends a second on it (issue 19).
  if (headerCommas(input) > MAX_COLUMNS) throw appError(ErrorCode.BadInput, 'tooManyColumns', { p1: path, max: MAX_COLUMNS, row: 1 });
  const stream = typeof input === 'string' ? createReadStream(input) : Readable.from([Buffer.from(input.bytes)]);
  let read = 0;
  stream.on('data', (chunk: Buffer) => {
    read += chunk.length;
    opts.onProgress?.(read, total);
  });
  // Rows are counted as a spreadsheet counts them (a quoted line break stays in its row); csv-parse's
  // `info` would give line numbers, at twice the parsing cost.
  // max_record_size bounds csv-parse's field and line buffers, so a huge field fails as it is read.
  const parser = stream.pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_CELL_CHARS * (MAX_COLUMNS + 1) }),
  );
  let header: string[] | null = null;
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (record.length > MAX_COLUMNS) throw appError(ErrorCode.BadInput, 'tooManyColumns', { p1: path, max: MAX_COLUMNS, row: rowNumber });
      for (const cell of record)
        if (cell.length > MAX_CELL_CHARS)
          throw appError(ErrorCode.BadInput, 'cellTooLong', { p1: path, max: MAX_CELL_CHARS, row: rowNumber });
      if (header === null) {
        header = record.map((h) => h.trim().toLowerCase());
        checkHeader(path, header, opts);
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = record[i] ?? '';
      if (record.length !== header.length) values.__columns = `${record.length}/${header.length}`;
      yield { row: rowNumber, values };
    }
  } catch (e) {
    if (e instanceof CsvError && e.code === 'CSV_MAX_RECORD_SIZE') {
      // csv-parse may be records ahead of this loop: its own count of records says the row.
      const parsed = (e as CsvError & { records?: number }).records;
      throw appError(ErrorCode.BadInput, 'cellTooLong', {
        p1: path,
        max: MAX_CELL_CHARS,
        row: (typeof parsed === 'number' ? parsed : rowNumber) + 1,
      });
    }
    if (e instanceof CsvError) {
      throw appError(ErrorCode.BadInput, 'csvUnreadable', { p1: path, p2: e.message }, [
        { row: (e as CsvError & { lines?: number }).lines ?? 0, column: '', value: '', reason: e.message },
      ]);
    }
    throw e;
  } finally {
    stream.destroy();
  }
  if (header === null) throw appError(ErrorCode.BadInput, 'csvEmpty', { p1: path, p2: opts.required.join(',') });
}

/** The commas of a file's first line (at most its first MiB): a header's width, or more where a name is quoted with commas. */
function headerCommas(input: FileInput): number {
  let head: Uint8Array;
  if (typeof input === 'string') {
    const fd = openSync(input, 'r');
    try {
      head = Buffer.alloc(1024 * 1024);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } else head = input.bytes.subarray(0, 1024 * 1024);
  const end = head.indexOf(10);
  let n = 0;
  for (let i = 0, stop = end < 0 ? head.length : end; i < stop; i++) if (head[i] === 44) n++;
  return n;
}

export function checkHeader(path: string, header: string[], opts: CsvSourceOptions) {
  // Linear in the header's width (an indexOf per column was quadratic: 21.7 s for 100,000 columns).
  if (header.length > MAX_COLUMNS) throw appError(ErrorCode.BadInput, 'tooManyColumns', { p1: path, max: MAX_COLUMNS, row: 1 });
  const known = new Set([...opts.required, ...(opts.optional ?? [])]);
  const present = new Set<string>();
  const dupes: string[] = [];
  for (const c of header) {
    if (present.has(c)) dupes.push(c);
    present.add(c);
  }
  const missing = opts.required.filter((c) => !present.has(c));
  const unknown = header.filter((c) => !known.has(c));
  if (missing.length || unknown.length || dupes.length) {
    const parts = [
      missing.length ? `missing column(s): ${missing.join(', ')}` : '',
      unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
      dupes.length ? `repeated column(s): ${dupes.join(', ')}` : '',
    ].filter(Boolean);
    throw new AppError(
      ErrorCode.BadInput,
      `The header of ${path} does not fit: ${parts.join('; ')}. Expected: ${opts.required.join(',')}` +
        (opts.optional?.length ? ` (optional: ${opts.optional.join(',')})` : ''),
      [...missing.map((c) => rowProblem(1, c, '', 'columnMissing')), ...unknown.map((c) => rowProblem(1, c, c, 'columnUnknown'))],
    );
  }
}

/** A problem for a row whose number of fields differs from the header's, or null. */
export function columnCountProblem(rec: CsvRecord) {
  const counts = rec.values.__columns;
  if (counts === undefined) return null;
  const [n, expected] = counts.split('/');
  return rowProblem(rec.row, '', n!, 'fieldCount', { n: n!, expected: expected! });
}
