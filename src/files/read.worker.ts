import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../errors/app-error.ts';
import { readCsv, type CsvRecord } from './csv-source.ts';
import type { ReadRequest, ReadMessage } from './read-thread.ts';
import { readXlsx } from './xlsx-source.ts';

// An uploaded file read in a thread of its own (src/files/read-thread.ts): its records go back in
// batches, at most `credit` batches ahead of the reader on the main thread.
const req = workerData as ReadRequest;
const port = parentPort!;
let credit = req.credit;
let wake: (() => void) | null = null;
port.on('message', () => {
  credit++;
  wake?.();
  wake = null;
});
const send = (m: ReadMessage) => port.postMessage(m);

let read = 0;
let total = 0;
const opts = {
  required: req.required,
  optional: req.optional,
  onProgress: (r: number, t: number) => {
    read = r;
    total = t;
  },
};
try {
  const input = { name: req.name, bytes: req.bytes };
  let batch: CsvRecord[] = [];
  for await (const rec of req.format === 'xlsx' ? readXlsx(input, opts) : readCsv(input, opts)) {
    batch.push(rec);
    if (batch.length < req.batch) continue;
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    send({ type: 'batch', records: batch, read, total });
    batch = [];
  }
  send({ type: 'batch', records: batch, read: total, total });
  send({ type: 'done' });
} catch (e) {
  if (isAppError(e))
    send({ type: 'error', code: e.code, message: e.message, details: e.details, messageKey: e.messageKey, params: e.params });
  else send({ type: 'crash', message: (e as Error).message });
}
port.removeAllListeners('message');
