import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { demoCaseHistories, householdHistory } from '../src/demo/case-histories.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { forecastReport, loadHistories, processingTimesReport } from '../src/evaluation/evaluation.service.ts';
import { forecastArrivals } from '../src/evaluation/forecast.ts';
import { processingTimes } from '../src/evaluation/processing-times.ts';
import { pipeline } from '../src/pipeline/pipeline.service.ts';
import { stateOfPlay } from '../src/state-of-play/state-of-play.service.ts';
import { databaseKinds } from './databases.ts';

import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const actor = __cliActor('demo');
const PERSONS = 4000;
const SEED = 4;
const households = [...demoCaseHistories({ persons: PERSONS, seed: SEED })];

describe.each(databaseKinds)('demo histories through the database on $name', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor, persons: PERSONS, seed: SEED });
  });
  afterAll(async () => database?.close());

  it("keep every household's history exactly, through the importer and the stage rules", async () => {
    const stored = new Map((await loadHistories(database.db, '2020-2021')).map((h) => [h.key, h]));
    expect(stored.size).toBe(households.length);
    for (const h of households) {
      const mine = householdHistory(h);
      const theirs = stored.get(`${h.memberState}:${h.caseRef}`)!;
      // The first line is the import's, which says so.
      expect(theirs.events[0]!.reason).toBe('created by import');
      const { reason: _, ...created } = theirs.events[0]!;
      expect({ ...theirs, key: mine.key, events: [created, ...theirs.events.slice(1)] }).toEqual(mine);
    }
  });

  it('count in the state of play and the pipeline exactly the arrivals the histories hold', async () => {
    const arrivedPersons = households.filter((h) => h.events.some((e) => e.status === 'arrived')).reduce((n, h) => n + h.members.length, 0);
    const sop = await stateOfPlay({ db: database.db, roundId: '2020-2021', asOf: '2021-12-31' });
    expect(sop.totals.arrived).toBe(arrivedPersons);
    const p = await pipeline({ db: database.db, roundId: '2020-2021' });
    expect(p.totals.persons).toBe(households.reduce((n, h) => n + h.members.length, 0));
    const lastStatus = (s: string) => households.filter((h) => h.events.at(-1)!.status === s).reduce((n, h) => n + h.members.length, 0);
    expect(p.totals.byStatus.withdrawn!.persons).toBe(lastStatus('withdrawn'));
    expect(p.totals.byStatus.integration!.persons).toBe(lastStatus('integration'));
  });

  it('earn each arrived person their AMIF incentive on arrival, as the histories record it', async () => {
    const arrivedPersons = households.filter((h) => h.events.some((e) => e.status === 'arrived')).reduce((n, h) => n + h.members.length, 0);
    const [r] = await inScope(database.db, operator('evaluation-test'), (tx) =>
      rows<{ n: number; history: number }>(
        tx,
        sql`SELECT count(*)::int AS n, (SELECT count(*)::int FROM incentive_changes WHERE round_id = '2020-2021' AND reason = 'arrival') AS history
                                                     FROM person_incentives WHERE round_id = '2020-2021'`,
      ),
    );
    expect(r).toEqual({ n: arrivedPersons, history: arrivedPersons });
  });

  it('give the same processing times and forecast as the histories themselves', async () => {
    const pure = households.map(householdHistory);
    expect(await processingTimesReport({ db: database.db, roundId: '2020-2021', groupBy: ['priority'] })).toEqual(
      processingTimes(
        pure.map((h) => ({ ...h })),
        { groupBy: ['priority'] },
      ),
    );
    const { forecast, pledged } = await forecastReport({
      db: database.db,
      roundId: '2020-2021',
      asOf: '2021-06-30',
      iterations: 50,
      seed: 9,
    });
    const expected = forecastArrivals({
      histories: pure,
      asOf: '2021-06-30',
      until: '2021-12-31',
      from: '2020-01-01',
      iterations: 50,
      seed: 9,
    });
    expect(forecast.eu).toEqual(expected.eu);
    expect(pledged.DE).toBe(5500);
  });

  it('are not loaded twice for the same seed', async () => {
    const again = await loadDemo({ db: database.db, actor, persons: PERSONS, seed: SEED });
    expect(again).toMatchObject({ added: 0, updated: 0, moves: 0 });
  });
});
