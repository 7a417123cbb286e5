import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { toCsv } from '../src/presentation/table.ts';

/** A temporary folder for this test file, removed after it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pathways-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let n = 0;
export function writePersonsCsv(dir: string, rows: Record<string, string>[]): string {
  const path = join(dir, `persons-${++n}.csv`);
  writeFileSync(
    path,
    toCsv(
      [...PERSON_COLUMNS],
      rows.map((r) => PERSON_COLUMNS.map((c) => r[c] ?? '')),
    ),
  );
  return path;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
