import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCaseEvents } from '../src/cases/case-events.import.ts';
import { getCase } from '../src/cases/case.service.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import type { AppError } from '../src/errors/app-error.ts';
import { toCsv } from '../src/presentation/table.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile } from './files.ts';

import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const actor = __cliActor('importer');
const dir = tempDir();
const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
const member = (over: Record<string, string>) => ({
  case_ref: 'R-1',
  person_ref: '1',
  member_state: 'BE',
  pathway: 'resettlement',
  round: '2020-2021',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1980',
  country_of_departure: 'TUR',
  arrived_on: '',
  priority: 'urgent',
  primary_category: 'medical_needs',
  secondary_category: 'women_girls_at_risk',
  referring_partner: 'unhcr',
  partner_ref: 'TUR-20-123',
  linked_cases: 'R-2',
  relationship: 'principal',
  needs: '',
  ...over,
});
const household = [
  member({ needs: 'disability(wheelchair access; ground floor);medical' }),
  member({ person_ref: '2', sex: 'M', birth_year: '2012', relationship: 'child', needs: 'child_at_risk' }),
  member({
    case_ref: 'R-2',
    person_ref: '1',
    priority: 'normal',
    primary_category: 'family_reunification',
    secondary_category: '',
    linked_cases: 'R-1',
    relationship: 'principal',
    partner_ref: 'TUR-20-124',
  }),
];
const csv = (name: string, list: Record<string, string>[]) =>
  writeFile(
    dir,
    name,
    toCsv(
      COLUMNS,
      list.map((r) => COLUMNS.map((c) => r[c] ?? '')),
    ),
  );

async function xlsx(name: string, list: Record<string, string>[]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('RRF');
  ws.addRow([...COLUMNS]);
  for (const r of list) ws.addRow(COLUMNS.map((c) => (c === 'birth_year' ? Number(r[c]) : (r[c] ?? ''))));
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

describe.each(databaseKinds)('case files on $name', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  it('imports a household with its priority, categories, partner, links, relationships and needs, from CSV', async () => {
    const path = csv(
      'cases.csv',
      household.map((h) => ({ ...h, needs: h.needs.replace('; ground floor', ', ground floor') })),
    );
    expect(await importCasesFile({ db: database.db, actor, path })).toMatchObject({ rows: 3, added: 3, casesAdded: 2 });
    const r1 = await getCase({ db: database.db, actor, stateCode: 'BE', caseRef: 'R-1' });
    expect(r1).toMatchObject({
      priority: 'urgent',
      primaryCategory: 'medical_needs',
      secondaryCategory: 'women_girls_at_risk',
      referringPartner: 'unhcr',
      partnerRef: 'TUR-20-123',
      linkedRefs: ['R-2'],
    });
    expect(r1.members.map((m) => [m.relationship, m.needs])).toEqual([
      ['principal', [{ type: 'disability', accommodation: 'wheelchair access, ground floor' }, { type: 'medical' }]],
      ['child', [{ type: 'child_at_risk' }]],
    ]);
    expect(await importCasesFile({ db: database.db, actor, path })).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
  });

  it('imports the same layout from XLSX, and a change of priority is an update', async () => {
    const path = await xlsx(
      'cases.xlsx',
      household.map((h) => ({
        ...h,
        needs: h.needs.replace('; ground floor', ', ground floor'),
        priority: h.case_ref === 'R-2' ? 'emergency' : h.priority,
      })),
    );
    expect(await importCasesFile({ db: database.db, actor, path })).toMatchObject({ rows: 3, added: 0, unchanged: 3, casesAdded: 0 });
    expect((await getCase({ db: database.db, actor, stateCode: 'BE', caseRef: 'R-2' })).priority).toBe('emergency');
  });

  it('refuses a case file with bad cells, every one reported, nothing written', async () => {
    const path = await xlsx('bad.xlsx', [
      member({ case_ref: 'R-9', priority: 'asap' }),
      member({ case_ref: 'R-9', person_ref: '2', needs: 'wings' }),
      member({ case_ref: 'R-10', primary_category: 'tourism' }),
    ]);
    const error = (await importCasesFile({ db: database.db, actor, path }).catch((e: unknown) => e)) as AppError;
    expect((error.details as { row: number; column: string }[]).map((p) => [p.row, p.column])).toEqual([
      [2, 'priority'],
      [3, 'needs'],
      [4, 'primary_category'],
    ]);
    expect(
      (await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM cases WHERE case_ref IN ('R-9', 'R-10')`))[0]!.n,
    ).toBe(0);
  });

  it('back-fills the history of cases from an event file, and refuses a file with a bad move as a whole', async () => {
    const good = writeFile(
      dir,
      'events.csv',
      [
        'case_ref,stage,date,actor,reason,member_state,modality',
        'R-1,under_review,2020-01-15,officer-be-3,,BE,dossier',
        'R-1,accepted,2020-02-01,officer-be-3,,BE,',
        'R-2,under_review,2020-01-20,officer-be-4,,,',
        'R-2,deferred,2020-02-10,officer-be-4,medical file incomplete,,',
      ].join('\n'),
    );
    expect(await importCaseEvents({ db: database.db, actor, path: good })).toEqual({ rows: 4, moved: 4, cases: 2 });
    const r1 = await getCase({ db: database.db, actor, stateCode: 'BE', caseRef: 'R-1' });
    expect(r1).toMatchObject({ status: 'accepted', modality: 'dossier' });
    expect(r1.history.slice(1).map((h) => [h.toStatus, h.on, h.actor])).toEqual([
      ['under_review', '2020-01-15', 'officer-be-3'],
      ['accepted', '2020-02-01', 'officer-be-3'],
    ]);

    const bad = writeFile(
      dir,
      'bad-events.csv',
      [
        'case_ref,stage,date,actor,reason',
        'R-1,checks,2020-02-05,officer-be-3,',
        'R-1,arrived,2020-02-06,officer-be-3,',
        'R-1,pre_departure,2020-02-07,officer-be-3,',
        'R-2,rejected,2020-02-10,officer-be-4,',
        'R-404,under_review,2020-02-10,x,',
        'R-2,under_review,10-02-2020,x,',
      ].join('\n'),
    );
    const error = (await importCaseEvents({ db: database.db, actor, path: bad }).catch((e: unknown) => e)) as AppError;
    expect((error.details as { row: number; column: string; reason: string }[]).map((p) => [p.row, p.column])).toEqual([
      [3, 'stage'],
      [4, 'case_ref'],
      [5, 'stage'],
      [6, 'stage'],
      [7, 'date'],
    ]);
    expect((error.details as { reason: string }[])[0]!.reason).toMatch(/cannot go to arrived/);
    expect((await getCase({ db: database.db, actor, stateCode: 'BE', caseRef: 'R-1' })).status).toBe('accepted');
  });
});
