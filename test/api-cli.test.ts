import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/audit/audit-line.service.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { main } from '../src/cli/main.ts';
import type { Database } from '../src/db/db.ts';
import { toCsv } from '../src/presentation/table.ts';
import { startServer } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile } from './files.ts';
import { openPgliteCopy } from './template.ts';
import { signIn } from './sessions.ts';

/**
 * The command line's `--server URL` mode against a real server (started here on a free port, with
 * a real session): each command prints exactly what the local mode prints on a database holding
 * the same data, through the same presenters, refusals included. The local side is an embedded
 * database folder; the server's is each test database.
 */
const dir = tempDir();
const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
const row = (over: Record<string, string>) => ({
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2020-2021',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1984',
  country_of_departure: 'LBN',
  priority: 'normal',
  primary_category: 'legal_physical_protection',
  referring_partner: 'unhcr',
  relationship: 'principal',
  referred_on: '2020-01-15',
  ...over,
});
const FILE = writeFile(
  dir,
  'cases.csv',
  toCsv(
    COLUMNS,
    [
      row({ case_ref: 'C-1', person_ref: 'C-1-A', priority: 'urgent' }),
      row({
        case_ref: 'C-1',
        person_ref: 'C-1-B',
        priority: 'urgent',
        sex: 'M',
        birth_year: '2011',
        relationship: 'child',
        needs: 'medical',
      }),
      row({ case_ref: 'C-2', person_ref: 'C-2-A', country_of_departure: 'TUR', referred_on: '2020-01-20' }),
      row({ case_ref: 'C-3', person_ref: 'C-3-A', country_of_departure: 'JOR', arrived_on: '2020-02-03' }),
      row({ case_ref: 'C-4', person_ref: 'C-4-A', priority: 'emergency', referred_on: '2020-01-10' }),
    ].map((r) => COLUMNS.map((c) => r[c as keyof typeof r] ?? '')),
  ),
);

type Run = { code: number; out: string; err: string };
async function cli(argv: string[], env: Record<string, string>, database?: Database): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false, ...(database ? { database } : {}) };
  const code = await main(['node', 'pathways', ...argv], io, env);
  return { code, out: out.join(''), err: err.join('') };
}

/** History lines carry the time they were recorded: the one thing two databases cannot share. */
const withoutRecordedAt = (json: string) => JSON.stringify(JSON.parse(json), (k, v) => (k === 'recordedAt' ? undefined : v));

