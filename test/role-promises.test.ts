import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database, type Tx } from '../src/db/db.ts';
import { isAppError } from '../src/errors/app-error.ts';
import { resetTotp, setPassword } from '../src/identity/user.service.ts';
import {
  apiFixture,
  keysOf,
  mentions,
  operationsOf,
  PERSONAL_KEYS,
  requestFor,
  stringsOf,
  type ApiFixture,
  type OpenApiDocument,
  type Operation,
} from './api-fixture.ts';
import { databaseKinds } from './databases.ts';
import { signIn } from './sessions.ts';

/**
 * The promise of each role (docs/security.md §0, README "Roles"), each stated in its test's name
 * and checked through the API as that role, on both databases. The authorisation matrix checks
 * every operation against every role; this file says, role by role, what the role is for.
 */
describe.each(databaseKinds)('the promise of each role ($name)', (kind) => {
  let database: Database;
  let fx: ApiFixture;
  let doc: OpenApiDocument;
  let gets: Operation[];
  const OP = operator('role-promises');
  /** The fixture's signed-in principal of a role (of a state, or with `null` of none). */
  const as = (role: string, stateCode?: string | null) =>
    fx.principals.find((p) => p.role === role && (stateCode === undefined || p.stateCode === stateCode))!;

  async function call(who: { headers: Record<string, string> }, method: string, path: string, json?: unknown) {
    const res = await fx.app.request(`http://pathways.test${path}`, {
      method,
      headers: {
        ...who.headers,
        'accept-language': 'en',
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as a client would, whatever the route
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // CSV or HTML: kept as text
    }
    return { status: res.status, body };
  }

  /** Every GET of the document, aimed at each state where it names one, as `who`: the successful answers. */
  async function everyGet(who: { headers: Record<string, string> }) {
    const answers: { op: string; target: string; body: unknown }[] = [];
    for (const op of gets) {
      const targets = op.parameters.some((p) => p.name === 'state') ? [fx.a, fx.b] : [fx.a];
      for (const target of targets) {
        const { url, init } = requestFor(doc, op, fx, target, who.headers);
        const res = await fx.app.request(url, init);
        expect(res.status, `${op.operationId} → ${res.status}`).toBeLessThan(500);
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // CSV or HTML
        }
        if (res.status < 300) answers.push({ op: op.operationId, target, body });
      }
    }
    return answers;
  }

  async function allRefs() {
    const [ra, rb] = [await fx.refsOf(fx.a), await fx.refsOf(fx.b)];
    return [...ra.cases, ...ra.persons, ...rb.cases, ...rb.persons];
  }

  beforeAll(async () => {
    database = await kind.open();
    fx = await apiFixture(database, 200);
    doc = (await (await fx.app.request('/api/openapi.json')).json()) as OpenApiDocument;
    gets = operationsOf(doc).filter((o) => o.method === 'GET');
  }, 300_000);
  afterAll(async () => database?.close());

  it("commission_analyst: sees every state's figures and never gets a person's or a case's reference, nor a personal field, from any GET operation", async () => {
    const answers = await everyGet(as('commission_analyst'));
    expect(answers.some((a) => a.op === 'stateOfPlay')).toBe(true);
    const refs = await allRefs();
    for (const a of answers) {
      expect(
        [...keysOf(a.body)].filter((k) => PERSONAL_KEYS.includes(k)),
        `${a.op} ${a.target}`,
      ).toEqual([]);
      const strings = stringsOf(a.body);
      expect(
        refs.filter((r) => mentions(strings, r)),
        `${a.op} ${a.target}`,
      ).toEqual([]);
    }
  }, 120_000);

  it("state_officer: reads its own state's cases in full, and nothing of another state's", async () => {
    const officer = as('state_officer', fx.a);
    const own = await call(officer, 'GET', `/api/states/${fx.a}/cases?limit=5`);
    expect(own.status).toBe(200);
    expect(own.body.cases.length).toBeGreaterThan(0);
    const one = await call(officer, 'GET', `/api/states/${fx.a}/cases/${fx.caseOf[fx.a]}`);
    expect(one.status).toBe(200);
    expect(one.body.members[0]).toHaveProperty('personRef');
    expect((await call(officer, 'GET', `/api/states/${fx.b}/cases?limit=5`)).status).toBe(403);
    expect([403, 404]).toContain((await call(officer, 'GET', `/api/states/${fx.b}/cases/${fx.caseOf[fx.b]}`)).status);
  });

  it("state_admin: manages its own state's staff and referral partners, reads no case, and can neither disable itself nor leave its state without an administrator", async () => {
    const admin = as('state_admin', fx.a);
    expect((await call(admin, 'GET', `/api/states/${fx.a}/cases?limit=5`)).status).toBe(403);
    expect((await call(admin, 'GET', `/api/states/${fx.a}/cases/${fx.caseOf[fx.a]}`)).status).toBe(403);
    const account = (role: string, stateCode: string, extra: Record<string, unknown> = {}) => ({
      username: `${role.replace('_', '-')}-${stateCode.toLowerCase()}-${randomUUID().slice(0, 8)}`,
      displayName: 'Staff',
      role,
      stateCode,
      password: 'a long enough first password',
      ...extra,
    });
    expect((await call(admin, 'POST', '/api/users', account('state_officer', fx.a))).status).toBe(201);
    expect((await call(admin, 'POST', '/api/users', account('referral_partner', fx.a, { organisation: 'iom' }))).status).toBe(201);
    expect((await call(admin, 'POST', '/api/users', account('state_officer', fx.b))).status).toBe(403);
    expect((await call(admin, 'POST', '/api/users', account('referral_partner', fx.b, { organisation: 'iom' }))).status).toBe(403);
    // Finding 11: not itself, and not the last active administrator of its state, whoever asks.
    const self = await call(admin, 'POST', '/api/users/disable', { username: admin.principal.username });
    expect([self.status, self.body.code, self.body.message]).toEqual([
      409,
      'conflict',
      'You cannot disable your own account: ask another administrator.',
    ]);
    const bySystem = await call(as('system_admin'), 'POST', '/api/users/disable', { username: admin.principal.username });
    expect([bySystem.status, bySystem.body.message]).toEqual([
      409,
      `This is the last active administrator of ${fx.a}: add another administrator of ${fx.a} first.`,
    ]);
    // With a second administrator, one of them may go (and then the other is the last again).
    const second = account('state_admin', fx.a);
    expect((await call(admin, 'POST', '/api/users', second)).status).toBe(201);
    expect((await call(as('system_admin'), 'POST', '/api/users/disable', { username: second.username })).status).toBe(200);
    expect((await call(as('system_admin'), 'POST', '/api/users/disable', { username: admin.principal.username })).status).toBe(409);
    const [active] = await inScope(database.db, OP, (tx) =>
      rows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM users WHERE role = 'state_admin' AND state_code = ${fx.a} AND disabled_at IS NULL`,
      ),
    );
    expect(active!.n).toBe(1);
  });

  it('referral_partner: sees only the referrals its organisation made to the state of its agreement, where they stand, and no person', async () => {
    const partner = as('referral_partner');
    const r = await call(partner, 'GET', '/api/referrals?limit=100');
    expect(r.status).toBe(200);
    const truth = await inScope(database.db, OP, (tx) =>
      rows<{ r: string }>(
        tx,
        sql`SELECT case_ref AS r FROM cases WHERE state_code = ${fx.a} AND referring_partner = 'unhcr' ORDER BY case_ref`,
      ),
    );
    const elsewhere = await inScope(database.db, OP, (tx) =>
      rows<{ r: string }>(tx, sql`SELECT case_ref AS r FROM cases WHERE state_code <> ${fx.a} AND referring_partner = 'unhcr'`),
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(r.body.cases.map((c: { stateCode: string; caseRef: string }) => `${c.stateCode} ${c.caseRef}`).sort()).toEqual(
      truth.map((t) => `${fx.a} ${t.r}`),
    );
    expect([...keysOf(r.body)].filter((k) => ['members', 'personRef', 'birthYear', 'citizenship', 'needs'].includes(k))).toEqual([]);
    const other = await inScope(database.db, OP, (tx) =>
      rows<{ s: string; r: string }>(
        tx,
        sql`SELECT state_code AS s, case_ref AS r FROM cases WHERE state_code <> ${fx.a} AND referring_partner = 'unhcr' LIMIT 1`,
      ),
    );
    expect([403, 404]).toContain((await call(partner, 'GET', `/api/states/${other[0]!.s}/cases/${other[0]!.r}`)).status);
    expect((await call(partner, 'GET', `/api/states/${fx.a}/cases?limit=5`)).status).toBe(403);
  });

  it('sponsor: sees only the households it supports in the state that registered it, in the fields of its phases; its code tells another state nothing', async () => {
    const sponsor = as('sponsor');
    const r = await call(sponsor, 'GET', '/api/households?limit=100');
    expect(r.status).toBe(200);
    const truth = await inScope(database.db, OP, (tx) =>
      rows<{ r: string }>(
        tx,
        sql`SELECT c.case_ref AS r FROM case_supporters s JOIN cases c ON c.id = s.case_id WHERE s.organisation = 'sponsor-a' AND s.ended_at IS NULL ORDER BY 1`,
      ),
    );
    expect(truth.length).toBeGreaterThan(0);
    expect(r.body.cases.map((c: { caseRef: string }) => c.caseRef).sort()).toEqual(truth.map((t) => t.r));
    for (const c of r.body.cases) expect(c).not.toHaveProperty('priority');
    expect((await call(sponsor, 'GET', `/api/states/${fx.a}/cases?limit=5`)).status).toBe(403);
    expect((await call(sponsor, 'GET', '/api/referrals')).status).toBe(403);
    // Finding 11: B registers a sponsor under the code A's sponsor has: accepted, as any new code would be (unique per state).
    const application = (state: string) => ({
      state,
      organisation: 'sponsor-a',
      kind: 'group',
      name: 'Another group',
      region: 'South',
      householdSize: 2,
      needsSupported: [],
      languages: ['en'],
    });
    const officerOfB = await signIn(database, { role: 'state_officer', stateCode: fx.b });
    const inB = await call(officerOfB, 'POST', '/api/sponsors', application(fx.b));
    expect(inB.status, JSON.stringify(inB.body)).toBe(201);
    const again = await call(as('state_officer', fx.a), 'POST', '/api/sponsors', application(fx.a));
    expect([again.status, again.body.code]).toEqual([409, 'conflict']);
    // A's sponsor still sees its own record and households only, not B's namesake.
    const portal = await call(sponsor, 'GET', '/api/sponsor');
    expect(portal.status).toBe(200);
    expect(portal.body.sponsor.name).toBe('Sponsor A');
    expect((await call(sponsor, 'GET', '/api/households?limit=100')).body.cases.map((c: { stateCode: string }) => c.stateCode)).toEqual(
      truth.map(() => fx.a),
    );
  });

  it('auditor: reads only the audit trail of its scope (its state, or the Commission its own), and no case', async () => {
    const auditor = as('auditor', fx.a);
    const own = await call(auditor, 'GET', `/api/audit?state=${fx.a}&limit=1000`);
    expect(own.status).toBe(200);
    expect(own.body.lines.length).toBeGreaterThan(0);
    expect([...new Set(own.body.lines.map((l: { stateCode: string }) => l.stateCode))]).toEqual([fx.a]);
    expect((await call(auditor, 'GET', `/api/audit?state=${fx.b}`)).status).toBe(403);
    expect((await call(auditor, 'GET', '/api/audit')).status).toBe(403);
    const eu = as('auditor', null);
    const euLines = await call(eu, 'GET', '/api/audit?limit=1000');
    expect(euLines.status).toBe(200);
    expect(euLines.body.lines.every((l: { stateCode: string | null }) => l.stateCode === null)).toBe(true);
    expect((await call(eu, 'GET', `/api/audit?state=${fx.a}`)).status).toBe(403);
    expect((await call(auditor, 'GET', `/api/states/${fx.a}/cases?limit=5`)).status).toBe(403);
  });

  it('system_admin: manages accounts and never gets personal data from any GET operation, nor mints, re-keys or re-passwords an account that can read it', async () => {
    const sys = as('system_admin');
    const answers = await everyGet(sys);
    expect(answers.some((a) => a.op === 'listUsers')).toBe(true);
    const refs = await allRefs();
    for (const a of answers) {
      expect(
        [...keysOf(a.body)].filter((k) => PERSONAL_KEYS.includes(k)),
        `${a.op} ${a.target}`,
      ).toEqual([]);
      expect(
        refs.filter((r) => mentions(stringsOf(a.body), r)),
        `${a.op} ${a.target}`,
      ).toEqual([]);
    }
    // The finding: an officer of a state made by the platform's administrator, then signed in as.
    const minted = await call(sys, 'POST', '/api/users', {
      username: `sys-officer-${randomUUID().slice(0, 8)}`,
      displayName: 'Officer',
      role: 'state_officer',
      stateCode: fx.a,
      password: 'a long enough first password',
    });
    expect([minted.status, minted.body.code]).toEqual([403, 'forbidden']);
    expect(minted.body.message).toMatch(/reads personal data/);
    // Taking over an existing officer: a new password or a forgotten authenticator (the command line's services; the API has no route for them).
    const officer = fx.spareUserOf[fx.a]!;
    for (const change of [
      (tx: Tx) => setPassword(tx, sys.principal, officer, 'another long enough password'),
      (tx: Tx) => resetTotp(tx, sys.principal, officer),
    ]) {
      const refused = await inScope(database.db, sys.principal, change).catch((e: unknown) => e);
      expect(isAppError(refused) && refused.code).toBe('forbidden');
    }
    // An account that reads no personal data it does make.
    expect(
      (
        await call(sys, 'POST', '/api/users', {
          username: `sys-analyst-${randomUUID().slice(0, 8)}`,
          displayName: 'Analyst',
          role: 'commission_analyst',
          password: 'a long enough first password',
        })
      ).status,
    ).toBe(201);
  }, 120_000);
});
