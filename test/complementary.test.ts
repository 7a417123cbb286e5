import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { buildCases, type HouseholdSpec, signInAs } from './factories.ts';
import { apiCaller, type Session } from './sessions.ts';

/**
 * Complementary pathways through the API on both databases: a candidate of a labour and of an
 * education programme from application to placement, support after graduation, the case's
 * protection left untouched (P 21); family reunification requests, closed with their outcome and
 * the days they took; all of it a state's own, audited.
 */
const OP = operator('complementary-test');
const UUID = 'f2b15a0e-e65a-438a-affb-29b9d50b77d1';
/** A household of the fixture: an Afghan woman at risk departing from Pakistan (urgent), with its members. */
const household = (ref: string, pathway: string, persons: string[], state = 'SE'): HouseholdSpec => ({
  case_ref: ref,
  member_state: state,
  pathway,
  round: '',
  citizenship: 'AFG',
  sex: 'F',
  birth_year: '1995',
  country_of_departure: 'PAK',
  primary_category: 'legal_physical_protection',
  secondary_category: 'women_girls_at_risk',
  priority: 'urgent',
  members: persons.map((person_ref) => ({ person_ref })),
});
const HOUSEHOLDS = [
  household('SE-L-1', 'labour', ['SE-L-1-A', 'SE-L-1-B']),
  household('SE-E-1', 'education', ['SE-E-1-A']),
  household('SE-R-1', 'resettlement', ['SE-R-1-A']),
  household('FI-L-1', 'labour', ['FI-L-1-A'], 'FI'),
];