describe.each(databaseKinds)('the command line with --server, against a server on $name', (kind) => {
  let database: Database;
  let server: Awaited<ReturnType<typeof startServer>>;
  let token = '';
  let actorId = '';
  const data = join(dir, `local-${kind.name}`);
  // The local side's folder, opened once as the command line opens it (test/cli-run.ts says why).
  let localDb: Database;
  const local = (...args: string[]) => cli(['--data', data, ...args], { PATHWAYS_ACTOR: actorId }, localDb);
  const remote = (...args: string[]) => cli(['--server', server.url, ...args], { PATHWAYS_TOKEN: token });
  /** The same command both ways: the same exit code, the same output, the same error. */
  const same = async (...args: string[]) => {
    const [l, r] = [await local(...args), await remote(...args)];
    expect(r, args.join(' ')).toEqual(l);
    return l;
  };

  beforeAll(async () => {
    localDb = await openPgliteCopy({ dataDir: data, scope: '*', thread: false });
    database = await kind.open();
    const officer = await signIn(database, { role: 'state_officer', stateCode: 'NL' });
    token = officer.token;
    // The local side records its moves as this user too, so that the histories print alike.
    actorId = officer.principal.id;
    await importCasesFile({ db: database.db, actor: cliActor(actorId), path: FILE });
    expect((await local('cases', 'import', FILE)).code).toBe(0);
    server = await startServer({ database, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await localDb?.close();
  });

  it('lists rounds and pledges as the local mode does', async () => {
    expect((await same('rounds', 'list')).out).toMatch(/2020-2021\s+2020 pledging round/);
    await same('rounds', 'list', '--format', 'json');
    expect((await same('pledges', 'list', '--round', '2020-2021', '--lang', 'nl')).out).toMatch(/Nederland\s+1\.902/);
    await same('pledges', 'list', '--round', '2020-2021', '--format', 'csv');
    await same('pledges', 'list', '--round', '2020-2021', '--format', 'json');
    expect((await same('pledges', 'list', '--round', '1999', '--lang', 'nl')).err).toMatch(/^Fout: Er is geen ronde "1999"/);
  });

  it('lists and shows cases as the local mode does', async () => {
    expect((await same('cases', 'list', '--state', 'NL')).out).toMatch(/C-1\s+referred\s+2020-01-15\s+2\s+LBN\s+urgent\s+1/);
    await same('cases', 'list', '--state', 'Nederland', '--format', 'json');
    await same('cases', 'list', '--state', 'NL', '--stage', 'arrived');
    expect((await same('cases', 'list', '--state', 'NL', '--stage', 'flying')).code).toBe(1);
    expect((await same('cases', 'list', '--state', 'Narnia')).err).toMatch(/"Narnia" is not a known state/);
    expect((await same('cases', 'show', 'C-1', '--state', 'NL')).out).toMatch(/NL C-1: referred · resettlement · LBN · urgent · v1/);
    const [l, r] = [
      await local('cases', 'show', 'C-1', '--state', 'NL', '--format', 'json'),
      await remote('cases', 'show', 'C-1', '--state', 'NL', '--format', 'json'),
    ];
    expect(withoutRecordedAt(r.out)).toBe(withoutRecordedAt(l.out));
    expect(JSON.parse(r.out).members).toHaveLength(2);
  });

  it('moves, holds and resumes cases as the local mode does, refusals included', async () => {
    expect(
      (await same('cases', 'advance', 'C-1', '--state', 'NL', '--to', 'under_review', '--on', '2020-02-01', '--modality', 'remote')).out,
    ).toBe('Case C-1: referred → under_review (version 2).');
    expect((await same('cases', 'advance', 'C-1', '--state', 'NL', '--to', 'departed')).err).toMatch(
      /^Error: Case C-1 is under_review; it cannot go to departed/,
    );
    // A move against an older version: refused alike (the server's 412 says what the local check says).
    const stale = await same('cases', 'advance', 'C-1', '--state', 'NL', '--to', 'accepted', '--on', '2020-02-05', '--version', '1');
    expect(stale).toMatchObject({
      code: 1,
      err: expect.stringMatching(/Someone changed case C-1 since you read it \(your version 1, now 2\)/),
    });
    expect(
      (await same('cases', 'advance', 'C-1', '--state', 'NL', '--to', 'accepted', '--on', '2020-02-05', '--version', '2')).out,
    ).toMatch(/version 3/);
    expect((await same('cases', 'hold', '--state', 'NL', '--reason', 'COVID-19 suspension', '--on', '2020-03-17')).out).toBe(
      '3 cases put on hold.',
    );
    expect((await same('cases', 'resume', '--state', 'NL', '--departure', 'Libanon', '--on', '2020-06-18')).out).toBe('2 cases resumed.');
    expect((await same('cases', 'resume', '--state', 'NL', '--on', '2020-06-18')).out).toBe('1 case resumed.');
    await same('cases', 'advance', 'C-1', '--state', 'NL', '--to', 'checks', '--on', '2020-07-01');
    const [l, r] = [
      await local('cases', 'show', 'C-1', '--state', 'NL', '--format', 'json'),
      await remote('cases', 'show', 'C-1', '--state', 'NL', '--format', 'json'),
    ];
    expect(withoutRecordedAt(r.out)).toBe(withoutRecordedAt(l.out));
    expect(JSON.parse(r.out).history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'referred',
      'under_review',
      'accepted',
      'on_hold',
      'accepted',
      'checks',
    ]);
  });

  it('prints the reports as the local mode does', async () => {
    expect((await same('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31')).out).toMatch(
      /NL\s+Netherlands\s+1,902\s+1\s/,
    );
    await same('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--lang', 'nl', '--format', 'csv');
    await same('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--pathway', 'resettlement', '--format', 'json');
    expect((await same('report', 'state-of-play', '--round', '2020-2021', '--as-of', '31-12-2021')).err).toMatch(/YYYY-MM-DD/);
    expect((await same('report', 'pipeline', '--round', '2020-2021')).out).toMatch(/^Pipeline of round 2020-2021/);
    await same('report', 'pipeline', '--round', '2020-2021', '--format', 'json');
    await same('report', 'pipeline', '--round', '2020-2021', '--format', 'csv', '--lang', 'nl');
    expect((await same('report', 'processing-times', '--round', '2020-2021', '--by', 'state,priority')).out).toMatch(
      /state=NL, priority=urgent/,
    );
    await same('report', 'processing-times', '--round', '2020-2021', '--format', 'json');
    expect((await same('report', 'processing-times', '--round', '2020-2021', '--by', 'colour')).code).toBe(1);
    expect((await same('report', 'forecast', '--round', '2020-2021', '--as-of', '2020-06-30', '--iterations', '30')).out).toMatch(
      /^Forecast of delivery, round 2020-2021/,
    );
    await same(
      'report',
      'forecast',
      '--round',
      '2020-2021',
      '--as-of',
      '2020-06-30',
      '--iterations',
      '30',
      '--seed',
      '7',
      '--format',
      'json',
    );
  });

  it("reports the server's refusals as local errors, and refuses plainly what only the database's machine does", async () => {
    const other = await remote('cases', 'list', '--state', 'BE');
    expect(other).toMatchObject({ code: 1, err: expect.stringMatching(/^Error: You may not do this: it is not part of your role’s work/) });
    expect(await remote('cases', 'show', 'C-1')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/name the Member State \(--state XX\)/),
    });
    expect(await remote('cases', 'hold', '--all', '--reason', 'x')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/works on the database's machine only/),
    });
    expect(await remote('persons', 'import', FILE)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^Error: `persons import` works on the database's machine only/),
    });
    expect(await cli(['--server', server.url, 'rounds', 'list'], {})).toMatchObject({
      code: 1,
      err: expect.stringMatching(/needs a session token/),
    });
    expect(await cli(['--server', server.url, 'rounds', 'list'], { PATHWAYS_TOKEN: 'x'.repeat(43) })).toMatchObject({
      code: 1,
      err: expect.stringMatching(/Your session has ended/),
    });
    expect(await cli(['--server', 'http://127.0.0.1:9', 'rounds', 'list'], { PATHWAYS_TOKEN: token })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Cannot reach the server at http:\/\/127\.0\.0\.1:9/),
    });
  });

  it('takes the server from PATHWAYS_SERVER and the token from --token-file', async () => {
    const file = writeFile(dir, `token-${kind.name}`, `${token}\n`);
    const viaEnv = await cli(['--token-file', file, 'cases', 'list', '--state', 'NL'], { PATHWAYS_SERVER: server.url });
    expect(viaEnv).toEqual(await local('cases', 'list', '--state', 'NL'));
  });
});
