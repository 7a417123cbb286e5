import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/audit/audit-line.service.ts';
import { importPersonsFile } from '../src/cases/person.import.ts';
import { HouseholdCheck, PersonRowReader } from '../src/cases/person-row.ts';
import type { RowProblem } from '../src/errors/app-error.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { demoRecords } from '../src/demo/demo.ts';
import { AppError } from '../src/errors/app-error.ts';
import { listRounds } from '../src/rounds/round.service.ts';
import { roundForDate } from '../src/rounds/round.ts';
import { databaseKinds, freshPglite, type TestDatabaseKind } from './databases.ts';
import { tempDir, writePersonsCsv } from './files.ts';

/**
 * The person import through its staging table (COPY on PostgreSQL, /dev/blob on PGlite, in the
 * embedded database's own thread and in this one): the rows written are the rows the file says,
 * a file with bad rows anywhere is refused whole with every bad row listed and nothing written,
 * and the same file twice adds nothing.
 */
const actor = cliActor('test');
const dir = tempDir();
const today = new Date().toISOString().slice(0, 10);

const kinds: TestDatabaseKind[] = [
  ...databaseKinds,
  // The command line's embedded database runs in the main thread: COPY from a blob without the worker in between.
  { name: 'pglite', open: () => freshPglite({ scope: '*', thread: false }) },
];
const labels = kinds.map((k, i) => ({ ...k, label: i === databaseKinds.length ? 'pglite in the main thread' : k.name }));

type Values = Record<string, string>;

