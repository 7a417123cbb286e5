import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPersonsFile } from '../src/cases/person.import.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { demoRecords } from '../src/demo/demo.ts';
import { AppError, ErrorCode } from '../src/errors/app-error.ts';
import { ANNEX_2020 } from '../src/pledges/annex-2020.data.ts';
import { importPledges, pledgeListing, savePledges } from '../src/pledges/pledge.service.ts';
import { addRound } from '../src/rounds/round.service.ts';
import { arrivalCells, arrivalCellsFromPersons } from '../src/state-of-play/state-of-play.repository.ts';
import { stateOfPlay } from '../src/state-of-play/state-of-play.service.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile, writePersonsCsv } from './files.ts';

import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const actor = __cliActor('test');
const dir = tempDir();
const count = async (db: Database['db'], table: string) =>
  (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]!.n;

/** What the state of play must say, computed from the input rows themselves. */
function expectedFrom(records: Record<string, string>[], asOf: string) {
  const perState = new Map<string, { arrived: number; dep: Record<string, number>; month: Record<string, number> }>();
  for (const r of records) {
    if (
      !r.arrived_on ||
      r.arrived_on > asOf ||
      r.arrived_on < '2020-01-01' ||
      r.arrived_on > '2021-12-31' ||
      (r.round && r.round !== '2020-2021')
    )
      continue;
    const s = perState.get(r.member_state!) ?? { arrived: 0, dep: {}, month: {} };
    perState.set(r.member_state!, s);
    s.arrived++;
    s.dep[r.country_of_departure!] = (s.dep[r.country_of_departure!] ?? 0) + 1;
    const m = r.arrived_on.slice(0, 7);
    s.month[m] = (s.month[m] ?? 0) + 1;
  }
  return perState;
}

