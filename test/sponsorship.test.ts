import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPONSOR_PHASES } from '../src/access/fields.ts';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';
import { createApp } from '../src/server/server.ts';
import { createSponsor } from '../src/sponsorship/sponsor.service.ts';
import { tasksFor } from '../src/sponsorship/sponsorship.ts';
import { cliRunner } from './cli-run.ts';
import { databaseKinds } from './databases.ts';
import { buildCases, type HouseholdSpec, signInAs } from './factories.ts';
import { tempDir } from './files.ts';
import { databaseRefusal } from './owner.ts';
import { apiCaller, type Session } from './sessions.ts';

/**
 * Community sponsorship through the API, on each database: a sponsor recorded, screened and
 * approved; a scheme whose criteria are checked against the Charter; a memorandum by version; a
 * sponsor matched to a household; the sponsor's portal (only its phases' fields, its tasks, the
 * messages); the safety net (the sponsor loses sight of the household: row-level security, not only
 * the service); the counts of breakdowns for the state and the Commission; the audit lines.
 */
const OP = operator('sponsorship-test');

/** The households of the fixture: three NL households for community sponsorship (one on the labour pathway), one of BE. */
const HOUSEHOLDS: HouseholdSpec[] = [
  {
    case_ref: 'S-01',
    members: [
      { person_ref: 'S-01-A', sex: 'F' },
      { person_ref: 'S-01-B', sex: 'M', birth_year: '2014', relationship: 'child', needs: 'medical' },
    ],
  },
  { case_ref: 'S-02', members: [{ person_ref: 'S-02-A', sex: 'M', needs: 'disability(wheelchair access)' }] },
  { case_ref: 'S-03', pathway: 'labour', members: [{ person_ref: 'S-03-A', sex: 'M' }] },
  { case_ref: 'B-1', member_state: 'BE', members: [{ person_ref: 'B-1-A', sex: 'F' }] },
].map((h) => ({
  member_state: 'NL',
  pathway: 'community_sponsorship',
  round: '2020-2021',
  citizenship: 'SYR',
  birth_year: '1985',
  country_of_departure: 'LBN',
  relationship: 'principal',
  ...h,
}));
const ROLES = {
  selection: 'state',
  pre_departure: 'shared',
  reception: 'sponsor',
  housing: 'sponsor',
  integration: 'shared',
  finance: 'state',
} as const;

