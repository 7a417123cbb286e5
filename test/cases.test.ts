import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceCase, parseAction } from '../src/cases/advance-case.ts';
import { getCase, listCases } from '../src/cases/case.service.ts';
import { holdCases, resumeCases } from '../src/cases/hold-cases.ts';
import { importPersonsFile } from '../src/cases/person.import.ts';
import { STAGES, STATUSES, transition, type Stage, type Status } from '../src/cases/stage.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { AppError } from '../src/errors/app-error.ts';
import { stateOfPlay } from '../src/state-of-play/state-of-play.service.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writePersonsCsv } from './files.ts';

import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const actor = __cliActor('caseworker-1');
const dir = tempDir();
const person = (caseRef: string, personRef: string, over: Record<string, string> = {}) => ({
  case_ref: caseRef,
  person_ref: personRef,
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2020-2021',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1988',
  country_of_departure: 'LBN',
  arrived_on: '',
  ...over,
});
const PATH_TO_ARRIVAL: Stage[] = ['under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'];

describe.each(databaseKinds)('the case workflow on $name', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
    await importPersonsFile({
      db: database.db,
      actor,
      path: writePersonsCsv(dir, [
        person('W-1', 'P1'),
        person('W-1', 'P2', { sex: 'M', birth_year: '2015' }),
        person('W-2', 'P1'),
        person('W-3', 'P1', { arrived_on: '2020-02-03', round: '' }),
        ...STATUSES.map((s) => person(`ALL-${s}`, 'P1', { country_of_departure: 'JOR' })),
      ]),
    });
  });
  afterAll(async () => database?.close());

  const move = (caseRef: string, to: string, extra: { reason?: string; on?: string; expectedVersion?: number } = {}) =>
    database.db.transaction((tx) => advanceCase({ db: tx, actor, stateCode: 'NL', caseRef, action: parseAction(to), ...extra }));

  it('starts a case imported without an arrival at referred, and one with an arrival at arrived, each with its first history line', async () => {
    const w1 = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-1' });
    expect(w1).toMatchObject({ status: 'referred', version: 1, persons: 2 });
    expect(w1.history).toMatchObject([{ fromStatus: null, toStatus: 'referred', actor: 'caseworker-1', reason: 'created by import' }]);
    const w3 = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-3' });
    expect(w3).toMatchObject({ status: 'arrived', statusOn: '2020-02-03' });
  });

  it('walks a case from referral to arrival; arrival counts its members in the state of play in the same transaction', async () => {
    const before = await stateOfPlay({ db: database.db, roundId: '2020-2021', asOf: '2021-12-31' });
    const nlBefore = before.states.find((s) => s.code === 'NL')!;
    const days = ['2020-01-10', '2020-02-01', '2020-03-01', '2020-03-10', '2020-07-01', '2020-07-20', '2020-07-21'];
    for (const [i, to] of PATH_TO_ARRIVAL.entries()) {
      const r = await move('W-1', to, { on: days[i] });
      expect(r).toMatchObject({ to, version: i + 2 });
    }
    const after = await stateOfPlay({ db: database.db, roundId: '2020-2021', asOf: '2021-12-31' });
    const nl = after.states.find((s) => s.code === 'NL')!;
    expect(nl.arrived - nlBefore.arrived).toBe(2);
    expect(nl.byDeparture.LBN! - (nlBefore.byDeparture.LBN ?? 0)).toBe(2);
    expect(nl.byMonth['2020-07']).toBe(2);
    const w1 = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-1' });
    expect(w1.members.map((m) => m.arrivedOn)).toEqual(['2020-07-21', '2020-07-21']);
    expect(w1.history.map((h) => [h.fromStatus, h.toStatus, h.on])).toEqual([
      [null, 'referred', expect.any(String)],
      ...PATH_TO_ARRIVAL.map((to, i) => [i === 0 ? 'referred' : PATH_TO_ARRIVAL[i - 1], to, days[i]]),
    ]);
  });

  it('refuses a move that does not follow, says what is possible, and writes nothing', async () => {
    const before = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-2' });
    const error = (await move('W-2', 'departed').catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.message).toBe(
      'Case W-2 is referred; it cannot go to departed from there. Possible now: under_review, on_hold, withdrawn.',
    );
    await expect(move('W-2', 'withdraw')).rejects.toThrow(/needs a reason/);
    await expect(move('W-1', 'withdraw', { reason: 'x' })).rejects.toThrow(/cannot be withdrawn after arrival/);
    await expect(move('W-2', 'under_review', { on: '2099-01-01' })).rejects.toThrow(/in the future/);
    const after = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-2' });
    expect([after.version, after.status, after.history.length]).toEqual([before.version, before.status, before.history.length]);
  });

  it('refuses a change made against an old version: of two concurrent edits exactly one succeeds', async () => {
    const { version } = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-2' });
    const results = await Promise.allSettled([
      move('W-2', 'under_review', { expectedVersion: version }),
      move('W-2', 'withdraw', { expectedVersion: version, reason: 'family declined' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.message).toMatch(/Someone changed case W-2 since you read it .*reload/);
    expect((await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-2' })).version).toBe(version + 1);
  });

  it('holds and resumes cases in bulk exactly where the stage rules allow it, each with its history line', async () => {
    // Put each ALL-<status> case into its status (through the history, as a real case would be).
    for (const s of STATUSES) {
      if (s === 'referred') continue;
      await database.db.execute(
        sql`UPDATE cases SET status = ${s}, held_from = ${s === 'on_hold' ? 'checks' : null} WHERE case_ref = ${`ALL-${s}`}`,
      );
    }
    const held = await holdCases({
      db: database.db,
      actor,
      scope: { countryOfDeparture: 'JOR' },
      reason: 'COVID-19: worldwide suspension',
      on: '2020-03-17',
    });
    const statuses = await rows<{ ref: string; status: Status; held_from: string | null }>(
      database.db,
      sql`SELECT case_ref AS ref, status, held_from FROM cases WHERE case_ref LIKE 'ALL-%'`,
    );
    for (const s of STATUSES) {
      const r = transition({ status: s, heldFrom: s === 'on_hold' ? 'checks' : null }, { type: 'hold' }, 'x');
      const row = statuses.find((x) => x.ref === `ALL-${s}`)!;
      expect([s, row.status]).toEqual([s, r.ok ? 'on_hold' : s]);
    }
    expect(held.total).toBe(STATUSES.filter((s) => transition({ status: s, heldFrom: null }, { type: 'hold' }, 'x').ok).length);
    const resumed = await resumeCases({
      db: database.db,
      actor,
      scope: { all: true },
      on: '2020-06-18',
      reason: 'UNHCR and IOM announced resumption',
    });
    expect(resumed.total).toBe(held.total + 1); // and the case that was on hold before
    const back = await rows<{ ref: string; status: string }>(
      database.db,
      sql`SELECT case_ref AS ref, status FROM cases WHERE case_ref = 'ALL-checks' OR case_ref = 'ALL-on_hold'`,
    );
    expect(back.map((b) => b.status).sort()).toEqual(['checks', 'checks']);
    const history = (await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'ALL-pre_departure' })).history.slice(-2);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.on, h.reason])).toEqual([
      ['pre_departure', 'on_hold', '2020-03-17', 'COVID-19: worldwide suspension'],
      ['on_hold', 'pre_departure', '2020-06-18', 'UNHCR and IOM announced resumption'],
    ]);
    await expect(holdCases({ db: database.db, actor, scope: {}, reason: 'x', on: '2020-03-17' })).rejects.toThrow(
      /--state XX, --departure ISO3, or --all/,
    );
  });

  it('accepts some members in a split decision; the others neither travel nor count', async () => {
    await importPersonsFile({
      db: database.db,
      actor,
      path: writePersonsCsv(dir, [person('S-1', 'P1'), person('S-1', 'P2'), person('S-1', 'P3')]),
    });
    await move('S-1', 'under_review', { on: '2020-01-02' });
    const split = (members: string[], reason?: string) =>
      database.db.transaction((tx) =>
        advanceCase({
          db: tx,
          actor,
          stateCode: 'NL',
          caseRef: 'S-1',
          action: { type: 'advance', to: 'accepted' },
          acceptedMembers: members,
          reason,
          on: '2020-01-03',
        }),
      );
    await expect(split(['P1', 'P9'], 'x')).rejects.toThrow(/has no member P9; its members are P1, P2, P3/);
    await expect(split(['P1'])).rejects.toThrow(/split decision needs a reason/);
    await split(['P1', 'P3'], 'P2 has another durable solution');
    for (const [i, to] of ['checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'].entries())
      expect((await move('S-1', to, { on: `2020-02-0${i + 1}` })).to).toBe(to);
    const s1 = await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'S-1' });
    expect(s1.members.map((m) => [m.personRef, m.arrivedOn, m.excludedReason])).toEqual([
      ['P1', '2020-02-05', null],
      ['P2', null, 'P2 has another durable solution'],
      ['P3', '2020-02-05', null],
    ]);
  });

  it('never edits the history', async () => {
    await expect(database.db.execute(sql`UPDATE case_events SET reason = 'rewritten'`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM case_events`)).rejects.toThrow();
  });

  it('audits every read and list of cases, in the state that owns them', async () => {
    const n = async () =>
      (
        await rows<{ n: number }>(
          database.db,
          sql`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('case.read', 'case.list') AND state_code = 'NL'`,
        )
      )[0]!.n;
    const before = await n();
    await listCases({ db: database.db, actor, stateCode: 'NL', status: 'arrived' });
    await getCase({ db: database.db, actor, stateCode: 'NL', caseRef: 'W-3' });
    expect(await n()).toBe(before + 2);
    expect((await listCases({ db: database.db, actor, stateCode: 'NL', status: 'arrived' })).map((c) => c.caseRef)).toEqual([
      'ALL-arrived',
      'S-1',
      'W-1',
      'W-3',
    ]);
  });

  it('lists every stage as a known status', () => {
    expect(STAGES.every((s) => STATUSES.includes(s))).toBe(true);
  });
});