describe.each(databaseKinds)('complementary pathways on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let se: Session, fi: Session, commission: Session;

  // `app` is made in beforeAll: the caller is taken at each call.
  const call = (...args: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(app)(...args);
  const caseRow = (ref: string) =>
    inScope(database.db, OP, (tx) =>
      rows<Record<string, unknown>>(
        tx,
        sql`SELECT pathway, status, version, priority, primary_category, secondary_category, programme_id, status_on::text AS status_on FROM cases WHERE case_ref = ${ref}`,
      ),
    ).then((r) => r[0]!);

  beforeAll(async () => {
    database = await kind.open();
    await buildCases(database, HOUSEHOLDS, { actor: OP });
    app = createApp(database, { identity: {} });
    se = await signInAs.officer(database, 'SE');
    fi = await signInAs.officer(database, 'FI');
    commission = await signInAs.analyst(database);
    for (const body of [
      { code: 'SE-LAB-1', state: 'SE', kind: 'labour', title: 'Nurses', details: { employer: 'Region Skåne', occupations: ['2221'] } },
      {
        code: 'SE-EDU-1',
        state: 'SE',
        kind: 'education',
        title: 'Scholarships',
        details: { scholarships: 10, languageCourses: true, graduateSupport: true },
      },
      { code: 'SE-FRS-1', state: 'SE', kind: 'family_reunification_support', title: 'Family reunification help desk' },
    ]) {
      const r = await call(se, 'POST', '/api/programmes', body);
      expect(r.status, r.text).toBe(201);
    }
  });
  afterAll(async () => database?.close());

  it('admits a labour candidate to placement without touching the case’s protection (P 21)', async () => {
    const before = await caseRow('SE-L-1');
    const skills = {
      education: [{ level: 'bachelor', field: 'Nursing', country: 'AFG', completed: true }],
      languages: [
        { language: 'prs', level: 'native' },
        { language: 'en', level: 'B2' },
      ],
      work: [{ occupation: 'Nurse', esco: `http://data.europa.eu/esco/occupation/${UUID}`, years: 6 }],
    };
    const created = await call(se, 'POST', '/api/states/SE/candidates', {
      programme: 'SE-LAB-1',
      caseRef: 'SE-L-1',
      personRef: 'SE-L-1-A',
      skills,
      on: '2021-02-01',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      status: 'applied',
      pathway: 'labour',
      occupations: [`http://data.europa.eu/esco/occupation/${UUID}`],
      moves: ['shortlisted', 'refused', 'withdrawn'],
    });
    let etag = created.etag!;
    for (const [to, on] of [
      ['shortlisted', '2021-03-01'],
      ['admitted', '2021-04-01'],
      ['arrived', '2021-06-01'],
      ['placed', '2021-07-01'],
    ] as const) {
      const r = await call(se, 'POST', `/api/states/SE/candidates/${created.body.id}/transitions`, { to, on }, { 'if-match': etag });
      expect(r.status, r.text).toBe(200);
      etag = r.etag!;
    }
    // The case keeps its pathway, categories, priority, stage and version: the candidacy changed only itself.
    expect(await caseRow('SE-L-1')).toEqual(before);
    const detail = await call(se, 'GET', `/api/states/SE/candidates/${created.body.id}`);
    expect(detail.body.history.map((e: { toStatus: string }) => e.toStatus)).toEqual([
      'applied',
      'shortlisted',
      'admitted',
      'arrived',
      'placed',
    ]);
    expect(detail.body.skills.languages).toEqual(skills.languages);
    // Placed is final; a stale If-Match is refused.
    expect(
      (
        await call(
          se,
          'POST',
          `/api/states/SE/candidates/${created.body.id}/transitions`,
          { to: 'withdrawn', reason: 'x' },
          { 'if-match': etag },
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          se,
          'POST',
          `/api/states/SE/candidates/${created.body.id}/transitions`,
          { to: 'withdrawn', reason: 'x' },
          { 'if-match': created.etag! },
        )
      ).status,
    ).toBe(412);
  });

  it('refuses a candidate outside the programme’s pathway, a stranger to the case, a bad skills profile, another state', async () => {
    const add = (who: Session, state: string, body: object) => call(who, 'POST', `/api/states/${state}/candidates`, body);
    expect((await add(se, 'SE', { programme: 'SE-LAB-1', caseRef: 'SE-R-1', personRef: 'SE-R-1-A' })).status).toBe(400);
    expect((await add(se, 'SE', { programme: 'SE-LAB-1', caseRef: 'SE-L-1', personRef: 'nobody' })).status).toBe(400);
    expect(
      (
        await add(se, 'SE', {
          programme: 'SE-LAB-1',
          caseRef: 'SE-L-1',
          personRef: 'SE-L-1-B',
          skills: { languages: [{ language: 'en', level: 'C3' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await add(se, 'SE', {
          programme: 'SE-LAB-1',
          caseRef: 'SE-L-1',
          personRef: 'SE-L-1-B',
          skills: { work: [{ occupation: 'x', esco: 'nurse' }] },
        })
      ).status,
    ).toBe(400);
    expect((await add(se, 'SE', { programme: 'SE-LAB-1', caseRef: 'SE-L-1', personRef: 'SE-L-1-A' })).status).toBe(409);
    expect((await add(fi, 'FI', { programme: 'SE-LAB-1', caseRef: 'FI-L-1', personRef: 'FI-L-1-A' })).status).toBe(400);
    expect((await add(fi, 'SE', { programme: 'SE-LAB-1', caseRef: 'SE-L-1', personRef: 'SE-L-1-B' })).status).toBe(403);
    expect((await call(fi, 'GET', '/api/states/SE/candidates')).status).toBe(403);
    expect((await call(commission, 'GET', '/api/states/SE/candidates')).status).toBe(403);
  });

  it('gives an education candidate counselling and job search only after graduation (P 20)', async () => {
    const c = await call(se, 'POST', '/api/states/SE/candidates', {
      programme: 'SE-EDU-1',
      caseRef: 'SE-E-1',
      personRef: 'SE-E-1-A',
      on: '2021-01-10',
    });
    let etag = c.etag!;
    const support = async (s: string) => {
      const r = await call(se, 'POST', `/api/states/SE/candidates/${c.body.id}/support`, { support: s }, { 'if-match': etag });
      if (r.status === 200) etag = r.etag!;
      return r;
    };
    const move = async (to: string, on: string) => {
      const r = await call(se, 'POST', `/api/states/SE/candidates/${c.body.id}/transitions`, { to, on }, { 'if-match': etag });
      expect(r.status, r.text).toBe(200);
      etag = r.etag!;
      return r;
    };
    expect((await support('scholarship')).status).toBe(200);
    await move('shortlisted', '2021-02-01');
    await move('admitted', '2021-03-01');
    await move('arrived', '2021-08-20');
    expect((await support('counselling')).status).toBe(400);
    expect((await move('graduated', '2021-09-01')).body.moves).toEqual(['placed']);
    expect((await support('counselling')).status).toBe(200);
    expect((await support('job_search')).body.support).toEqual(['scholarship', 'counselling', 'job_search']);
    const list = await call(se, 'GET', '/api/states/SE/candidates?status=graduated');
    expect(list.body.candidates.map((x: { caseRef: string }) => x.caseRef)).toEqual(['SE-E-1']);
  });

  it('records family reunification requests, closes them with their outcome and reports the days taken', async () => {
    const add = (body: object) => call(se, 'POST', '/api/states/SE/family-reunification', body);
    const a = await add({
      reference: 'FR-1',
      kind: 'visa_assistance',
      familyMembers: 3,
      countryOfResidence: 'PAK',
      receivedOn: '2021-01-04',
      programme: 'SE-FRS-1',
    });
    expect(a.status, a.text).toBe(201);
    const b = await add({ reference: 'FR-2', kind: 'information', receivedOn: '2021-02-01' });
    await add({ reference: 'FR-3', kind: 'information', receivedOn: '2021-03-01' });
    expect((await add({ reference: 'FR-1', kind: 'information', receivedOn: '2021-02-01' })).status).toBe(409);
    expect((await add({ reference: 'FR-4', kind: 'information', receivedOn: '2021-02-01', programme: 'SE-LAB-1' })).status).toBe(400);
    const close = (r: { body: { id: number }; etag: string | null }, body: object) =>
      call(se, 'POST', `/api/states/SE/family-reunification/${r.body.id}/close`, body, { 'if-match': r.etag! });
    expect((await close(b, { outcome: 'visa_issued', on: '2021-02-10' })).status).toBe(400);
    expect((await close(b, { outcome: 'informed', on: '2021-01-31' })).status).toBe(400);
    const closedA = await close(a, { outcome: 'visa_issued', on: '2021-03-05' });
    expect(closedA.body).toMatchObject({ outcome: 'visa_issued', closedOn: '2021-03-05', days: 60 });
    expect((await close(a, { outcome: 'visa_refused', on: '2021-03-06' })).status).toBe(412);
    expect((await close(b, { outcome: 'informed', on: '2021-02-11' })).body.days).toBe(10);
    const figures = await call(se, 'GET', '/api/states/SE/family-reunification/figures');
    // Days 60 and 10: nearest rank gives the median the 1st (10), the 90th percentile the 2nd (60).
    expect(figures.body).toMatchObject({
      requests: 3,
      familyMembers: 5,
      open: 1,
      byOutcome: { visa_issued: 1, informed: 1, open: 1 },
      days: { count: 2, median: 10, p90: 60 },
    });
    expect(
      (await call(se, 'GET', '/api/states/SE/family-reunification?open=true')).body.requests.map((r: { reference: string }) => r.reference),
    ).toEqual(['FR-3']);
    expect((await call(commission, 'GET', '/api/states/SE/family-reunification')).status).toBe(403);
    // The returns of point 27 carry the support and candidates admitted: the state's own, and the same counts for the Commission (counted by the owner-run function), no reference.
    const own = await call(se, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31');
    const sweden = {
      stateCode: 'SE',
      familyReunification: { requests: 3, familyMembers: 5, byOutcome: { visa_issued: 1, informed: 1, open: 1 } },
      candidatesAdmitted: { labour: 1, education: 1 },
    };
    expect(own.body.states[0]).toMatchObject(sweden);
    const eu = await call(commission, 'GET', '/api/reports/admissions?from=2021-01-01&to=2021-12-31');
    expect(eu.body.states.find((s: { stateCode: string }) => s.stateCode === 'SE')).toMatchObject(sweden);
    expect(eu.text).not.toContain('FR-');
  });

  it('audits every read and write of candidates and requests, in the state’s trail', async () => {
    const lines = await inScope(database.db, OP, (tx) =>
      rows<{ action: string; stateCode: string; n: number }>(
        tx,
        sql`SELECT action, state_code AS "stateCode", count(*)::int AS n FROM audit_log WHERE action LIKE 'candidate.%' OR action LIKE 'family-request.%' GROUP BY 1, 2 ORDER BY 1`,
      ),
    );
    expect(lines.map((l) => l.action)).toEqual([
      'candidate.create',
      'candidate.list',
      'candidate.read',
      'candidate.support',
      'candidate.transition',
      'family-request.close',
      'family-request.create',
      'family-request.list',
    ]);
    expect(new Set(lines.map((l) => l.stateCode))).toEqual(new Set(['SE']));
  });
});
