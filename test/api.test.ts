import { translator } from '../src/i18n/i18n.ts';
import { caseFieldsFor, shownFields } from '../src/access/fields.ts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { hashEtag } from '../src/api/etag.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { toCsv } from '../src/presentation/table.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile } from './files.ts';
import { signInAs } from './factories.ts';

/**
 * The HTTP API end to end, on each database: every resource's happy path and its refusals, the one
 * error shape, Idempotency-Key (replay, another body, 20 parallel duplicates), ETag/If-Match (428,
 * 412, 8 concurrent writers), Cache-Control, and the audit lines of reads. Expectations are computed
 * from the input rows, not copied from an answer.
 */
const dir = tempDir();
const OP = operator('api-test');
const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
const PRIORITIES = ['normal', 'urgent', 'emergency'] as const;
const DEPARTURES = ['LBN', 'TUR', 'JOR'] as const;
const CATEGORIES = ['medical_needs', 'legal_physical_protection'] as const;

/** The NL cases of the fixture, as the file writes them (N-01 has two members). */
const NL_CASES = Array.from({ length: 12 }, (_, i) => ({
  ref: `N-${String(i + 1).padStart(2, '0')}`,
  priority: PRIORITIES[i % 3]!,
  departure: DEPARTURES[i % 3]!,
  category: CATEGORIES[i % 2]!,
  partner: i % 2 === 0 ? 'unhcr' : 'iom',
  referredOn: `2020-01-${String(28 - i).padStart(2, '0')}`,
}));
const PRIORITY_RANK = { emergency: 0, urgent: 1, normal: 2 } as const;

function caseFile(): string {
  const lines: Record<string, string>[] = [];
  for (const c of NL_CASES) {
    const base = {
      case_ref: c.ref,
      member_state: 'NL',
      pathway: 'resettlement',
      round: '2020-2021',
      citizenship: 'SYR',
      sex: 'F',
      birth_year: '1985',
      country_of_departure: c.departure,
      priority: c.priority,
      primary_category: c.category,
      referring_partner: c.partner,
      partner_ref: `PR-${c.ref}`,
      relationship: 'principal',
      referred_on: c.referredOn,
    };
    lines.push({ ...base, person_ref: `${c.ref}-A` });
    if (c.ref === 'N-01')
      lines.push({
        ...base,
        person_ref: 'N-01-B',
        sex: 'M',
        birth_year: '2014',
        relationship: 'child',
        needs: 'disability(wheelchair access)',
      });
  }
  lines.push({
    case_ref: 'B-1',
    person_ref: 'B-1-A',
    member_state: 'BE',
    pathway: 'resettlement',
    round: '2020-2021',
    citizenship: 'ERI',
    sex: 'F',
    birth_year: '1990',
    country_of_departure: 'TUR',
    referring_partner: 'unhcr',
    relationship: 'principal',
  });
  return writeFile(
    dir,
    `cases-${randomUUID()}.csv`,
    toCsv(
      COLUMNS,
      lines.map((r) => COLUMNS.map((k) => r[k as keyof typeof r] ?? '')),
    ),
  );
}

type Session = Awaited<ReturnType<typeof signInAs.officer>>;
// biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as a client would, whatever the route
type Answer = { status: number; headers: Headers; body: any; text: string };

