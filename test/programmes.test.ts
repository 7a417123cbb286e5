import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { advanceCase, parseAction } from '../src/cases/advance-case.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { toCsv } from '../src/presentation/table.ts';
import { RETURN_PATHWAYS } from '../src/programmes/returns.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { cliRunner } from './cli-run.ts';
import { tempDir, writeFile, writePersonsCsv } from './files.ts';
import { signInAs } from './factories.ts';
import { apiCaller, type Session } from './sessions.ts';

/**
 * Programmes through the API (the VHAS's conditions, a state's own, a case joining one) and the
 * returns of point 27 on both databases: cases of several pathways and programmes in two states,
 * some moved to arrival by the case service, and the returns compared with the admissions counted
 * here, from the persons this test created.
 */
const OP = operator('programmes-test');
const dir = tempDir();

/** The households: state, case, pathway, members, the programme it joins, whether it arrives, and a member a split decision leaves out. */
const HOUSEHOLDS = [
  { state: 'NL', ref: 'NL-HA-1', pathway: 'humanitarian_admission', members: 3, programme: 'NL-HAP-SYR', arrives: true, excluded: 'P3' },
  { state: 'NL', ref: 'NL-HA-2', pathway: 'humanitarian_admission', members: 2, programme: null, arrives: true },
  { state: 'NL', ref: 'NL-HA-3', pathway: 'humanitarian_admission', members: 4, programme: 'NL-HAP-SYR', arrives: false },
  { state: 'NL', ref: 'NL-LAB-1', pathway: 'labour', members: 2, programme: 'NL-LAB-ICT', arrives: true },
  { state: 'NL', ref: 'NL-EM-1', pathway: 'emergency_admission', members: 2, programme: 'EU-EMERGENCY-2026-2027', arrives: true },
  { state: 'NL', ref: 'NL-RES-1', pathway: 'resettlement', members: 5, programme: null, arrives: true },
  { state: 'DE', ref: 'DE-CS-1', pathway: 'community_sponsorship', members: 4, programme: 'DE-NEST', arrives: true },
  { state: 'DE', ref: 'DE-HA-1', pathway: 'humanitarian_admission', members: 1, programme: null, arrives: true },
  {
    state: 'DE',
    ref: 'DE-EM-1',
    pathway: 'emergency_admission',
    members: 3,
    programme: 'EU-EMERGENCY-2026-2027',
    arrives: true,
    excluded: 'P2',
  },
] as const satisfies readonly {
  state: string;
  ref: string;
  pathway: string;
  members: number;
  programme: string | null;
  arrives: boolean;
  excluded?: string;
}[];

const TO_ARRIVAL = ['under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'] as const;

function caseFile(): string {
  const columns = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
  const data = HOUSEHOLDS.flatMap((h) =>
    Array.from({ length: h.members }, (_, i) => {
      const r: Record<string, string> = {
        case_ref: h.ref,
        person_ref: `P${i + 1}`,
        member_state: h.state,
        pathway: h.pathway,
        round: '',
        citizenship: 'SYR',
        sex: i % 2 ? 'M' : 'F',
        birth_year: String(1980 + i),
        country_of_departure: 'TUR',
        arrived_on: '',
        primary_category: 'legal_physical_protection',
        relationship: i === 0 ? 'principal' : 'child',
      };
      return columns.map((c) => r[c] ?? '');
    }),
  );
  return writeFile(dir, 'households.csv', toCsv(columns, data));
}

/** The returns as this test expects them, counted from the households above (not by the platform's query). */
function expected(state?: string) {
  const byState: Record<string, { byPathway: Record<string, number>; programmes: Record<string, number>; total: number }> = {};
  for (const h of HOUSEHOLDS) {
    if ((state && h.state !== state) || !h.arrives || h.pathway === 'resettlement') continue;
    const persons = h.members - ('excluded' in h ? 1 : 0);
    const s = byState[h.state] ?? { byPathway: Object.fromEntries(RETURN_PATHWAYS.map((p) => [p, 0])), programmes: {}, total: 0 };
    byState[h.state] = s;
    s.byPathway[h.pathway]! += persons;
    s.programmes[`${h.pathway}:${h.programme ?? '-'}`] = (s.programmes[`${h.pathway}:${h.programme ?? '-'}`] ?? 0) + persons;
    s.total += persons;
  }
  return byState;
}

