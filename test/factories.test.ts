import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, ROLES } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { getCase } from '../src/cases/case.service.ts';
import type { Database } from '../src/db/db.ts';
import { getRound } from '../src/rounds/round.service.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { buildCases, buildRound, caseFileRows, signInEveryRole } from './factories.ts';
import { apiCaller } from './sessions.ts';

/** The factories the suites build their fixtures with (test/factories.ts) make what they say, through the use cases. */
describe('the rows of a case file for households', () => {
  it('number the members, the first the principal, and let each member and household override the defaults', () => {
    expect(
      caseFileRows([
        { case_ref: 'H-1', members: 2 },
        { case_ref: 'H-2', member_state: 'BE', members: [{ sex: 'M' }] },
      ]),
    ).toEqual([
      expect.objectContaining({ case_ref: 'H-1', person_ref: 'P1', relationship: 'principal', member_state: 'NL', sex: 'F' }),
      expect.objectContaining({ case_ref: 'H-1', person_ref: 'P2', relationship: 'child', member_state: 'NL' }),
      expect.objectContaining({ case_ref: 'H-2', person_ref: 'P1', member_state: 'BE', sex: 'M' }),
    ]);
  });
});

describe.each(databaseKinds)('the test factories on $name', (kind) => {
  const op = operator('factories-test');
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  it('build cases with their members through the case file', async () => {
    const summary = await buildCases(database, [
      { case_ref: 'F-1', members: 3 },
      { case_ref: 'F-2', member_state: 'BE', pathway: 'humanitarian_admission', members: 1 },
    ]);
    expect(summary).toMatchObject({ rows: 4, added: 4, casesAdded: 2 });
    const f1 = await inScope(database.db, op, (tx) => getCase({ db: tx, actor: op, stateCode: 'NL', caseRef: 'F-1' }));
    expect(f1.members.map((m) => m.personRef)).toEqual(['P1', 'P2', 'P3']);
  });

  it('open a round through its use case', async () => {
    await buildRound(database, { id: 'factories-2028', target: 1000 });
    expect(await getRound(database.db, 'factories-2028')).toMatchObject({ id: 'factories-2028', previous: '2026-2027' });
  });

  it('sign in a principal of every role, each answered by the API as who it is', async () => {
    const sessions = await signInEveryRole(database, { stateCode: 'NL', sponsor: 'ngo-f' });
    expect(Object.keys(sessions).sort()).toEqual([...ROLES].sort());
    const call = apiCaller(createApp(database, { identity: {} }));
    for (const role of ROLES) {
      const me = await call(sessions[role], 'GET', '/api/auth/me');
      expect(me.status, role).toBe(200);
      expect(me.body).toMatchObject({ user: { role } });
    }
  });
});
