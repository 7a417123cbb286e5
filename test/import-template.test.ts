import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS, PersonRowReader, RELATIONSHIPS } from '../src/cases/person-row.ts';
import { SHIPPED_ROUNDS } from '../src/rounds/round.data.ts';
import { roundFileSchema, roundFromFile } from '../src/rounds/round.ts';
import { TEMPLATE_EXAMPLES, templateCsv } from '../web/src/imports/import-file.ts';

/** The templates of the Imports page: the importer's columns, and an example row the importer accepts. */
describe('the import templates', () => {
  const reader = new PersonRowReader(
    SHIPPED_ROUNDS.map((r) => roundFromFile(roundFileSchema.parse(r))),
    '2026-12-06',
  );

  it.each([
    ['cases', [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS]],
    ['persons', [...PERSON_COLUMNS]],
  ] as const)('%s: the header is the importer’s, and its example row is valid', (kind, columns) => {
    const [header, ...rows] = parse(templateCsv(kind), { bom: true }) as string[][];
    expect(header).toEqual(columns);
    expect(rows).toHaveLength(1);
    const record = Object.fromEntries(columns.map((c, i) => [c, rows[0]![i]!]));
    const read = reader.read(record, 2);
    expect(read.ok ? [] : read.problems).toEqual([]);
  });

  it('shows a relationship of the documented list', () => {
    expect(RELATIONSHIPS).toContain(TEMPLATE_EXAMPLES.cases!.relationship);
  });
});
