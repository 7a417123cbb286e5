import { parse, CsvError } from 'csv-parse';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { appError, rowProblem } from '../i18n/problem.ts';

export interface CsvRecord {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: number;
  values: Record<string, string>;
}

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
  const stream = typeof input === 'string' ? createReadStream(input) : Readable.from([Buffer.from(input.bytes)]);
  let read = 0;
  stream.on('data', (chunk: Buffer) => {
    read += chunk.length;
    opts.onProgress?.(read, total);
  });
  // Rows are counted as a spreadsheet counts them (a quoted line break stays in its row); csv-parse's
  // `info` would give line numbers, at twice the parsing cost.
  const parser = stream.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  let header: string[] | null = null;
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (header === null) {
        header = record.map((h) => h.trim().toLowerCase());
        checkHeader(path, header, opts);
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = record[i] ?? '';
      if (record.length !== header.length) values['__columns'] = `${record.length}/${header.length}`;
      yield { row: rowNumber, values };
    }
  } catch (e) {
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

export function checkHeader(path: string, header: string[], opts: CsvSourceOptions) {
  const known = new Set([...opts.required, ...(opts.optional ?? [])]);
  const missing = opts.required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !known.has(c));
  const dupes = header.filter((c, i) => header.indexOf(c) !== i);
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
  const counts = rec.values['__columns'];
  if (counts === undefined) return null;
  const [n, expected] = counts.split('/');
  return rowProblem(rec.row, '', n!, 'fieldCount', { n: n!, expected: expected! });
}
