import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import type { CsvRecord } from './csv-source.ts';
import { readRecords } from './read-thread.ts';

const opts = { required: ['a', 'b'], optional: [] };
const upload = (text: string) => ({ name: 'up.csv', bytes: new TextEncoder().encode(text) });

/** Reads every record while a probe measures how long the event loop was held at most (ms). */
async function readMeasured(records: AsyncIterable<CsvRecord>): Promise<{ rows: CsvRecord[]; error: unknown; maxLagMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const rows: CsvRecord[] = [];
  let error: unknown = null;
  try {
    for await (const r of records) rows.push(r);
  } catch (e) {
    error = e;
  }
  h.disable();
  return { rows, error, maxLagMs: h.max / 1e6 };
}

describe('an upload read off the request thread (issue 19, finding 3)', () => {
  it('reads 100,000 rows in a worker, in order with their row numbers, and the event loop is never held long', async () => {
    const text = `a,b\n${Array.from({ length: 100_000 }, (_, i) => `${i},"x ${i}"`).join('\n')}\n`;
    const { rows, error, maxLagMs } = await readMeasured(readRecords(upload(text), 'csv', opts));
    expect(error).toBeNull();
    expect(rows).toHaveLength(100_000);
    expect(rows[0]).toEqual({ row: 2, values: { a: '0', b: 'x 0' } });
    expect(rows[99_999]).toEqual({ row: 100_001, values: { a: '99999', b: 'x 99999' } });
    expect(maxLagMs).toBeLessThan(300);
  }, 60_000);

  it('reads 15 million empty lines without holding the event loop, and a 15 MB field is refused as it is read', async () => {
    const empty = await readMeasured(readRecords(upload(`a,b\n${'\n'.repeat(15_000_000)}1,2\n`), 'csv', opts));
    expect(empty.error).toBeNull();
    expect(empty.rows).toEqual([{ row: 2, values: { a: '1', b: '2' } }]);
    expect(empty.maxLagMs).toBeLessThan(300);
    const field = await readMeasured(readRecords(upload(`a,b\n1,"${'z'.repeat(15 * 1024 * 1024)}"\n`), 'csv', opts));
    expect(field.error).toBeInstanceOf(AppError);
    expect((field.error as AppError).messageKey).toBe('cellTooLong');
    expect((field.error as AppError).params).toEqual({ p1: 'up.csv', max: 10_000, row: 2 });
    expect(field.maxLagMs).toBeLessThan(300);
  }, 60_000);

  it('says a refused header as the reader does, and ends the worker when the reader stops early', async () => {
    const bad = await readMeasured(readRecords(upload('a,x\n1,2\n'), 'csv', opts));
    expect((bad.error as AppError).message).toContain('missing column(s): b; unknown column(s): x');
    const text = `a,b\n${'1,2\n'.repeat(50_000)}`;
    let n = 0;
    for await (const _ of readRecords(upload(text), 'csv', opts)) if (++n === 10) break;
    expect(n).toBe(10);
  }, 60_000);
});