/** Counts of every table an import writes, and the arrivals' aggregate. */
async function snapshot(db: Database['db']) {
  const [c] = await rows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*)::int FROM persons) AS persons, (SELECT count(*)::int FROM cases) AS cases,
               (SELECT count(*)::int FROM case_events) AS events, (SELECT count(*)::int FROM imports) AS imports,
               (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM person_incentives) AS incentives,
               (SELECT coalesce(sum(persons), 0)::int FROM arrivals_daily) AS arrived`,
  );
  return c!;
}

describe.each(labels)('the person import on $label', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  const records: Values[] = [...demoRecords({ persons: 15_000, seed: 17 })].map((r) => r.values);

  it('writes exactly the persons, cases and first history lines the file says', async () => {
    const { db } = database;
    const rounds = await listRounds(db);
    const s = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, records) });
    const households = new Map<string, Values[]>();
    for (const r of records)
      households.set(`${r.member_state}|${r.case_ref}`, [...(households.get(`${r.member_state}|${r.case_ref}`) ?? []), r]);
    expect(s).toMatchObject({ rows: records.length, added: records.length, updated: 0, unchanged: 0, casesAdded: households.size });

    const persons = await rows<Record<string, string | number | null>>(
      db,
      sql`SELECT p.state_code, c.case_ref, p.person_ref, p.pathway, p.round_id, p.country_of_departure, p.citizenship, p.sex,
                 p.birth_year, p.arrived_on, p.import_id::int AS import_id
            FROM persons p JOIN cases c ON c.id = p.case_id`,
    );
    persons.sort((a, b) => cmp(`${a.state_code}|${a.case_ref}|${a.person_ref}`, `${b.state_code}|${b.case_ref}|${b.person_ref}`));
    const expected = records
      .map((r) => ({
        state_code: r.member_state!,
        case_ref: r.case_ref!,
        person_ref: r.person_ref!,
        pathway: r.pathway!,
        round_id: r.round || (r.arrived_on ? roundForDate(rounds, r.arrived_on) : null),
        country_of_departure: r.country_of_departure!,
        citizenship: r.citizenship || null,
        sex: r.sex || null,
        birth_year: r.birth_year ? Number(r.birth_year) : null,
        arrived_on: r.arrived_on || null,
        import_id: s.importId,
      }))
      .sort((a, b) => cmp(`${a.state_code}|${a.case_ref}|${a.person_ref}`, `${b.state_code}|${b.case_ref}|${b.person_ref}`));
    expect(persons).toEqual(expected);

    const cases = await rows<{
      key: string;
      status: string;
      statusOn: string | null;
      pathway: string;
      round: string | null;
      events: string;
    }>(
      db,
      sql`SELECT c.state_code || '|' || c.case_ref AS key, c.status, c.status_on AS "statusOn", c.pathway, c.round_id AS round,
                 (SELECT string_agg(coalesce(e.from_status, '-') || '>' || e.to_status || '@' || e."on" || ':' || e.reason, ';' ORDER BY e.id)
                    FROM case_events e WHERE e.case_id = c.id) AS events
            FROM cases c`,
    );
    expect(cases).toHaveLength(households.size);
    for (const c of cases) {
      const members = households.get(c.key)!;
      const arrivals = members.map((m) => m.arrived_on).filter((d): d is string => !!d);
      const first = arrivals.length > 0 ? arrivals.sort()[0]! : null;
      expect(c).toEqual({
        key: c.key,
        status: first ? 'arrived' : 'referred',
        statusOn: first,
        pathway: members[0]!.pathway,
        round: members[0]!.round || null,
        events: `->${first ? 'arrived' : 'referred'}@${first ?? today}:created by import`,
      });
    }

    // One audit line per state, with the persons it added there.
    const perState = new Map<string, number>();
    for (const r of records) perState.set(r.member_state!, (perState.get(r.member_state!) ?? 0) + 1);
    const lines = await rows<{ state: string; added: number }>(
      db,
      sql`SELECT state_code AS state, (details->>'added')::int AS added FROM audit_log
           WHERE action = 'persons.import' AND subject = ${`import:${s.importId}`} ORDER BY state_code`,
    );
    expect(lines.map((l) => [l.state, l.added])).toEqual([...perState].sort(([a], [b]) => cmp(a, b)));
  });

  it('adds nothing when the same file is imported again, and changes only what a changed file changes', async () => {
    const { db } = database;
    const before = await snapshot(db);
    const again = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, records) });
    expect(again).toMatchObject({ rows: records.length, added: 0, updated: 0, unchanged: records.length, casesAdded: 0, casesUpdated: 0 });
    // The import record is the one new row; no audit line for persons, since none changed.
    expect(await snapshot(db)).toEqual({ ...before, imports: (before.imports ?? 0) + 1 });

    // A household not yet arrived arrives: its case moves to 'arrived' with a line of history.
    const waiting = records.find((r) => !r.arrived_on)!;
    const members = records.filter((r) => r.member_state === waiting.member_state && r.case_ref === waiting.case_ref);
    const changed = records.map((r) => (members.includes(r) ? { ...r, arrived_on: '2021-11-03' } : r));
    const s = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, changed) });
    expect(s).toMatchObject({ added: 0, updated: members.length, unchanged: records.length - members.length, casesUpdated: 0 });
    const [c] = await rows<{ status: string; statusOn: string; last: string }>(
      db,
      sql`SELECT c.status, c.status_on AS "statusOn",
                 (SELECT e.from_status || '>' || e.to_status || ':' || e.reason FROM case_events e WHERE e.case_id = c.id ORDER BY e.id DESC LIMIT 1) AS last
            FROM cases c WHERE c.state_code = ${waiting.member_state!} AND c.case_ref = ${waiting.case_ref!}`,
    );
    expect(c).toEqual({ status: 'arrived', statusOn: '2021-11-03', last: 'referred>arrived:arrival recorded by import' });
  });

  it('refuses a large file with bad rows in its middle as a whole: every bad row listed, nothing written', async () => {
    const { db } = database;
    const before = await snapshot(db);
    const file = [...demoRecords({ persons: 30_000, seed: 23 })].map((r) => ({ ...r.values }));
    // A cell no row may hold, far into the file.
    file[12_000] = { ...file[12_000]!, country_of_departure: 'Atlantis' };
    // A person repeated: a later row names a person of an earlier row again.
    const repeatedAt = 21_000;
    file[repeatedAt] = { ...file[1000]! };
    // A household whose later member states another pathway than its first.
    const h = file.findIndex((r, i) => i > 25_000 && file[i + 1]?.case_ref === r.case_ref && file[i + 1]?.member_state === r.member_state);
    file[h + 1] = { ...file[h + 1]!, pathway: file[h]!.pathway === 'resettlement' ? 'Humanitarian_Admission' : 'resettlement' };
    const error = (await importPersonsFile({ db, actor, path: writePersonsCsv(dir, file) }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.details).toEqual([
      expect.objectContaining({ row: 12_002, column: 'country_of_departure', value: 'Atlantis', code: 'countryUnknown' }),
      {
        row: repeatedAt + 2,
        column: 'person_ref',
        value: file[1000]!.person_ref,
        code: 'personRepeated',
        params: { person: file[1000]!.person_ref, case: file[1000]!.case_ref, first: 1002 },
        reason: expect.any(String),
      },
      {
        row: h + 3,
        column: 'pathway',
        value: file[h + 1]!.pathway,
        code: 'householdDiffers',
        params: { first: expect.any(Number), theirs: file[h]!.pathway },
        reason: expect.any(String),
      },
    ]);
    expect((error.details as { params: { first?: number } }[])[2]!.params.first).toBeLessThanOrEqual(h + 2);
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a file whose only fault is a person named twice, found by the write itself, and writes nothing', async () => {
    const { db } = database;
    const before = await snapshot(db);
    const file = [...demoRecords({ persons: 5000, seed: 29 })].map((r) => ({ ...r.values }));
    file.push({ ...file[2500]! });
    const error = (await importPersonsFile({ db, actor, path: writePersonsCsv(dir, file) }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.details).toEqual([
      expect.objectContaining({
        row: 5002,
        column: 'person_ref',
        code: 'personRepeated',
        params: expect.objectContaining({ first: 2502 }),
      }),
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('finds across rows exactly the problems the row-by-row household check finds', async () => {
    const { db } = database;
    const before = await snapshot(db);
    const file = [...demoRecords({ persons: 4000, seed: 37 })].map((r) => ({ ...r.values }));
    // Every kind of clash, many times over: persons repeated (some repeated twice), households that
    // state another pathway, round or country of departure on a later row, and bad cells beside them.
    for (let i = 150; i < file.length; i += 53) {
      const k = ((i / 97) % 5) | 0;
      if (k === 0) file[i] = { ...file[i - 140]! };
      else if (k === 1 && file[i - 1]!.case_ref === file[i]!.case_ref) file[i] = { ...file[i]!, pathway: 'Community_Sponsorship' };
      else if (k === 2) file[i] = { ...file[i]!, round: file[i]!.round ? '' : '2018-2019' };
      else if (k === 3) file[i] = { ...file[i]!, country_of_departure: file[i]!.country_of_departure === 'LBN' ? 'Jordan' : 'LBN' };
      else file[i] = { ...file[i]!, sex: 'unknowable' };
    }
    file.push({ ...file[150 - 140]! });
    const reader = new PersonRowReader(await listRounds(db), today);
    const check = new HouseholdCheck();
    const expected: RowProblem[] = [];
    file.forEach((values, i) => {
      const read = reader.read(values, i + 2);
      if (!read.ok) expected.push(...read.problems);
      else expected.push(...check.check(read.person, i + 2, values));
    });
    expect(expected.length).toBeGreaterThan(50);
    const error = (await importPersonsFile({ db, actor, path: writePersonsCsv(dir, file) }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    const byRow = (ps: RowProblem[]) => [...ps].sort((a, b) => a.row - b.row || cmp(a.column, b.column));
    expect(byRow(error.details as RowProblem[])).toEqual(byRow(expected));
    expect(await snapshot(db)).toEqual(before);
  });

  it("runs twice in one caller's transaction (an upload's dry run) and leaves nothing when that rolls back", async () => {
    const { db } = database;
    const before = await snapshot(db);
    const file = writePersonsCsv(
      dir,
      [...demoRecords({ persons: 500, seed: 31 })].map((r) => r.values),
    );
    class Undo extends Error {}
    const seen = await db
      .transaction(async (tx) => {
        const first = await importPersonsFile({ db: tx, actor, path: file });
        const second = await importPersonsFile({ db: tx, actor, path: file });
        throw new Undo(JSON.stringify([first.added, second.added, second.unchanged]));
      })
      .catch((e: unknown) => (e instanceof Undo ? JSON.parse(e.message) : e));
    expect(seen).toEqual([500, 0, 500]);
    expect(await snapshot(db)).toEqual(before);
  });
});

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