describe.each(databaseKinds)('programmes and the returns of point 27 on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let nl: Session, de: Session, commission: Session;

  // `app` is made in beforeAll: the caller is taken at each call.
  const call = (...args: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(app)(...args);

  beforeAll(async () => {
    database = await kind.open();
    await importCasesFile({ db: database.db, actor: OP, path: caseFile() });
    app = createApp(database, { identity: {} });
    nl = await signInAs.officer(database, 'NL');
    de = await signInAs.officer(database, 'DE');
    commission = await signInAs.analyst(database);
  });
  afterAll(async () => database?.close());

  it('ships the EU’s own programmes: the VHAS planned with the two conditions of P 5(a), the Union Plan’s emergency admission', async () => {
    const r = await call(nl, 'GET', '/api/programmes?state=EU');
    expect(r.status, r.text).toBe(200);
    const byCode = Object.fromEntries(r.body.programmes.map((p: { code: string }) => [p.code, p]));
    expect(byCode['EU-VHAS']).toMatchObject({
      stateCode: null,
      kind: 'vhas',
      pathway: 'humanitarian_admission',
      status: 'planned',
      moves: ['active'],
    });
    expect(byCode['EU-VHAS'].activation.map((c: { id: string; met: boolean }) => [c.id, c.met])).toEqual([
      ['preconditions_met', false],
      ['irregular_crossings_reduced', false],
    ]);
    expect(byCode['EU-VHAS'].source).toContain('2020/1364, P 5(a)');
    expect(byCode['EU-EMERGENCY-2026-2027']).toMatchObject({
      kind: 'emergency_admission',
      pathway: 'emergency_admission',
      roundId: '2026-2027',
      status: 'active',
    });
    expect(byCode['EU-EMERGENCY-2026-2027'].source).toContain('2024/1350');
  });

  it('activates the VHAS only when every condition is met, each finding recorded by the Commission with its day and evidence', async () => {
    let vhas = await call(commission, 'GET', '/api/programmes/EU-VHAS');
    const refused = await call(commission, 'POST', '/api/programmes/EU-VHAS/status', { to: 'active' }, { 'if-match': vhas.etag! });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toMatchObject({
      refusal: 'conditions_unmet',
      unmet: ['preconditions_met', 'irregular_crossings_reduced'],
    });
    // A state's officer may not record a finding on the EU's programme.
    expect(
      (
        await call(
          nl,
          'POST',
          '/api/programmes/EU-VHAS/conditions/preconditions_met',
          { met: true, on: '2021-03-01', evidence: 'x' },
          { 'if-match': vhas.etag! },
        )
      ).status,
    ).toBe(403);
    const found = await call(
      commission,
      'POST',
      '/api/programmes/EU-VHAS/conditions/preconditions_met',
      { met: true, on: '2021-03-01', evidence: 'Council conclusions' },
      { 'if-match': vhas.etag! },
    );
    expect(found.status, found.text).toBe(200);
    // The old ETag no longer matches.
    expect((await call(commission, 'POST', '/api/programmes/EU-VHAS/status', { to: 'active' }, { 'if-match': vhas.etag! })).status).toBe(
      412,
    );
    const half = await call(commission, 'POST', '/api/programmes/EU-VHAS/status', { to: 'active' }, { 'if-match': found.etag! });
    expect(half.body.details).toMatchObject({ unmet: ['irregular_crossings_reduced'] });
    const both = await call(
      commission,
      'POST',
      '/api/programmes/EU-VHAS/conditions/irregular_crossings_reduced',
      { met: true, on: '2021-04-01', evidence: 'crossings down 90 %' },
      { 'if-match': found.etag! },
    );
    vhas = await call(commission, 'POST', '/api/programmes/EU-VHAS/status', { to: 'active' }, { 'if-match': both.etag! });
    expect(vhas.status, vhas.text).toBe(200);
    expect(vhas.body).toMatchObject({ status: 'active', moves: ['suspended', 'closed'] });
    expect(vhas.body.activation[1]).toMatchObject({ met: true, metOn: '2021-04-01', evidence: 'crossings down 90 %' });
  });

  it('lets a state’s officer add and activate its own programmes, not another state’s or the EU’s', async () => {
    const add = (who: Session, body: object) => call(who, 'POST', '/api/programmes', body);
    for (const [who, body] of [
      [
        nl,
        {
          code: 'NL-HAP-SYR',
          state: 'NL',
          kind: 'national_humanitarian_admission',
          title: 'Humanitarian admission of Syrians from Turkey',
          places: 500,
          targetGroups: ['women at risk'],
          criteria: 'Vulnerability (P 11)',
        },
      ],
      [
        nl,
        {
          code: 'NL-LAB-ICT',
          state: 'NL',
          kind: 'labour',
          title: 'ICT labour mobility',
          details: { employer: 'Acme BV', occupations: ['2512'] },
        },
      ],
      [de, { code: 'DE-NEST', state: 'DE', kind: 'community_sponsorship', title: 'NesT' }],
    ] as const) {
      const r = await add(who, body);
      expect(r.status, r.text).toBe(201);
      expect(r.body).toMatchObject({ status: 'planned', version: 1 });
      const active = await call(who, 'POST', `/api/programmes/${body.code}/status`, { to: 'active' }, { 'if-match': r.etag! });
      expect(active.status, active.text).toBe(200);
    }
    expect((await add(nl, { code: 'DE-X-1', state: 'DE', kind: 'labour', title: 'x' })).status).toBe(403);
    expect((await add(nl, { code: 'EU-X-1', kind: 'vhas', title: 'x' })).status).toBe(403);
    const bad = await add(nl, { code: 'NL-X-1', state: 'NL', kind: 'vhas', title: 'x', startDate: '2022-01-01', endDate: '2021-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.problems).toHaveLength(2);
    expect((await add(nl, { code: 'NL-HAP-SYR', state: 'NL', kind: 'labour', title: 'again' })).status).toBe(409);
    const listed = await call(de, 'GET', '/api/programmes?state=NL&kind=labour');
    expect(listed.body.programmes.map((p: { code: string }) => p.code)).toEqual(['NL-LAB-ICT']);
  });

  it('joins a case to a programme of its state (or the EU’s) and its pathway, with the case’s If-Match, audited', async () => {
    const join = async (who: Session, state: string, ref: string, programme: string | null, etag?: string) => {
      const tag = etag ?? (await call(who, 'GET', `/api/states/${state}/cases/${ref}`)).etag!;
      return call(who, 'PUT', `/api/states/${state}/cases/${ref}/programme`, { programme }, { 'if-match': tag });
    };
    expect((await join(nl, 'NL', 'NL-HA-2', 'NL-LAB-ICT')).status).toBe(400); // pathway differs
    expect((await join(nl, 'NL', 'NL-HA-2', 'DE-NEST')).status).toBe(400); // another state's
    expect((await join(nl, 'NL', 'NL-RES-1', 'EU-VHAS')).status).toBe(400); // resettlement is not humanitarian admission
    expect(
      (await call(nl, 'PUT', '/api/states/NL/cases/NL-HA-2/programme', { programme: 'NL-HAP-SYR' }, { 'if-match': '"case-1-v99"' })).status,
    ).toBe(412);
    expect((await call(nl, 'PUT', '/api/states/NL/cases/NL-HA-2/programme', { programme: 'NL-HAP-SYR' })).status).toBe(428);
    expect((await join(de, 'NL', 'NL-HA-1', 'NL-HAP-SYR', '"case-1-v1"')).status).toBe(403);
    for (const h of HOUSEHOLDS) {
      if (!h.programme) continue;
      const who = h.state === 'NL' ? nl : de;
      const r = await join(who, h.state, h.ref, h.programme);
      expect(r.status, `${h.ref}: ${r.text}`).toBe(200);
      expect(r.etag).toMatch(/^"case-\d+-v2"$/);
    }
    const lines = await inScope(database.db, OP, (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.programme'`),
    );
    expect(lines[0]!.n).toBe(HOUSEHOLDS.filter((h) => h.programme).length);
  });

  it('returns the admissions recorded: per state, pathway and programme, equal to the persons this test moved to arrival', async () => {
    // Arrival through the case service, each household on days in 2021, with the split decisions.
    for (const h of HOUSEHOLDS.filter((x) => x.arrives)) {
      const who = h.state === 'NL' ? nl : de;
      for (const [i, to] of TO_ARRIVAL.entries()) {
        await inScope(database.db, who.principal, (tx) =>
          advanceCase({
            db: tx,
            actor: who.principal,
            stateCode: h.state,
            caseRef: h.ref,
            action: parseAction(to),
            on: `2021-0${i + 1}-15`,
            ...(to === 'accepted' && 'excluded' in h
              ? {
                  acceptedMembers: Array.from({ length: h.members }, (_, k) => `P${k + 1}`).filter((m) => m !== h.excluded),
                  reason: 'split decision',
                }
              : {}),
          }),
        );
      }
    }
    const want = expected();
    const check = (
      body: {
        states: {
          stateCode: string;
          byPathway: Record<string, number>;
          total: number;
          programmes: { code: string | null; pathway: string; persons: number }[];
        }[];
        totals: { total: number; byPathway: Record<string, number> };
      },
      states: string[],
    ) => {
      expect(body.states.map((s) => s.stateCode)).toEqual(states);
      for (const s of body.states) {
        expect(s.byPathway, s.stateCode).toEqual(want[s.stateCode]!.byPathway);
        expect(s.total).toBe(want[s.stateCode]!.total);
        expect(Object.fromEntries(s.programmes.map((p) => [`${p.pathway}:${p.code ?? '-'}`, p.persons]))).toEqual(
          want[s.stateCode]!.programmes,
        );
      }
      expect(body.totals.total).toBe(states.reduce((n, s) => n + want[s]!.total, 0));
    };

    const eu = await call(commission, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31');
    expect(eu.status, eu.text).toBe(200);
    check(eu.body, ['DE', 'NL']);
    // Counts only: no case reference, no person reference in the Commission's answer.
    for (const h of HOUSEHOLDS) expect(eu.text).not.toContain(h.ref);
    expect(eu.text).not.toMatch(/"P\d"/);

    const own = await call(nl, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31');
    check(own.body, ['NL']);
    // The round's period gives the same (2020-2021 holds every arrival here); a period before the arrivals gives none.
    expect((await call(nl, 'GET', '/api/reports/admissions?round=2020-2021')).body.states).toEqual(own.body.states);
    expect((await call(nl, 'GET', '/api/reports/admissions?from=2020-01-01&to=2020-12-31')).body.states).toEqual([]);
    expect(
      (await call(commission, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31&state=DE')).body.states.map(
        (s: { stateCode: string }) => s.stateCode,
      ),
    ).toEqual(['DE']);
    expect((await call(nl, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31&state=DE')).status).toBe(403);
    expect((await call(nl, 'GET', '/api/reports/admissions?from=2021-12-31&to=2021-01-01')).status).toBe(400);
    expect((await call(nl, 'GET', '/api/reports/admissions')).status).toBe(400);
  });
});

describe('pathways report admissions', () => {
  const data = tempDir();
  const run = cliRunner(data, 'officer-cli');
  const person = (ref: string, p: string, state: string, pathway: string, arrived: string) => ({
    case_ref: ref,
    person_ref: p,
    member_state: state,
    pathway,
    round: '',
    citizenship: 'SYR',
    sex: 'F',
    birth_year: '1990',
    country_of_departure: 'TUR',
    arrived_on: arrived,
  });

  it('prints the returns for a period as a table, CSV, JSON and an XLSX workbook, from the persons recorded as arrived', async () => {
    const file = writePersonsCsv(dir, [
      person('C-1', 'P1', 'IT', 'community_sponsorship', '2021-05-01'),
      person('C-1', 'P2', 'IT', 'community_sponsorship', '2021-05-01'),
      person('H-1', 'P1', 'IT', 'humanitarian_admission', '2021-06-01'),
      person('H-2', 'P1', 'FR', 'humanitarian_admission', '2022-01-02'), // after the period
      person('R-1', 'P1', 'FR', 'resettlement', '2021-06-01'), // resettlement: point 26, not here
    ]);
    expect((await run('persons', 'import', file)).code).toBe(0);
    const json = await run('report', 'admissions', '--from', '2021-01-01', '--to', '2021-12-31', '--format', 'json');
    expect(json.code, json.err).toBe(0);
    const r = JSON.parse(json.out);
    expect(r.states.map((s: { stateCode: string; total: number }) => [s.stateCode, s.total])).toEqual([['IT', 3]]);
    expect(r.totals.byPathway).toMatchObject({ community_sponsorship: 2, humanitarian_admission: 1 });
    const table = await run('report', 'admissions', '--round', '2020-2021', '--lang', 'nl');
    expect(table.out).toMatch(/Gemeenschapssponsoring/);
    expect(table.out).toMatch(/Totaal\s+1\s+2\s+0\s+0\s+0\s+0\s+3/);
    const csv = await run('report', 'admissions', '--from', '2021-01-01', '--to', '2021-12-31', '--format', 'csv');
    expect(csv.out.trim().split(/\r?\n/)).toEqual([
      'from,to,member_state,pathway,programme,programme_kind,persons',
      '2021-01-01,2021-12-31,IT,humanitarian_admission,,,1',
      '2021-01-01,2021-12-31,IT,community_sponsorship,,,2',
    ]);
    const out = `${data}/returns.xlsx`;
    expect((await run('report', 'admissions', '--round', '2020-2021', '--format', 'xlsx')).code).toBe(1);
    expect((await run('report', 'admissions', '--round', '2020-2021', '--format', 'xlsx', '--output', out)).code).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect((await run('report', 'admissions')).code).toBe(1);
  });
});
