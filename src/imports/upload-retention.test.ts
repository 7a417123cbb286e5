import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.ts';
import { operator, type Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { PERSON_COLUMNS } from '../cases/person-row.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { runStorageLimitation, vacuumEmbedded } from '../privacy/retention.ts';
import { commitUpload, lockUpload, uploadImport } from './upload.service.ts';

const OPERATOR = operator('upload-retention-test');
const NL: Principal = {
  id: 'test:officer:NL',
  userId: null,
  username: 'officer',
  role: 'state_officer',
  stateCode: 'NL',
  organisation: null,
};
const person = (ref: string, birthYear = '1980') => `C-${ref},${ref},NL,resettlement,2020-2021,SYR,F,${birthYear},TUR,`;
const file = (name: string, lines: string[]) => ({
  filename: name,
  bytes: new TextEncoder().encode(`${[PERSON_COLUMNS.join(','), ...lines].join('\n')}\n`),
});

describe.each(databaseKinds)('retention of uploads on $name (issue 19, finding 10)', (kind) => {
  let database: Database;
  const asOp = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OPERATOR, work);
  const asNl = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, NL, work);
  beforeAll(async () => {
    database = await kind.open();
  }, 120_000);
  afterAll(async () => database?.close());

  it('deletes uploads not committed within the retention hours, valid or refused, audited; keeps a young one, and a committed one without its file or quoted rows', async () => {
    const upload = (f: ReturnType<typeof file>) =>
      asNl((tx) => uploadImport({ db: tx, actor: NL, kind: 'persons', stateCode: 'NL', roundId: null, ...f }));
    const oldValid = await upload(file('old-valid.csv', [person('1')]));
    const oldInvalid = await upload(file('old-invalid.csv', [person('2', 'nineteen-eighty')]));
    const young = await upload(file('young.csv', [person('3')]));
    const committed = await upload(file('committed.csv', [person('4')]));
    expect([oldValid.status, oldInvalid.status, young.status, committed.status]).toEqual(['valid', 'invalid', 'valid', 'valid']);
    expect(oldInvalid.report.problems[0]).toMatchObject({ row: 2, column: 'birth_year', value: 'nineteen-eighty' });
    await asNl(async (tx) => commitUpload({ db: tx, actor: NL, upload: await lockUpload({ db: tx, actor: NL, id: committed.id }) }));
    await asOp((tx) => tx.execute(sql`UPDATE import_uploads SET created_at = now() - interval '25 hours' WHERE id <> ${young.id}`));

    const now = new Date();
    const r = await asOp((tx) => runStorageLimitation(tx, OPERATOR, now.toISOString().slice(0, 10), 60, 24, now));
    expect(r.uploads).toEqual({ deleted: 2, blanked: 0 });
    const left = await asOp((tx) =>
      rows<{ id: number; status: string; size: number; problems: number }>(
        tx,
        sql`SELECT id::int AS id, status, octet_length(content)::int AS size, jsonb_array_length(report->'problems')::int AS problems FROM import_uploads ORDER BY id`,
      ),
    );
    expect(left).toEqual([
      { id: young.id, status: 'valid', size: expect.any(Number), problems: 0 },
      { id: committed.id, status: 'committed', size: 0, problems: 0 },
    ]);
    expect(left[0]!.size).toBeGreaterThan(0);
    const audit = await asOp((tx) =>
      rows<{ stateCode: string; recordIds: string[]; fields: string[] }>(
        tx,
        sql`SELECT state_code AS "stateCode", record_ids AS "recordIds", fields FROM audit_log WHERE action = 'retention.delete'`,
      ),
    );
    expect(audit).toEqual([
      { stateCode: 'NL', recordIds: [`upload:${oldValid.id}`, `upload:${oldInvalid.id}`], fields: ['content', 'report'] },
    ]);

    // A day later the young one goes too; the committed one stays, as the record of its import.
    const later = new Date(now.getTime() + 25 * 3600_000);
    expect((await asOp((tx) => runStorageLimitation(tx, OPERATOR, later.toISOString().slice(0, 10), 60, 24, later))).uploads).toEqual({
      deleted: 1,
      blanked: 0,
    });
    expect(await asOp((tx) => rows<{ id: number }>(tx, sql`SELECT id::int AS id FROM import_uploads`))).toEqual([{ id: committed.id }]);
    expect(await vacuumEmbedded(database)).toBe(kind.name === 'pglite');
    if (kind.name === 'pglite') {
      // The application's role really vacuumed the tables (a role that may not skips them with a warning).
      const [stat] = await rows<{ vacuumed: boolean }>(
        database.db,
        sql`SELECT last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_all_tables WHERE relname = 'import_uploads'`,
      );
      expect(stat).toEqual({ vacuumed: true });
    }
  }, 120_000);
});