describe.each(databaseKinds)('the HTTP API on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let nl: Session, be: Session, commission: Session, commission2: Session, partner: Session, partnerBe: Session, sponsor: Session;

  const call = async (
    who: Session | null,
    method: string,
    path: string,
    opts: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {
      ...(who?.headers ?? {}),
      ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    };
    const res = await app.request(path, { method, headers, body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  const get = (who: Session | null, path: string, headers: Record<string, string> = {}) => call(who, 'GET', path, { headers });
  const post = (who: Session | null, path: string, json: unknown, headers: Record<string, string> = {}) =>
    call(who, 'POST', path, { json, headers: { 'idempotency-key': randomUUID(), ...headers } });
  const op = <T>(work: (tx: Parameters<Parameters<typeof inScope<T>>[2]>[0]) => Promise<T>) => inScope(database.db, OP, work);
  const auditOf = (actor: string, action: string) =>
    op((tx) =>
      rows<{ recordIds: string[]; fields: string[]; stateCode: string | null }>(
        tx,
        sql`SELECT record_ids AS "recordIds", fields, state_code AS "stateCode" FROM audit_log WHERE actor = ${actor} AND action = ${action} ORDER BY id`,
      ),
    );
  /** Every page of a list, following nextCursor. */
  const allPages = async (who: Session, path: string) => {
    const refs: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(who, `${path}${path.includes('?') ? '&' : '?'}${cursor ? `cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, r.text).toBe(200);
      refs.push(...r.body.cases.map((c: { caseRef: string }) => c.caseRef));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { refs, pages };
  };

  beforeAll(async () => {
    database = await kind.open();
    await importCasesFile({ db: database.db, actor: OP, path: caseFile() });
    await op((tx) =>
      tx.execute(sql`INSERT INTO case_supporters (case_id, state_code, organisation, phases)
                                    SELECT id, state_code, 'ngo-x', ARRAY['reception'] FROM cases WHERE case_ref = 'N-01'`),
    );
    app = createApp(database, { identity: {} });
    nl = await signInAs.officer(database, 'NL');
    be = await signInAs.officer(database, 'BE');
    commission = await signInAs.analyst(database);
    commission2 = await signInAs.analyst(database);
    partner = await signInAs.partner(database, 'NL', 'unhcr');
    partnerBe = await signInAs.partner(database, 'BE', 'unhcr');
    sponsor = await signInAs.sponsor(database, 'NL', 'ngo-x');
  });
  afterAll(async () => database?.close());

  // ── Rounds ───────────────────────────────────────────────────────────────────────────────────
  it('lists the rounds to any signed-in role, and one round with a stable ETag', async () => {
    for (const who of [commission, nl, partner]) {
      const r = await get(who, '/api/rounds');
      expect(r.status).toBe(200);
      expect(r.body.rounds.map((x: { id: string }) => x.id)).toContain('2020-2021');
    }
    const one = await get(commission, '/api/rounds/2020-2021');
    expect(one.body).toMatchObject({ id: '2020-2021', start: '2020-01-01', end: '2021-12-31', target: { value: 29500 } });
    expect(one.headers.get('etag')).toBe(hashEtag('round', one.body));
    expect((await get(nl, '/api/rounds/2020-2021')).headers.get('etag')).toBe(one.headers.get('etag'));
    expect((await get(nl, '/api/rounds/1999')).body).toMatchObject({ code: 'not_found', message: expect.stringContaining('"1999"') });
  });

  it('lets the Commission open a round, and refuses a state officer (403), an id that exists (409) and a file that does not fit (400, per field)', async () => {
    const round = {
      id: `api-${kind.name}-1`,
      title: 'A national programme',
      legal_basis: 'national',
      start: '2022-01-01',
      end: '2022-12-31',
      target: 500,
    };
    const made = await post(commission, '/api/rounds', round);
    expect(made.status, made.text).toBe(201);
    expect(made.headers.get('location')).toBe(`/api/rounds/${round.id}`);
    expect(made.body).toMatchObject({ id: round.id, target: { value: 500, qualifier: 'exact' }, pathways: ['resettlement'] });
    expect((await post(nl, '/api/rounds', { ...round, id: `api-${kind.name}-x` })).status).toBe(403);
    expect((await post(commission, '/api/rounds', round)).body).toMatchObject({ code: 'conflict' });
    const bad = await post(commission, '/api/rounds', { id: 'bad id!', start: '2022-13-01', extra: 1 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.details).sort()).toEqual(['end', 'extra', 'id', 'legal_basis', 'start', 'title']);
    expect(bad.body.details.title).toEqual(['is required']);
  });

  // ── Pledges ──────────────────────────────────────────────────────────────────────────────────
  it("lists a round's pledges in the Annex's shape, its totals the sum of the states'", async () => {
    const r = await get(commission, '/api/rounds/2020-2021/pledges?lang=nl');
    expect(r.status).toBe(200);
    const states: { code: string; name: string; pledged: number; carryOver: number }[] = r.body.states;
    expect(r.body.totals.pledged).toBe(states.reduce((n, s) => n + s.pledged, 0));
    expect(r.body.totals.carryOver).toBe(states.reduce((n, s) => n + s.carryOver, 0));
    expect(states.find((s) => s.code === 'NL')!.name).toBe('Nederland');
    expect(r.headers.get('etag')).toBe(hashEtag('pledge-listing', r.body));
  });

  it("lets a state enter its own pledges against the ETag it read, and refuses another state's officer, a missing If-Match (428) and a stale one (412)", async () => {
    const before = await get(nl, '/api/rounds/2026-2027/pledges/NL');
    const etag = before.headers.get('etag')!;
    const pledge = { pathway: 'humanitarian_admission', places: 120, countryOfDeparture: 'Libanon', note: 'via the API' };
    expect((await post(be, '/api/rounds/2026-2027/pledges/NL', { pledges: [pledge] }, { 'if-match': etag })).status).toBe(403);
    expect((await post(nl, '/api/rounds/2026-2027/pledges/NL', { pledges: [pledge] })).body).toMatchObject({
      code: 'precondition_required',
    });
    const saved = await post(nl, '/api/rounds/2026-2027/pledges/NL', { pledges: [pledge] }, { 'if-match': etag });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toEqual({ rows: 1, added: 1, updated: 0, unchanged: 0 });
    const after = await get(nl, '/api/rounds/2026-2027/pledges/NL');
    expect(after.body.pledges).toHaveLength(before.body.pledges.length + 1);
    expect(after.body.pledges).toContainEqual({
      pathway: 'humanitarian_admission',
      places: 120,
      carryOver: false,
      countryOfDeparture: 'LBN',
      targetGroup: null,
      note: 'via the API',
    });
    expect(saved.headers.get('etag')).toBe(after.headers.get('etag'));
    expect(after.headers.get('etag')).not.toBe(etag);
    const stale = await post(nl, '/api/rounds/2026-2027/pledges/NL', { pledges: [{ ...pledge, places: 1 }] }, { 'if-match': etag });
    expect(stale.body).toMatchObject({ code: 'precondition_failed' });
    expect(stale.status).toBe(412);
    const twice = await post(
      nl,
      '/api/rounds/2026-2027/pledges/NL',
      { pledges: [pledge, pledge, { ...pledge, countryOfDeparture: 'Atlantis' }] },
      { 'if-match': after.headers.get('etag')! },
    );
    expect(twice.status).toBe(400);
    expect(Object.keys(twice.body.details).sort()).toEqual(['pledges.1', 'pledges.2.countryOfDeparture']);
  });

  it("refuses a change to an ended round's pledges, saying why (409), and keeps them as they were", async () => {
    const before = await get(nl, '/api/rounds/2020-2021/pledges/NL');
    const pledge = { pathway: 'humanitarian_admission', places: 7, countryOfDeparture: 'Libanon', note: 'too late' };
    const refused = await post(nl, '/api/rounds/2020-2021/pledges/NL', { pledges: [pledge] }, { 'if-match': before.headers.get('etag')! });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      'Round 2020-2021 ended on 2021-12-31: its pledges are what it delivered against and can no longer be changed.',
    );
    expect((await get(nl, '/api/rounds/2020-2021/pledges/NL')).headers.get('etag')).toBe(before.headers.get('etag'));
  });

  // ── Cases ────────────────────────────────────────────────────────────────────────────────────
  it('answers in the language chosen in the web (its cookie) when the request names none', async () => {
    const plain = await call(null, 'GET', '/api/users');
    const dutch = await call(null, 'GET', '/api/users', { headers: { cookie: 'pathways_lang=nl' } });
    expect([plain.status, dutch.status]).toEqual([401, 401]);
    expect(dutch.body.message).not.toBe(plain.body.message);
    const named = await call(null, 'GET', '/api/users', { headers: { cookie: 'pathways_lang=nl', 'accept-language': 'en' } });
    expect(named.body.message).toBe(plain.body.message);
  });

  it('finds cases by part of their reference, in any case, and counts what the filters find over all pages', async () => {
    const first = await get(nl, '/api/states/NL/cases?ref=n-1&limit=2');
    expect(first.status, first.text).toBe(200);
    expect(first.body.cases.map((c: { caseRef: string }) => c.caseRef)).toEqual(['N-10', 'N-11']);
    expect(first.body.total).toBe(3);
    expect(first.body.nextCursor).not.toBeNull();
    expect((await get(nl, '/api/states/NL/cases?limit=1')).body.total).toBe(NL_CASES.length);
    // `%` and `_` are taken as they are, not as patterns.
    expect((await get(nl, '/api/states/NL/cases?ref=N_0')).body.total).toBe(0);
  });

  // ── Cases ────────────────────────────────────────────────────────────────────────────────────
  it("pages through a state's cases in each sort and filter, every case once and in order", async () => {
    const byRef = NL_CASES.map((c) => c.ref).sort();
    const plain = await allPages(nl, '/api/states/NL/cases?limit=5');
    expect(plain).toEqual({ refs: byRef, pages: Math.ceil(byRef.length / 5) });
    expect((await allPages(nl, '/api/states/NL/cases?limit=4&sort=-case_ref')).refs).toEqual([...byRef].reverse());
    const byDay = [...NL_CASES].sort((a, b) => a.referredOn.localeCompare(b.referredOn) || a.ref.localeCompare(b.ref)).map((c) => c.ref);
    expect((await allPages(nl, '/api/states/NL/cases?limit=3&sort=status_on')).refs).toEqual(byDay);
    const byPriority = [...NL_CASES]
      .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || b.ref.localeCompare(a.ref))
      .map((c) => c.ref);
    expect((await allPages(nl, '/api/states/NL/cases?limit=5&sort=-priority')).refs).toEqual(byPriority);
    const urgentFromTurkey = NL_CASES.filter((c) => c.priority === 'urgent' && c.departure === 'TUR').map((c) => c.ref);
    expect(urgentFromTurkey.length).toBeGreaterThan(0);
    expect((await allPages(nl, '/api/states/NL/cases?priority=urgent&departure=TUR&limit=2')).refs).toEqual(urgentFromTurkey);
    const medical = NL_CASES.filter((c) => c.category === 'medical_needs').map((c) => c.ref);
    expect((await allPages(nl, '/api/states/NL/cases?category=medical_needs&pathway=resettlement')).refs).toEqual(medical);
    expect((await allPages(nl, '/api/states/NL/cases?status=closed')).refs).toEqual([]);
  });

  it('refuses bad query parameters with the reason per parameter, never 500', async () => {
    const r = await get(nl, '/api/states/NL/cases?limit=0&sort=bogus&departure=lebanon&priority=high', { 'accept-language': 'nl' });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Het verzoek is niet geldig: zie de redenen per veld.');
    expect(Object.keys(r.body.details).sort()).toEqual(['departure', 'limit', 'priority', 'sort']);
    expect(r.body.details.limit).toEqual(['moet 1 of meer zijn']);
    const cursor = await get(nl, '/api/states/NL/cases?cursor=not-a-cursor');
    expect(cursor).toMatchObject({ status: 400, body: { code: 'bad_input', details: { cursor: [] } } });
    // A cursor of one sort is refused by another (it would skip rows).
    const first = await get(nl, '/api/states/NL/cases?limit=1');
    expect((await get(nl, `/api/states/NL/cases?sort=priority&cursor=${first.body.nextCursor}`)).status).toBe(400);
    expect((await get(nl, '/api/states/XX/cases')).body.details).toHaveProperty('state');
  });

  it("filters a state's cases by a member's specific need, page by page, and audits the filter", async () => {
    // N-01's child has a disability (the file); a medical need is given here to every fourth case's principal.
    const medical = NL_CASES.filter((_, i) => i % 4 === 2).map((c) => c.ref);
    await op((tx) =>
      tx.execute(sql`UPDATE persons SET needs = '[{"type":"medical","note":"dialysis"}]'::jsonb
                                     WHERE state_code = 'NL' AND person_ref = ANY(${sql.param(medical.map((r) => `${r}-A`))}::text[])`),
    );
    expect(await allPages(nl, '/api/states/NL/cases?needs=medical&limit=2')).toEqual({
      refs: medical,
      pages: Math.ceil(medical.length / 2),
    });
    expect((await allPages(nl, '/api/states/NL/cases?needs=medical&sort=-case_ref&limit=1')).refs).toEqual([...medical].reverse());
    const medicalUrgent = NL_CASES.filter((c) => medical.includes(c.ref) && c.priority === 'urgent').map((c) => c.ref);
    expect((await allPages(nl, '/api/states/NL/cases?needs=medical&priority=urgent')).refs).toEqual(medicalUrgent);
    expect((await allPages(nl, '/api/states/NL/cases?needs=disability')).refs).toEqual(['N-01']);
    expect((await allPages(nl, '/api/states/NL/cases?needs=pregnancy')).refs).toEqual([]);
    const [audit] = await op((tx) =>
      rows<{ details: { filters: Record<string, string> } }>(
        tx,
        sql`SELECT details FROM audit_log WHERE actor = ${nl.principal.id} AND action = 'case.list' ORDER BY id DESC LIMIT 1`,
      ),
    );
    expect(audit!.details.filters).toEqual({ needs: 'pregnancy' });
    const bad = await get(nl, '/api/states/NL/cases?needs=tall');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.details)).toEqual(['needs']);
  });

  it("shows a state's officer one case with its members, history and ETag; another state's officer and the Commission get nothing", async () => {
    const r = await get(nl, '/api/states/NL/cases/N-01');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ caseRef: 'N-01', stateCode: 'NL', priority: 'normal', referringPartner: 'unhcr', persons: 2 });
    expect(r.body.members.map((m: { personRef: string }) => m.personRef)).toEqual(['N-01-A', 'N-01-B']);
    expect(r.headers.get('etag')).toBe(`"case-${r.body.id}-v${r.body.version}"`);
    const history = await get(nl, '/api/states/NL/cases/N-01/history');
    expect(history.body.history).toEqual(r.body.history);
    expect(history.headers.get('etag')).toBe(r.headers.get('etag'));
    for (const who of [be, commission]) {
      for (const path of ['/api/states/NL/cases/N-01', '/api/states/NL/cases/N-01/history', '/api/states/NL/cases']) {
        const denied = await get(who, path);
        expect([403, 404], `${path}: ${denied.text}`).toContain(denied.status);
        expect(denied.text).not.toContain('N-01-A');
      }
    }
    // A case reference with a slash travels encoded in the path. The officer's read needs no lookup
    // first (the case is read by its reference); a missing case is still the API's 404, in its words, unaudited.
    const reads = (await auditOf(nl.principal.id, 'case.read')).length;
    const missing = await get(nl, `/api/states/NL/cases/${encodeURIComponent('N/none')}`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('N/none');
    expect(missing.text).not.toContain('pathways cases list');
    expect(await auditOf(nl.principal.id, 'case.read')).toHaveLength(reads);
    // The same for its history, whose lookup and rows go out together.
    const historyReads = (await auditOf(nl.principal.id, 'case.history.read')).length;
    const noHistory = await get(nl, `/api/states/NL/cases/${encodeURIComponent('N/none')}/history`);
    expect(noHistory.status).toBe(404);
    expect(noHistory.text).toContain('N/none');
    expect(await auditOf(nl.principal.id, 'case.history.read')).toHaveLength(historyReads);
  });

  it('audits a list with the case references it returned, and a read with the fields it showed', async () => {
    const page = await get(nl, '/api/states/NL/cases?limit=3&sort=-case_ref');
    const lists = await auditOf(nl.principal.id, 'case.list');
    expect(lists.at(-1)).toEqual({
      recordIds: page.body.cases.map((c: { caseRef: string }) => `case:${c.caseRef}`),
      fields: Object.keys(page.body.cases[0]),
      stateCode: 'NL',
    });
    await get(nl, '/api/states/NL/cases/N-01');
    const read = (await auditOf(nl.principal.id, 'case.read')).at(-1)!;
    expect(read.recordIds).toEqual(['case:N-01', 'person:N-01-A', 'person:N-01-B']);
    expect(read.fields).toEqual(expect.arrayContaining(['caseRef', 'members.personRef', 'members.needs', 'history']));
    // Exactly the fields the role is shown (src/access/fields.ts), no more.
    expect(read.fields).toEqual(shownFields(caseFieldsFor(nl.principal), true));
    await get(nl, '/api/states/NL/cases/N-02/history');
    expect((await auditOf(nl.principal.id, 'case.history.read')).at(-1)).toEqual({
      recordIds: ['case:N-02'],
      fields: ['history'],
      stateCode: 'NL',
    });
  });

  it('moves a case against the ETag it was read at; 428 without If-Match, 412 when stale, 400 with what is possible when the rules refuse', async () => {
    const read = await get(nl, '/api/states/NL/cases/N-02');
    const etag = read.headers.get('etag')!;
    const path = '/api/states/NL/cases/N-02/transitions';
    expect((await post(be, path, { action: 'under_review' }, { 'if-match': etag })).status).toBe(403);
    const missing = await post(nl, path, { action: 'under_review' });
    expect(missing).toMatchObject({ status: 428, body: { code: 'precondition_required' } });
    expect((await post(nl, path, { action: 'under_review' }, { 'if-match': '*' })).status).toBe(428);
    const moved = await post(nl, path, { action: 'under_review', on: '2020-02-01', modality: 'remote' }, { 'if-match': etag });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toEqual({ from: 'referred', to: 'under_review', version: read.body.version + 1, arrived: 0 });
    expect(moved.headers.get('etag')).toBe(`"case-${read.body.id}-v${read.body.version + 1}"`);
    const stale = await post(nl, path, { action: 'accepted', on: '2020-02-02' }, { 'if-match': etag });
    expect(stale).toMatchObject({ status: 412, body: { code: 'precondition_failed', details: { version: read.body.version + 1 } } });
    const otherCase = await post(
      nl,
      path,
      { action: 'accepted' },
      { 'if-match': `"case-${read.body.id + 1000}-v${read.body.version + 1}"` },
    );
    expect(otherCase.status).toBe(412);
    const refused = await post(nl, path, { action: 'departed', on: '2020-02-03' }, { 'if-match': moved.headers.get('etag')! });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      'Case N-02 is under_review; it cannot go to departed from there. Possible now: accepted, rejected, deferred, on_hold, withdrawn.',
    );
    expect(refused.body.details).toEqual({ refusal: 'not_next', allowed: ['accepted', 'rejected', 'deferred', 'on_hold', 'withdrawn'] });
    const after = await get(nl, '/api/states/NL/cases/N-02');
    expect([after.body.version, after.body.status, after.body.history.length]).toEqual([
      read.body.version + 1,
      'under_review',
      read.body.history.length + 1,
    ]);
  });

  it("holds and resumes a state's cases in bulk, each that may move once", async () => {
    const { refs } = await allPages(nl, '/api/states/NL/cases?limit=100');
    const before = await Promise.all(refs.map(async (ref) => (await get(nl, `/api/states/NL/cases/${ref}`)).body));
    const holdable = before.filter((c) =>
      ['referred', 'under_review', 'deferred', 'accepted', 'checks', 'pre_departure', 'travel_arranged'].includes(c.status),
    );
    expect((await post(be, '/api/states/NL/cases/hold', { reason: 'suspension' })).status).toBe(403);
    expect((await post(nl, '/api/states/NL/cases/hold', {})).body.details).toEqual({ reason: ['is required'] });
    const held = await post(nl, '/api/states/NL/cases/hold', { reason: 'COVID-19 suspension', on: '2020-03-17' });
    expect(held.body).toEqual({ byState: { NL: holdable.length }, total: holdable.length });
    const resumed = await post(nl, '/api/states/NL/cases/resume', { on: '2020-06-18', countryOfDeparture: 'LBN' });
    const fromLebanon = holdable.filter((c) => c.countryOfDeparture === 'LBN').length;
    expect(resumed.body.total).toBe(fromLebanon);
    const rest = await post(nl, '/api/states/NL/cases/resume', { on: '2020-06-18' });
    expect(rest.body.total).toBe(holdable.length - fromLebanon);
    for (const c of before) expect((await get(nl, `/api/states/NL/cases/${c.caseRef}`)).body.status).toBe(c.status);
  });

  // ── Referral partners and sponsors ───────────────────────────────────────────────────────────
  it("shows a referral partner where its own referrals to its agreement's state stand, in its fields only", async () => {
    const r = await get(partner, '/api/referrals?limit=100');
    expect(r.status).toBe(200);
    // The same organisation's referral to Belgium (B-1) belongs to its agreement with Belgium, not to this account.
    const expected = NL_CASES.filter((c) => c.partner === 'unhcr')
      .map((c) => `NL ${c.ref}`)
      .sort();
    expect(r.body.cases.map((c: { stateCode: string; caseRef: string }) => `${c.stateCode} ${c.caseRef}`).sort()).toEqual(expected);
    for (const c of r.body.cases) {
      for (const k of Object.keys(c))
        expect(['stateCode', 'caseRef', 'referringPartner', 'partnerRef', 'roundId', 'status', 'statusOn']).toContain(k);
      expect(c.referringPartner).toBe('unhcr');
    }
    const lines = await auditOf(partner.principal.id, 'referral.list');
    expect(lines.map((l) => l.stateCode).sort()).toEqual(['NL']);
    expect(lines.flatMap((l) => l.recordIds).length).toBe(expected.length);
    const inBelgium = await get(partnerBe, '/api/referrals?limit=100');
    expect(inBelgium.body.cases.map((c: { stateCode: string; caseRef: string }) => `${c.stateCode} ${c.caseRef}`)).toEqual(['BE B-1']);
    // Asked for by its path, the Belgian referral is not found in this account's scope (the database hides it).
    expect((await get(partner, '/api/states/BE/cases/B-1')).status).toBe(404);
    expect((await get(nl, '/api/referrals')).status).toBe(403);
    expect((await get(sponsor, '/api/referrals')).status).toBe(403);
  });

  it('shows a sponsor the household it supports, in the fields of its phases', async () => {
    const r = await get(sponsor, '/api/households');
    expect(r.status).toBe(200);
    expect(r.body.cases).toHaveLength(1);
    const [h] = r.body.cases;
    expect(h).toMatchObject({ caseRef: 'N-01', stateCode: 'NL', persons: 2, phases: ['reception'] });
    expect(h).not.toHaveProperty('priority');
    expect(h.members.map((m: Record<string, unknown>) => Object.keys(m).sort())).toEqual([
      ['arrivedOn', 'birthYear', 'needs', 'personRef', 'relationship', 'sex'],
      ['arrivedOn', 'birthYear', 'needs', 'personRef', 'relationship', 'sex'],
    ]);
    expect((await auditOf(sponsor.principal.id, 'household.list')).at(-1)!.recordIds).toEqual([
      'case:N-01',
      'person:N-01-A',
      'person:N-01-B',
    ]);
    expect((await get(partner, '/api/households')).status).toBe(403);
    // Its own household through the case route too, in the same fields; another household not at all.
    const one = await get(sponsor, '/api/states/NL/cases/N-01');
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('history');
    expect((await get(sponsor, '/api/states/NL/cases/N-01/history')).status).toBe(403);
    expect((await get(sponsor, '/api/states/NL/cases/N-03')).status).toBe(404);
  });

  // ── Imports ──────────────────────────────────────────────────────────────────────────────────
  it('validates an upload with a dry run that writes nothing, reports every bad row, and commits a valid upload against its ETag', async () => {
    const header = PERSON_COLUMNS.join(',');
    const good = [
      header,
      'U-1,U-1-A,NL,resettlement,2020-2021,SYR,F,1980,LBN,',
      'U-1,U-1-B,NL,resettlement,2020-2021,SYR,M,2010,LBN,',
      'U-2,U-2-A,NL,resettlement,2020-2021,AFG,F,1975,IRN,',
    ].join('\n');
    const count = async () => (await allPages(nl, '/api/states/NL/cases?limit=500')).refs.length;
    const before = await count();
    const upload = (who: Session, body: string, query = 'kind=persons&state=NL', type = 'text/csv') =>
      call(who, 'POST', `/api/imports?${query}`, {
        body,
        headers: { 'content-type': type, 'idempotency-key': randomUUID(), 'content-disposition': 'attachment; filename="week 12.csv"' },
      });
    const up = await upload(nl, good);
    expect(up.status, up.text).toBe(201);
    expect(up.body).toMatchObject({
      kind: 'persons',
      state: 'NL',
      filename: 'week_12.csv',
      status: 'valid',
      report: { valid: true, rows: 3, problemCount: 0, summary: { added: 3, casesAdded: 2 } },
    });
    expect(up.body.report).not.toHaveProperty('problems');
    expect(await count()).toBe(before);
    expect(up.headers.get('etag')).toBe(`"upload-${up.body.id}-valid"`);
    const commitPath = `/api/imports/${up.body.id}/commit`;
    expect((await post(nl, commitPath, undefined)).status).toBe(428);
    expect((await post(be, commitPath, undefined, { 'if-match': up.headers.get('etag')! })).status).toBe(404);
    const committed = await post(nl, commitPath, undefined, { 'if-match': up.headers.get('etag')! });
    expect(committed.status, committed.text).toBe(200);
    expect(committed.body).toMatchObject({ status: 'committed', report: { summary: { added: 3, casesAdded: 2 } } });
    expect(await count()).toBe(before + 2);
    expect((await post(nl, commitPath, undefined, { 'if-match': committed.headers.get('etag')! })).body).toMatchObject({
      code: 'conflict',
    });
    const sizes = await op((tx) =>
      rows<{ size: number }>(tx, sql`SELECT octet_length(content)::int AS size FROM import_uploads WHERE id = ${up.body.id}`),
    );
    expect(sizes).toEqual([{ size: 0 }]);

    const bad = [
      header,
      'U-3,U-3-A,NL,resettlement,2020-2021,SYR,F,1980,LBN,',
      'U-4,U-4-A,BE,resettlement,2020-2021,SYR,F,1980,LBN,',
      'U-5,U-5-A,NL,resettlement,2020-2021,SYR,Q,1980,LBN,',
    ].join('\n');
    const invalid = await upload(nl, bad);
    expect(invalid.body).toMatchObject({ status: 'invalid', report: { valid: false, problemCount: 2 } });
    const report = await get(nl, `/api/imports/${invalid.body.id}`, { 'accept-language': 'nl' });
    expect(report.body.report.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
      [3, 'member_state'],
      [4, 'sex'],
    ]);
    expect(report.body.report.problems[0].reason).toBe('hoort bij een andere staat; dit bestand is voor NL');
    expect((await auditOf(nl.principal.id, 'import.read')).at(-1)!.recordIds).toEqual([`upload:${invalid.body.id}`]);
    expect(
      (await post(nl, `/api/imports/${invalid.body.id}/commit`, undefined, { 'if-match': report.headers.get('etag')! })).body,
    ).toMatchObject({ code: 'conflict' });
    expect(await count()).toBe(before + 2);

    // An events file for NL naming a case of BE: said to be another state's, not "no such case".
    const events = await upload(
      nl,
      ['case_ref,member_state,stage,date,actor,reason', 'N-01,BE,under_review,2020-03-01,officer-1,'].join('\n'),
      'kind=events&state=NL',
    );
    const eventsReport = await get(nl, `/api/imports/${events.body.id}`);
    expect(eventsReport.body.report.problems.map((p: { row: number; column: string; code: string }) => [p.row, p.column, p.code])).toEqual([
      [2, 'member_state', 'otherState'],
    ]);

    expect((await upload(be, good)).status).toBe(403);
    expect((await upload(nl, good, 'kind=persons&state=NL', 'application/json')).status).toBe(415);
    expect(
      (await upload(nl, good, 'kind=persons&state=NL', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).status,
    ).toBe(415);
    expect((await upload(nl, 'x', 'kind=pledges&state=NL')).body.details).toHaveProperty('round');
    expect((await get(be, `/api/imports/${invalid.body.id}`)).status).toBe(404);
  });

  // ── The one error shape ──────────────────────────────────────────────────────────────────────
  it('answers malformed JSON, a wrong media type, a body too large, no session and an unknown route in the one shape, in the caller’s language', async () => {
    const path = '/api/states/NL/cases/hold';
    const answers: Answer[] = [];
    const malformed = await call(nl, 'POST', path, {
      body: '{"reason": ',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'bad_input', message: 'The body is not valid JSON.' } });
    // A language the platform does not speak is passed over for the next the caller accepts.
    const dutch = await call(nl, 'POST', path, {
      body: '{',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'accept-language': 'ja, nl;q=0.8, en;q=0.5' },
    });
    expect(dutch.body.message).toBe('De inhoud is geen geldige JSON.');
    // Each of the 24 official languages is spoken (issue 15).
    for (const lang of ['de', 'pl', 'el', 'ga'] as const) {
      const answer = await call(nl, 'POST', path, {
        body: '{',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'accept-language': `${lang}, en;q=0.5` },
      });
      expect(answer.body.message, lang).toBe(translator(lang)('error.jsonMalformed'));
      expect(answer.body.message, lang).not.toBe('The body is not valid JSON.');
    }
    const text = await call(nl, 'POST', path, {
      body: 'reason=x',
      headers: { 'content-type': 'text/plain', 'idempotency-key': randomUUID() },
    });
    expect(text).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    const huge = await post(nl, path, { reason: 'x'.repeat(1024 * 1024 + 10) });
    expect(huge).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    const anonymous = await get(null, '/api/states/NL/cases');
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    const nowhere = await get(nl, '/api/nowhere');
    expect(nowhere).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: "There is nothing at /api/nowhere. The API's reference is at /api/docs." },
    });
    const noKey = await call(nl, 'POST', path, { json: { reason: 'x' } });
    expect(noKey).toMatchObject({ status: 400, body: { code: 'bad_input', message: expect.stringMatching(/Idempotency-Key/) } });
    // Field names are the request's: ones that are also names of every object's properties stay plain fields.
    const hostile = await call(nl, 'POST', path, {
      body: '{"reason": "x", "__proto__": {"a": 1}, "constructor": [1]}',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    });
    expect(hostile).toMatchObject({ status: 400, body: { code: 'bad_input' } });
    expect(Object.keys(hostile.body.details).sort()).toEqual(['__proto__', 'constructor']);
    answers.push(malformed, dutch, text, huge, anonymous, nowhere, noKey, hostile);
    for (const a of answers) {
      expect(Object.keys(a.body).sort()).toEqual(['code', 'details', 'message']);
      expect(a.text).not.toMatch(/at .*\.ts:\d+|stack|Error:/);
      expect(a.headers.get('cache-control')).toBe('no-store');
    }
  });

  // ── Idempotency-Key ──────────────────────────────────────────────────────────────────────────
  it('replays the first answer for the same key and body, refuses the key with another body (422), and keeps keys per principal', async () => {
    const key = randomUUID();
    const round = { id: `api-${kind.name}-idem`, title: 'Idempotent', legal_basis: 'national', start: '2023-01-01', end: '2023-12-31' };
    const first = await post(commission, '/api/rounds', round, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const again = await post(commission, '/api/rounds', round, { 'idempotency-key': key });
    expect([again.status, again.text, again.headers.get('etag'), again.headers.get('location')]).toEqual([
      201,
      first.text,
      first.headers.get('etag'),
      first.headers.get('location'),
    ]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await post(commission, '/api/rounds', { ...round, title: 'Another' }, { 'idempotency-key': key });
    expect(other).toMatchObject({ status: 422, body: { code: 'unprocessable' } });
    // Another principal's identical key is its own: the request runs, and meets the round that exists.
    expect((await post(commission2, '/api/rounds', round, { 'idempotency-key': key })).status).toBe(409);
    // A failed request keeps no key: the same key may be sent again once the request is right.
    const fixKey = randomUUID();
    expect(
      (await post(commission, '/api/rounds', { ...round, id: `api-${kind.name}-fix`, start: 'soon' }, { 'idempotency-key': fixKey }))
        .status,
    ).toBe(400);
    expect((await post(commission, '/api/rounds', { ...round, id: `api-${kind.name}-fix` }, { 'idempotency-key': fixKey })).status).toBe(
      201,
    );
  });

  it('creates exactly one round from 20 parallel identical POSTs', async () => {
    const key = randomUUID();
    const round = { id: `api-${kind.name}-race`, title: 'Raced', legal_basis: 'national', start: '2024-01-01', end: '2024-12-31' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(commission, '/api/rounds', round, { 'idempotency-key': key })));
    const made = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    expect(made).toHaveLength(1);
    // The others were answered with the first's answer, or told that it was still running: none ran again.
    for (const a of answers) {
      if (a.status === 201) expect(a.text).toBe(made[0]!.text);
      else expect([a.status, a.body.message]).toEqual([409, expect.stringMatching(/still being handled/)]);
    }
    const count = await op((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM rounds WHERE id = ${round.id}`));
    expect(count).toEqual([{ n: 1 }]);
    const lines = await op((tx) =>
      rows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'round.add' AND subject = ${`round:${round.id}`}`,
      ),
    );
    expect(lines[0]!.n).toBe(1);
  });

  it('makes exactly one move from 20 parallel identical POSTs', async () => {
    const read = await get(nl, '/api/states/NL/cases/N-05');
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(
          nl,
          '/api/states/NL/cases/N-05/transitions',
          { action: 'under_review', on: '2020-07-01' },
          { 'idempotency-key': key, 'if-match': read.headers.get('etag')! },
        ),
      ),
    );
    const made = answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === null);
    expect(made).toHaveLength(1);
    // The key is claimed in the move's own transaction: a duplicate waits for the first and gets its
    // answer, byte for byte, with its ETag (never 409: there is no "running" claim to see).
    for (const a of answers) expect([a.status, a.text, a.headers.get('etag')]).toEqual([200, made[0]!.text, made[0]!.headers.get('etag')]);
    const after = await get(nl, '/api/states/NL/cases/N-05');
    expect(after.body.version).toBe(read.body.version + 1);
    expect(after.body.history.length).toBe(read.body.history.length + 1);
  });

  it('keeps no key for a move that failed: the same key runs the move once the request is right', async () => {
    const read = await get(nl, '/api/states/NL/cases/N-06');
    const key = randomUUID();
    const path = '/api/states/NL/cases/N-06/transitions';
    const move = { action: 'under_review', on: '2020-07-01' };
    const stale = await post(nl, path, move, { 'idempotency-key': key, 'if-match': `"case-${read.body.id}-v${read.body.version - 1}"` });
    expect(stale.status).toBe(412);
    const right = await post(nl, path, move, { 'idempotency-key': key, 'if-match': read.headers.get('etag')! });
    expect([right.status, right.headers.get('idempotent-replayed')]).toEqual([200, null]);
    expect(right.body).toEqual({ from: read.body.status, to: 'under_review', version: read.body.version + 1, arrived: 0 });
    const again = await post(nl, path, move, { 'idempotency-key': key, 'if-match': read.headers.get('etag')! });
    expect([again.status, again.text, again.headers.get('idempotent-replayed')]).toEqual([200, right.text, 'true']);
    // The same key with another move: 422, and the case stays as the first move left it.
    const other = await post(
      nl,
      path,
      { action: 'hold', reason: 'checks' },
      { 'idempotency-key': key, 'if-match': right.headers.get('etag')! },
    );
    expect(other).toMatchObject({ status: 422, body: { code: 'unprocessable' } });
    expect((await get(nl, '/api/states/NL/cases/N-06')).body).toMatchObject({ status: 'under_review', version: read.body.version + 1 });
  });

  // ── If-Match under concurrency ───────────────────────────────────────────────────────────────
  it('lets exactly one of 8 concurrent writers with the same If-Match through; the others get 412 and no change is lost', async () => {
    const read = await get(nl, '/api/states/NL/cases/N-07');
    const etag = read.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(
          nl,
          '/api/states/NL/cases/N-07/transitions',
          { action: 'withdraw', on: '2020-07-02', reason: `writer ${i}` },
          { 'if-match': etag },
        ),
      ),
    );
    const won = answers.map((a, i) => ({ a, i })).filter(({ a }) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual(Array(7).fill(412));
    const after = await get(nl, '/api/states/NL/cases/N-07');
    expect(after.body.version).toBe(read.body.version + 1);
    expect(after.body.history.length).toBe(read.body.history.length + 1);
    // The change that was acknowledged is the one kept.
    expect(after.body.history.at(-1)).toMatchObject({ toStatus: 'withdrawn', reason: `writer ${won[0]!.i}` });
  });

  // ── Cache-Control ────────────────────────────────────────────────────────────────────────────
  it('sends Cache-Control: no-store with every answer under /api, refusals included; only the public description may be kept', async () => {
    const paths = [
      '/api/rounds',
      '/api/rounds/2020-2021/pledges',
      '/api/states/NL/cases',
      '/api/states/NL/cases/N-01',
      '/api/states/NL/cases/N-01/history',
      '/api/rounds/2020-2021/pipeline',
      '/api/imports/1',
      '/api/states/BE/cases',
    ];
    for (const p of paths) expect((await get(nl, p)).headers.get('cache-control'), p).toBe('no-store');
    expect((await get(sponsor, '/api/households')).headers.get('cache-control')).toBe('no-store');
    expect((await get(null, '/api/openapi.json')).headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the reports as the services compute them, to the Commission and to a state', async () => {
    const sop = await get(commission, '/api/rounds/2020-2021/state-of-play?asOf=2021-12-31&pathway=resettlement&lang=nl');
    expect(sop.status, sop.text).toBe(200);
    expect(sop.body).toMatchObject({ round: '2020-2021', asOf: '2021-12-31', pathways: ['resettlement'] });
    expect(sop.body.states[0]).toMatchObject({ code: 'BE', name: 'België' });
    const nlCases = (await allPages(nl, '/api/states/NL/cases?limit=500')).refs.length;
    const pipe = await get(commission, '/api/rounds/2020-2021/pipeline');
    const nlRow = pipe.body.states.find((s: { code: string }) => s.code === 'NL');
    expect(Object.values(nlRow.byStatus as Record<string, { cases: number }>).reduce((n, x) => n + x.cases, 0)).toBe(nlCases);
    expect((await get(nl, '/api/rounds/2020-2021/pipeline')).body.states.map((s: { code: string }) => s.code)).toEqual(['NL']);
    const times = await get(commission, '/api/rounds/2020-2021/processing-times?by=state,priority');
    expect(
      times.body
        .filter((g: { group: { state: string } }) => g.group.state === 'NL')
        .reduce((n: number, g: { cases: number }) => n + g.cases, 0),
    ).toBe(nlCases);
    expect((await get(commission, '/api/rounds/2020-2021/processing-times?by=colour')).body.message).toMatch(/colour/);
    const forecast = await get(commission, '/api/rounds/2020-2021/forecast?asOf=2020-06-30&iterations=20&seed=3');
    expect(forecast.body).toMatchObject({ round: { id: '2020-2021' }, forecast: { asOf: '2020-06-30', iterations: 20, seed: 3 } });
    expect((await get(commission, '/api/rounds/2020-2021/forecast?iterations=0')).body.details).toHaveProperty('iterations');
  });
});