describe.each(databaseKinds)('community sponsorship on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let nl: Session, be: Session, commission: Session, sponsor: Session, otherSponsor: Session;

  // `app` is made in beforeAll: the caller is taken at each call.
  const call = (...args: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(app)(...args);
  const get = (who: Session, path: string) => call(who, 'GET', path);
  const post = (who: Session, path: string, json?: unknown, ifMatch?: string | null) =>
    call(who, 'POST', path, json ?? {}, ifMatch ? { 'if-match': ifMatch } : {});
  const op = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OP, work);
  const auditOf = (actor: string, action: string) =>
    op((tx) =>
      rows<{ recordIds: string[]; stateCode: string | null }>(
        tx,
        sql`SELECT record_ids AS "recordIds", state_code AS "stateCode" FROM audit_log WHERE actor = ${actor} AND action = ${action} ORDER BY id`,
      ),
    );

  let sponsorId = 0;
  let etag = '';
  let schemeId = 0;
  let sponsorshipId = 0;
  let sponsorshipEtag = '';

  beforeAll(async () => {
    database = await kind.open();
    await buildCases(database, HOUSEHOLDS, { actor: OP });
    app = createApp(database);
    nl = await signInAs.officer(database, 'NL');
    be = await signInAs.officer(database, 'BE');
    commission = await signInAs.analyst(database);
    sponsor = await signInAs.sponsor(database, 'NL', 'utrecht-welcome');
    otherSponsor = await signInAs.sponsor(database, 'NL', 'other-group');
  }, 120_000);
  afterAll(async () => database?.close());

  it("records a sponsor's application, its members and checks, and moves it applied → screened → approved", async () => {
    const created = await post(nl, '/api/sponsors', {
      state: 'NL',
      organisation: 'utrecht-welcome',
      kind: 'group',
      name: 'Utrecht Welcome Group',
      region: 'Utrecht',
      householdSize: 3,
      needsSupported: ['medical'],
      languages: ['ar', 'nl'],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ status: 'applied', version: 1 });
    sponsorId = created.body.id;
    etag = created.headers.get('etag')!;
    // Another state's officer neither sees nor changes it.
    expect((await get(be, `/api/sponsors/${sponsorId}`)).status).toBe(404);
    expect((await post(be, `/api/sponsors/${sponsorId}/roster`, { name: 'X' }, `"sponsor-${sponsorId}-v1"`)).status).toBe(404);
    // A change without If-Match: 428; with an old one: 412.
    expect((await post(nl, `/api/sponsors/${sponsorId}/roster`, { name: 'Anna' })).status).toBe(428);
    let r = await post(nl, `/api/sponsors/${sponsorId}/roster`, { name: 'Anna', role: 'coordinator' }, etag);
    expect(r.status, r.text).toBe(200);
    expect((await post(nl, `/api/sponsors/${sponsorId}/roster`, { name: 'Bram' }, etag)).status).toBe(412);
    etag = r.headers.get('etag')!;
    const anna = r.body.members[0].id as number;
    // Screened needs every member's screening recorded.
    r = await post(nl, `/api/sponsors/${sponsorId}/status`, { to: 'screened' }, etag);
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('Anna');
    for (const check of ['identity', 'criminal_record', 'safeguarding']) {
      r = await post(nl, `/api/sponsors/${sponsorId}/checks`, { check, memberId: anna, result: 'passed', on: '2026-01-05' }, etag);
      expect(r.status, r.text).toBe(200);
      etag = r.headers.get('etag')!;
    }
    // A sponsor check names no member; a member check names one.
    expect(
      (await post(nl, `/api/sponsors/${sponsorId}/checks`, { check: 'housing', memberId: anna, result: 'passed', on: '2026-01-05' }, etag))
        .status,
    ).toBe(400);
    expect(r.body.members[0].screening).toBe('cleared');
    r = await post(nl, `/api/sponsors/${sponsorId}/status`, { to: 'screened' }, etag);
    expect(r.status, r.text).toBe(200);
    etag = r.headers.get('etag')!;
    r = await post(nl, `/api/sponsors/${sponsorId}/status`, { to: 'approved' }, etag);
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('financial_capacity, housing, training');
    for (const check of ['financial_capacity', 'housing', 'training']) {
      r = await post(nl, `/api/sponsors/${sponsorId}/checks`, { check, result: 'passed', on: '2026-01-06' }, etag);
      etag = r.headers.get('etag')!;
    }
    r = await post(nl, `/api/sponsors/${sponsorId}/status`, { to: 'approved' }, etag);
    expect(r.status, r.text).toBe(200);
    etag = r.headers.get('etag')!;
    expect(r.body.history.filter((e: { kind: string }) => e.kind === 'status').map((e: { toStatus: string }) => e.toStatus)).toEqual([
      'applied',
      'screened',
      'approved',
    ]);
    expect((await get(nl, '/api/states/NL/sponsors?status=approved')).body.sponsors.map((s: { id: number }) => s.id)).toEqual([sponsorId]);
    expect((await get(be, '/api/states/NL/sponsors')).status).toBe(403);
    // Reading a sponsor (a group of persons) is audited.
    await get(nl, `/api/sponsors/${sponsorId}`);
    expect((await auditOf(nl.principal.id, 'sponsor.read')).at(-1)!.recordIds).toEqual([`sponsor:${sponsorId}`, `sponsor-member:${anna}`]);
  });

  it('refuses criteria on a protected characteristic (422, explained), and keeps every published version', async () => {
    const criteria = [{ id: 'size', label: 'Household of at most 3', field: 'householdSize', operator: 'lte', value: 3 }];
    let r = await post(nl, '/api/schemes', {
      state: 'NL',
      code: 'CS-NL',
      title: 'Community sponsorship NL',
      criteria: [...criteria, { id: 'faith', label: 'Christian families' }],
      roles: ROLES,
    });
    expect(r.status).toBe(422);
    expect(r.body.details.criteria).toEqual([
      {
        criterion: 'faith',
        label: 'Christian families',
        characteristic: 'religion_or_belief',
        article: 'art. 21(1)',
        by: 'label',
        found: 'Christian',
      },
    ]);
    expect(r.body.message).toContain('art. 21(1)');
    r = await call(
      nl,
      'POST',
      '/api/schemes',
      { state: 'NL', code: 'CS-NL', title: 'x', criteria: [{ id: 'n', label: 'Nationaliteit', field: 'citizenship' }], roles: ROLES },
      { 'accept-language': 'nl' },
    );
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('art. 21(2)');
    r = await post(nl, '/api/schemes', { state: 'NL', code: 'CS-NL', title: 'x', criteria, roles: { ...ROLES, selection: 'sponsor' } });
    expect(r.status).toBe(422);
    r = await post(nl, '/api/schemes', { state: 'NL', code: 'CS-NL', title: 'Community sponsorship NL', criteria, roles: ROLES });
    expect(r.status, r.text).toBe(201);
    schemeId = r.body.id;
    r = await post(
      nl,
      `/api/schemes/${schemeId}/versions`,
      { criteria: [...criteria, { id: 'risk', label: 'Women and girls at risk' }], roles: ROLES },
      r.headers.get('etag'),
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(r.body.versions[1].criteria).toEqual(criteria);
  });

  it('records a memorandum and a new version, keeping the first and saying what changed', async () => {
    const body = {
      title: 'Humanitarian corridor',
      parties: [
        { name: 'NL', role: 'state' },
        { name: 'Utrecht Welcome Group', role: 'sponsor', sponsorId },
      ],
      validFrom: '2026-01-01',
      places: 50,
      costsBorne: [{ item: 'travel' }],
    };
    let r = await post(nl, '/api/memoranda', { state: 'NL', code: 'HC-1', ...body });
    expect(r.status, r.text).toBe(201);
    const id = r.body.versions[0].id;
    r = await post(nl, `/api/memoranda/${id}/versions`, { ...body, places: 80 }, r.headers.get('etag'));
    expect(r.status, r.text).toBe(200);
    expect(r.body.versions.map((v: { version: number; places: number }) => [v.version, v.places])).toEqual([
      [2, 80],
      [1, 50],
    ]);
    expect(r.body.versions[0].changes).toEqual([{ field: 'places', from: 50, to: 80 }]);
    // The first version is no longer the latest: a version made against it is refused.
    expect((await post(nl, `/api/memoranda/${id}/versions`, body, `"memorandum-${id}-v1"`)).status).toBe(412);
    expect((await get(nl, '/api/states/NL/memoranda')).body.memoranda[0].versions).toHaveLength(2);
  });

  it('refuses a household the sponsor cannot take, unless overridden with a reason; matches it with its phases and tasks', async () => {
    // S-02: a need the sponsor does not support.
    let r = await post(nl, '/api/sponsorships', { state: 'NL', sponsorId, caseRef: 'S-02', schemeId });
    expect(r.status).toBe(409);
    expect(r.body.details.problems).toEqual([{ code: 'needsNotSupported', params: { needs: 'disability' } }]);
    // S-03: a labour pathway.
    expect((await post(nl, '/api/sponsorships', { state: 'NL', sponsorId, caseRef: 'S-03', schemeId })).status).toBe(409);
    // Another state's officer cannot match in NL.
    expect((await post(be, '/api/sponsorships', { state: 'NL', sponsorId, caseRef: 'S-01', schemeId })).status).toBe(403);
    r = await post(nl, '/api/sponsorships', { state: 'NL', sponsorId, caseRef: 'S-01', schemeId });
    expect(r.status, r.text).toBe(201);
    sponsorshipId = r.body.id;
    sponsorshipEtag = r.headers.get('etag')!;
    const phases = ['pre_departure', 'reception', 'housing', 'integration'];
    expect(r.body).toMatchObject({ caseRef: 'S-01', phases, schemeVersion: 2, status: 'active', roles: ROLES });
    expect(r.body.tasks.map((t: { task: string; holder: string }) => `${t.task}:${t.holder}`)).toEqual(
      tasksFor(phases, ROLES).map((t) => `${t.task}:${t.holder}`),
    );
    expect((await get(nl, `/api/sponsors/${sponsorId}`)).body.status).toBe('active');
    // An override of a refusal is allowed, with its reason recorded in the sponsor's history.
    r = await post(nl, '/api/sponsorships', {
      state: 'NL',
      sponsorId,
      caseRef: 'S-02',
      schemeId,
      override: { reason: 'The group found an accessible flat' },
    });
    expect(r.status, r.text).toBe(201);
    const ended = await post(nl, `/api/sponsorships/${r.body.id}/end`, { reason: 'support completed' }, r.headers.get('etag'));
    expect(ended.body.status).toBe('ended');
    expect((await auditOf(nl.principal.id, 'sponsorship.match')).map((a) => a.recordIds[0])).toEqual(['case:S-01', 'case:S-02']);
  });

  it("shows the sponsor its households in its phases' fields only, its tasks and the messages; another sponsor nothing", async () => {
    const households = await get(sponsor, '/api/households');
    expect(households.status).toBe(200);
    expect(households.body.cases.map((c: { caseRef: string }) => c.caseRef)).toEqual(['S-01']);
    const [h] = households.body.cases;
    // reception/housing/integration show members' sex, birth year, needs; selection's category and priority are not shown.
    expect(Object.keys(h)).not.toContain('priority');
    expect(Object.keys(h.members[0]).sort()).toEqual(['arrivedOn', 'birthYear', 'needs', 'personRef', 'relationship', 'sex']);
    expect(Object.keys(h.members[0])).not.toContain('citizenship');
    const portal = await get(sponsor, '/api/sponsor');
    expect(portal.body.sponsor).toMatchObject({ id: sponsorId, status: 'active' });
    expect(portal.body.sponsorships.map((s: { id: number; caseRef: string }) => [s.id, s.caseRef])).toEqual([[sponsorshipId, 'S-01']]);
    expect(portal.body.sponsorships[0].roles).toEqual(ROLES);
    const tasks = await get(sponsor, '/api/sponsor/tasks');
    const own = tasks.body.tasks.find((t: { holder: string }) => t.holder === 'sponsor');
    const states = tasks.body.tasks.find((t: { holder: string }) => t.holder === 'state');
    let r = await post(sponsor, `/api/sponsor/tasks/${own.id}/done`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.doneAt).not.toBeNull();
    expect((await post(sponsor, `/api/sponsor/tasks/${states.id}/done`)).status).toBe(403);
    expect((await post(otherSponsor, `/api/sponsor/tasks/${own.id}/done`)).status).toBe(404);
    r = await post(sponsor, `/api/sponsorships/${sponsorshipId}/messages`, { body: 'The flat is ready.' });
    expect(r.status, r.text).toBe(201);
    r = await post(nl, `/api/sponsorships/${sponsorshipId}/messages`, { body: 'Thank you: arrival is on Monday.' });
    expect(r.status, r.text).toBe(201);
    const thread = await get(sponsor, `/api/sponsorships/${sponsorshipId}/messages`);
    expect(thread.body.messages.map((m: { side: string }) => m.side)).toEqual(['sponsor', 'state']);
    // Another sponsor, and another state's officer: nothing.
    expect((await get(otherSponsor, '/api/households')).body.cases).toEqual([]);
    expect((await get(otherSponsor, '/api/sponsor')).body).toEqual({ sponsor: null, sponsorships: [] });
    expect((await get(otherSponsor, '/api/sponsor/tasks')).body.tasks).toEqual([]);
    expect((await get(otherSponsor, `/api/sponsorships/${sponsorshipId}/messages`)).status).toBe(404);
    expect((await post(otherSponsor, `/api/sponsorships/${sponsorshipId}/messages`, { body: 'hi' })).status).toBe(404);
    expect((await get(be, `/api/sponsorships/${sponsorshipId}/messages`)).status).toBe(404);
    expect((await get(be, `/api/sponsorships/${sponsorshipId}`)).status).toBe(404);
    // The sponsor's reads are audited, with the households they named.
    expect((await auditOf(sponsor.principal.id, 'sponsor.tasks.read')).at(-1)).toMatchObject({ stateCode: 'NL', recordIds: ['case:S-01'] });
    expect((await auditOf(sponsor.principal.id, 'household.list')).at(-1)!.recordIds).toContain('case:S-01');
  });

  it('breaks down: the state takes over, the sponsor loses sight of the household at once (row-level security), the breakdown is counted', async () => {
    expect((await post(nl, `/api/sponsorships/${sponsorshipId}/breakdown`, { reason: '' }, sponsorshipEtag)).status).toBe(400);
    const r = await post(
      nl,
      `/api/sponsorships/${sponsorshipId}/breakdown`,
      { reason: 'The group dissolved', phases: ['housing', 'integration'] },
      sponsorshipEtag,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      status: 'broken_down',
      endReason: 'The group dissolved',
      safetyNet: { phases: ['housing', 'integration'] },
    });
    const takenOver = r.body.tasks
      .filter((t: { task: string }) => t.task.startsWith('safety_net:'))
      .map((t: { task: string; holder: string }) => `${t.task}:${t.holder}`);
    expect(takenOver).toEqual([
      'safety_net:housing_ready_before_arrival:state',
      'safety_net:housing_inspection:state',
      'safety_net:register_with_municipality:state',
      'safety_net:school_enrolment:state',
    ]);
    // The case keeps its stage.
    const [c] = await op((tx) => rows<{ status: string }>(tx, sql`SELECT status FROM cases WHERE case_ref = 'S-01'`));
    expect(c!.status).toBe('referred');
    // The portal and the API show the sponsor nothing of the household any more …
    expect((await get(sponsor, '/api/households')).body.cases).toEqual([]);
    expect((await get(sponsor, '/api/sponsor')).body.sponsorships).toEqual([]);
    expect((await get(sponsor, '/api/sponsor/tasks')).body.tasks).toEqual([]);
    expect((await get(sponsor, '/api/states/NL/cases/S-01')).status).toBe(404);
    // … and neither does the database, asked directly in the sponsor's scope.
    const TABLES = ['cases', 'persons', 'case_supporters', 'sponsorships', 'sponsorship_tasks', 'sponsorship_messages'];
    const seen = await inScope(database.db, sponsor.principal, async (tx) => {
      const n: Record<string, number> = {};
      for (const t of TABLES) n[t] = (await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ${sql.identifier(t)}`))[0]!.n;
      return n;
    });
    expect(seen).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    // It cannot write to the ended sponsorship's thread either (the row-level policy, not only the service).
    expect(
      await databaseRefusal(
        inScope(database.db, sponsor.principal, (tx) =>
          tx.execute(sql`INSERT INTO sponsorship_messages (sponsorship_id, state_code, organisation, side, author, body)
                         VALUES (${sponsorshipId}, 'NL', ${sponsor.principal.organisation}, 'sponsor', ${sponsor.principal.id}, 'hello')`),
        ),
      ),
    ).toMatch(/row-level security/);
    // Counted: the state with its reasons, the Commission the counts only.
    const own = await get(nl, '/api/sponsorships/breakdowns');
    expect(own.body.breakdowns.map((b: { id: number; endReason: string }) => [b.id, b.endReason])).toEqual([
      [sponsorshipId, 'The group dissolved'],
    ]);
    expect(own.body.counts).toEqual([{ stateCode: 'NL', active: 0, ended: 1, brokenDown: 1 }]);
    const eu = await get(commission, '/api/sponsorships/breakdowns');
    expect(eu.body).toEqual({ counts: [{ stateCode: 'NL', active: 0, ended: 1, brokenDown: 1 }], breakdowns: [] });
    expect((await get(sponsor, '/api/sponsorships/breakdowns')).status).toBe(403);
    // A sponsorship that broke down changes no more.
    expect((await post(nl, `/api/sponsorships/${sponsorshipId}/end`, { reason: 'x' }, r.headers.get('etag'))).status).toBe(409);
  });

  it('names every phase in the roles', () => {
    expect(Object.keys(ROLES)).toEqual([...SPONSOR_PHASES]);
  });
});

describe('sponsorship on the command line', () => {
  const dir = tempDir();
  const data = `${dir}/db`;
  const run = cliRunner(data, 'officer-nl', { keepOpen: false });

  it('lists a state’s sponsors and its breakdowns, as a table, CSV or JSON', async () => {
    expect(JSON.parse((await run('sponsors', 'list', '--state', 'NL', '--format', 'json')).out)).toEqual([]);
    const database = await openSeededDatabase({ dataDir: data, scope: '*' });
    try {
      await inScope(database.db, OP, (tx) =>
        createSponsor({
          db: tx,
          actor: OP,
          stateCode: 'NL',
          input: {
            organisation: 'cli-group',
            kind: 'faith_based',
            name: 'Kerkgroep Zwolle',
            contact: {},
            region: 'Zwolle',
            householdSize: 5,
            needsSupported: [],
            languages: [],
          },
        }),
      );
    } finally {
      await database.close();
    }
    const table = await run('sponsors', 'list', '--state', 'Nederland');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Kerkgroep Zwolle\s+faith_based\s+Zwolle\s+5\s+applied/);
    expect((await run('sponsors', 'list', '--state', 'NL', '--status', 'approved', '--format', 'csv')).out.trim()).toBe(
      'id,Name,Kind,Region,Largest household,Status',
    );
    const breakdowns = await run('sponsorships', 'breakdowns', '--state', 'NL');
    expect(breakdowns.code).toBe(0);
    expect(breakdowns.out).toContain('0 sponsorships broke down in NL.');
    expect((await run('sponsors', 'list', '--state', 'XX')).code).toBe(1);
  });
});
