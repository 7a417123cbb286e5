import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { readCsv, type CsvRecord, type CsvSourceOptions, type FileInput } from './csv-source.ts';
import { readXlsx } from './xlsx-source.ts';

/**
 * An uploaded file is parsed in a worker thread (issue 19, finding 3): CSV or XLSX to records, with
 * the limits of the readers; the records come back in batches, so the server's event loop stays
 * free for other requests while a file of 100,000 rows, a 15 MB field or 15 million empty lines is
 * read. The caller's validation and database writes stay on the main thread, which gives the event
 * loop a turn between batches. At most `credit` batches are in flight, so memory stays bounded.
 */
export interface ReadRequest {
  name: string;
  bytes: Uint8Array;
  format: 'csv' | 'xlsx';
  required: string[];
  optional: string[];
  batch: number;
  credit: number;
}

export type ReadMessage =
  | { type: 'batch'; records: CsvRecord[]; read: number; total: number }
  | { type: 'done' }
  | {
      type: 'error';
      code: ErrorCode;
      message: string;
      details: RowProblem[] | Record<string, unknown> | undefined;
      messageKey: string | undefined;
      params: Record<string, string | number> | undefined;
    }
  | { type: 'crash'; message: string };

export const READ_BATCH = 1_000;

export async function* readOffThread(
  input: { name: string; bytes: Uint8Array },
  format: 'csv' | 'xlsx',
  opts: CsvSourceOptions,
  batch = READ_BATCH,
): AsyncGenerator<CsvRecord> {
  const request: ReadRequest = {
    name: input.name,
    bytes: input.bytes,
    format,
    required: [...opts.required],
    optional: [...(opts.optional ?? [])],
    batch,
    credit: 4,
  };
  const worker = new Worker(new URL('./read.worker.mjs', import.meta.url), { workerData: request });
  const queue: ReadMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: ReadMessage) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  worker.on('message', push);
  worker.once('error', (e) => push({ type: 'crash', message: e.message }));
  worker.once('exit', (code) => push({ type: 'crash', message: `the reader's thread stopped (exit code ${code})` }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if (m.type === 'done') return;
      if (m.type === 'error') throw new AppError(m.code, m.message, m.details, m.messageKey, m.params);
      if (m.type === 'crash') throw new Error(m.message);
      worker.postMessage('more');
      opts.onProgress?.(m.read, m.total);
      for (const r of m.records) yield r;
      // A turn for the event loop between batches: other requests go on while a file is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    worker.removeAllListeners();
    void worker.terminate();
  }
}

/**
 * The records of a file: an upload (a file held in memory) is read in a worker thread; a file on
 * disk (the command line's) in this thread, where nothing else waits on the event loop.
 */
export function readRecords(input: FileInput, format: 'csv' | 'xlsx', opts: CsvSourceOptions): AsyncGenerator<CsvRecord> {
  if (typeof input !== 'string') return readOffThread(input, format, opts);
  return format === 'xlsx' ? readXlsx(input, opts) : readCsv(input, opts);
}
