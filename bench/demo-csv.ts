/** The demo persons as a person CSV file, the input of the import benchmark. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { demoRecords } from '../src/demo/demo.ts';

const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * Writes `persons` demo persons (seeded) to `path`, the columns exactly PERSON_COLUMNS. Returns the
 * bytes written. `round`: the round every row names (the demo names one only for persons not arrived).
 */
export async function writeDemoCsv(path: string, persons: number, seed: number, round?: string): Promise<number> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  let buffer = `${PERSON_COLUMNS.join(',')}\n`;
  for (const rec of demoRecords({ persons, seed })) {
    if (round !== undefined) rec.values.round = round;
    buffer += `${PERSON_COLUMNS.map((c) => field(rec.values[c] ?? '')).join(',')}\n`;
    if (buffer.length >= 1 << 16) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return out.bytesWritten;
}