describe.each(databaseKinds)('the ledger on $name', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  it('starts with the reference data: 32 states, the countries, four rounds and the 2020 Annex', async () => {
    const { db } = database;
    expect(await count(db, 'states')).toBe(32);
    expect(await count(db, 'countries')).toBeGreaterThanOrEqual(249);
    expect((await rows<{ id: string }>(db, sql`SELECT id FROM rounds ORDER BY start_date`)).map((r) => r.id)).toEqual([
      '2015-2017',
      '2018-2019',
      '2020-2021',
      '2026-2027',
    ]);
    const listing = await pledgeListing(db, '2020-2021');
    expect(listing.states).toHaveLength(28);
    expect(listing.totals.pledged).toBe(ANNEX_2020.reduce((n, r) => n + (r.places ?? 0), 0));
    expect(listing.totals.carryOver).toBe(ANNEX_2020.reduce((n, r) => n + (r.carryOver ?? 0), 0));
  });

  const records = [...demoRecords({ persons: 3000, seed: 11 })].map((r) => r.values);

  it('counts imported persons per state, per country of departure and per month, as the input says', async () => {
    const { db } = database;
    const path = writePersonsCsv(dir, records);
    const s = await importPersonsFile({ db, actor, path });
    expect(s).toMatchObject({ rows: 3000, added: 3000, updated: 0, unchanged: 0 });
    for (const asOf of ['2020-03-16', '2020-06-30', '2021-02-14', '2021-12-31']) {
      const sop = await stateOfPlay({ db, roundId: '2020-2021', asOf });
      const expected = expectedFrom(records, asOf);
      for (const st of sop.states) {
        const e = expected.get(st.code);
        expect({ code: st.code, arrived: st.arrived, byDeparture: st.byDeparture, byMonth: st.byMonth }).toEqual({
          code: st.code,
          arrived: e?.arrived ?? 0,
          byDeparture: e?.dep ?? {},
          byMonth: e?.month ?? {},
        });
      }
      expect(sop.totals.arrived).toBe([...expected.values()].reduce((n, e) => n + e.arrived, 0));
    }
  });

  it('adds nothing when the same file is imported again', async () => {
    const { db } = database;
    const before = await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' });
    const persons = await count(db, 'persons');
    const s = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, records) });
    expect(s).toMatchObject({ rows: 3000, added: 0, updated: 0, unchanged: 3000, casesAdded: 0 });
    expect(await count(db, 'persons')).toBe(persons);
    expect(await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' })).toEqual(before);
  });

  it('writes nothing of a file with bad rows, and reports every one of them', async () => {
    const { db } = database;
    const tables = ['persons', 'cases', 'imports', 'audit_log', 'arrivals_daily'];
    const before = await Promise.all(tables.map((t) => count(db, t)));
    const sopBefore = await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' });
    const good = [...demoRecords({ persons: 30_000, seed: 12 })].map((r) => r.values);
    // Bad rows far apart, the last after the first chunk has been written.
    good[5] = { ...good[5]!, country_of_departure: 'Atlantis' };
    good[1200] = { ...good[1200]!, arrived_on: '2020-02-31' };
    good[25_000] = { ...good[25_000]!, member_state: 'Mars' };
    const error = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, good) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toEqual([
      {
        row: 7,
        column: 'country_of_departure',
        value: 'Atlantis',
        code: 'countryUnknown',
        params: {},
        reason: expect.stringMatching(/not a known country/),
      },
      { row: 1202, column: 'arrived_on', value: '2020-02-31', code: 'date', params: {}, reason: 'must be a date as YYYY-MM-DD' },
      {
        row: 25_002,
        column: 'member_state',
        value: 'Mars',
        code: 'stateUnknown',
        params: {},
        reason: expect.stringMatching(/not a known state/),
      },
    ]);
    expect(await Promise.all(tables.map((t) => count(db, t)))).toEqual(before);
    expect(await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' })).toEqual(sopBefore);
  });

  it("keeps one audit line per state for each import, in the import's transaction", async () => {
    const { db } = database;
    const lines = await rows<{ state_code: string; details: { added: number } }>(
      db,
      sql`SELECT state_code, details FROM audit_log WHERE action = 'persons.import' ORDER BY id`,
    );
    const perState = new Map<string, number>();
    for (const r of records) perState.set(r.member_state!, (perState.get(r.member_state!) ?? 0) + 1);
    // The first import added everyone; the second changed nothing and so wrote no line.
    expect(lines.map((l) => [l.state_code, l.details.added])).toEqual([...perState].sort(([a], [b]) => a.localeCompare(b)));
  });

  it('moves the counts when an arrival, a departure or a person changes, and agrees with a full count', async () => {
    const { db } = database;
    const changed = records.map((r) => ({ ...r }));
    // A household now departs from elsewhere (all its rows), a person's arrival moves a month, another is not yet arrived.
    const household = changed.filter((r) => r.case_ref === changed[10]!.case_ref);
    for (const r of household) r.country_of_departure = r.country_of_departure === 'NER' ? 'RWA' : 'NER';
    const moved = changed.find((r) => r.arrived_on && r.arrived_on < '2021-06-01')!;
    moved.arrived_on = '2021-07-15';
    // An empty arrival in a later file never erases a recorded one.
    const emptied = changed.find((r) => r.arrived_on && r !== moved && !household.includes(r))!;
    const kept = emptied.arrived_on;
    emptied.arrived_on = '';
    const s = await importPersonsFile({ db, actor, path: writePersonsCsv(dir, changed) });
    expect(s.updated).toBe(household.length + 1 - (household.includes(moved) ? 1 : 0));
    emptied.arrived_on = kept!;
    const [still] = await rows<{ arrived_on: string }>(
      db,
      sql`SELECT arrived_on FROM persons p JOIN cases c ON c.id = p.case_id WHERE c.case_ref = ${emptied.case_ref} AND p.person_ref = ${emptied.person_ref}`,
    );
    expect(still!.arrived_on).toBe(kept);
    // Writes outside the importer are counted too: the triggers hold for every statement.
    await db.execute(sql`DELETE FROM persons WHERE id IN (SELECT id FROM persons WHERE arrived_on IS NOT NULL ORDER BY id LIMIT 7)`);
    await db.execute(
      sql`UPDATE persons SET arrived_on = arrived_on + 40 WHERE id IN (SELECT id FROM persons WHERE arrived_on < '2021-10-01' ORDER BY id DESC LIMIT 11)`,
    );
    for (const asOf of ['2020-01-31', '2020-03-17', '2020-12-01', '2021-07-14', '2021-07-15', '2022-06-30']) {
      expect(await arrivalCells(db, '2020-2021', ['resettlement'], asOf)).toEqual(
        await arrivalCellsFromPersons(db, '2020-2021', ['resettlement'], asOf),
      );
    }
    const sop = await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' });
    const expected = expectedFrom(changed, '2021-12-31');
    const arrivedAfterEdits = (
      await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM persons WHERE round_id = '2020-2021' AND arrived_on <= '2021-12-31'`)
    )[0]!.n;
    expect(sop.totals.arrived).toBe(arrivedAfterEdits);
    expect([...expected.values()].reduce((n, e) => n + e.arrived, 0) - 7).toBeGreaterThanOrEqual(arrivedAfterEdits);
  });

  it('imports pledges: adds, changes with an audit line, and changes nothing the second time', async () => {
    const { db } = database;
    const file = writeFile(
      dir,
      'pledges.csv',
      'member_state,pathway,places,carry_over,country_of_departure,note\nNoorwegen,resettlement,3000,,,\nNL,resettlement,2000,false,,raised\nNL,humanitarian_admission,150,no,Turkey,VHAS\n',
    );
    expect(await importPledges({ db, actor, roundId: '2020-2021', path: file, record: true })).toEqual({
      rows: 3,
      added: 2,
      updated: 1,
      unchanged: 0,
    });
    expect(await importPledges({ db, actor, roundId: '2020-2021', path: file, record: true })).toEqual({
      rows: 3,
      added: 0,
      updated: 0,
      unchanged: 3,
    });
    const listing = await pledgeListing(db, '2020-2021');
    const nl = listing.states.find((s) => s.state.code === 'NL')!;
    expect(nl.pledged).toBe(2150);
    // A state outside the round's participants appears once it has pledged.
    expect(listing.states.map((s) => s.state.code)).toContain('NO');
    const [change] = await rows<{ details: { before: number; places: number } }>(
      db,
      sql`SELECT details FROM audit_log WHERE action = 'pledge.change' AND state_code = 'NL'`,
    );
    expect(change!.details).toMatchObject({ before: 1902, places: 2000 });
    // The state of play counts the round's own pathways only (resettlement for 2020-2021).
    const sop = await stateOfPlay({ db, roundId: '2020-2021', asOf: '2021-12-31' });
    expect(sop.states.find((s) => s.code === 'NL')!.pledged).toBe(2000);
  });

  it("keeps an ended round's pledges as they are: a change or an upload is refused, the operator's record of a document is not a change", async () => {
    const { db } = database;
    const file = writeFile(
      dir,
      'late-pledges.csv',
      'member_state,pathway,places,carry_over,country_of_departure,note\nBE,resettlement,999,,,\n',
    );
    const before = await pledgeListing(db, '2020-2021');
    // The round 2020-2021 ended on 2021-12-31: what it delivered against stays.
    const refused = (await importPledges({ db, actor, roundId: '2020-2021', path: file }).catch((e: unknown) => e)) as AppError;
    expect(refused).toMatchObject({ code: ErrorCode.Conflict, messageKey: 'roundEndedPledges' });
    await expect(
      savePledges({
        db,
        actor,
        roundId: '2020-2021',
        source: 'test',
        pledges: [
          {
            roundId: '2020-2021',
            stateCode: 'BE',
            pathway: 'resettlement',
            places: 999,
            carryOver: false,
            countryOfDeparture: null,
            targetGroup: null,
            note: '',
          },
        ],
      }),
    ).rejects.toMatchObject({ messageKey: 'roundEndedPledges' });
    expect(await pledgeListing(db, '2020-2021')).toEqual(before);
  });

  it('refuses a pledge file with bad rows as a whole', async () => {
    const { db } = database;
    const before = await pledgeListing(db, '2020-2021');
    const file = writeFile(
      dir,
      'bad-pledges.csv',
      'member_state,pathway,places,carry_over,country_of_departure,note\nBE,resettlement,10,,,\nXX,resettlement,5,,,\nBE,resettlement,-1,,,\nBE,resettlement,11,,,\n',
    );
    const error = (await importPledges({ db, actor, roundId: '2020-2021', path: file, record: true }).catch((e: unknown) => e)) as AppError;
    expect((error.details as { row: number; column: string }[]).map((p) => [p.row, p.column])).toEqual([
      [3, 'member_state'],
      [4, 'places'],
      [5, 'member_state'],
    ]);
    expect(await pledgeListing(db, '2020-2021')).toEqual(before);
    await expect(importPledges({ db, actor, roundId: 'no-such-round', path: file })).rejects.toThrow(/no round "no-such-round"/);
  });

  it('adds a round from a file and refuses one whose id exists', async () => {
    const { db } = database;
    const input = {
      id: '2028-2029',
      title: 'Union Plan 2028–2029',
      legal_basis: 'Regulation (EU) 2024/1350',
      start: '2028-01-01',
      end: '2029-12-31',
      previous: '2026-2027',
      target: 20000,
    };
    await addRound({ db, actor, input });
    await expect(addRound({ db, actor, input })).rejects.toThrow(/exists already/);
    const error = (await addRound({ db, actor, input: { ...input, id: 'other', previous: 'nope', participants: ['XX'] } }).catch(
      (e: Error) => e,
    )) as Error;
    expect(error.message).toMatch(/previous: there is no round "nope"/);
    expect(error.message).toMatch(/participants: "XX" is not a known state/);
  });
});
