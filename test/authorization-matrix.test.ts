import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
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

/**
 * The authorisation matrix: every operation of the OpenAPI document × every role × its own and
 * another state, generated from the document (an endpoint added tomorrow is in it without a line
 * here). What must hold for every cell:
 * - no 5xx;
 * - an operation aimed at a state the principal does not belong to never succeeds for a person's
 *   data, and never changes anything of that state (a fingerprint of all it holds, before and after);
 * - nothing of state B (which no principal here belongs to) appears in any answer;
 * - the Commission's answers carry no personal field and no reference to a case or a person;
 * - roles without access to persons never receive a person reference.
 */
/** The platform's own administrator manages every state's accounts (staff, not persons in the records). */
const PLATFORM_WIDE: Record<string, string[]> = {
  listUsers: ['system_admin'],
  createUser: ['system_admin'],
  disableUser: ['system_admin'],
  setUserPassword: ['system_admin'],
  resetUserTotp: ['system_admin'],
};
/** Operations whose answers are figures or reference data: any signed-in principal may read them, for any state. */
const FIGURES = new Set([
  'listRounds',
  'getRound',
  'listPledges',
  'getStatePledges',
  'getPledgeHistory',
  'stateOfPlay',
  'pipeline',
  'processingTimes',
  'forecast',
  // AMIF incentives: the Commission's totals of any state (figures only; a state's officer is refused another state's report).
  'getRoundIncentives',
  // Programmes (no person) and the returns of point 27 (counts; a state's officer is refused another state's returns).
  'listProgrammes',
  'getProgramme',
  'admissionsReport',
  // Exports of the reports above, under their policies; the open data is public (issue 7).
  'exportReport',
  'openData',
  'openDataFile',
  // Reference statistics and the reconciliation: public figures beside arrival counts, for any state (issue 7).
  'listStatisticsFigures',
  'getReconciliation',
]);
/** A principal's own saved views (a page's filters, no person): every account has its own, whatever the state. */
const OWN = new Set(['listViews', 'saveView', 'deleteView']);
/** The Commission's own operations of the federation, and the receiving of a signed return (no session): no state officer's (left out of the officer's share below). */
const COMMISSION_FEDERATION = new Set([
  'receiveReturn',
  'listFederationKeys',
  'registerFederationKey',
  'revokeFederationKey',
  'stateOfPlayFromReturns',
]);

describe.each(databaseKinds)('the authorisation matrix ($name)', (kind) => {
  let database: Database;
  let fx: ApiFixture;
  let doc: OpenApiDocument;
  let ops: Operation[];
  const cells: { op: string; who: string; target: string; status: number; body: unknown }[] = [];

  beforeAll(async () => {
    database = await kind.open();
    fx = await apiFixture(database);
    doc = (await (await fx.app.request('/api/openapi.json')).json()) as OpenApiDocument;
    ops = operationsOf(doc);
    const before = await fx.fingerprint(fx.b);
    // Reads before writes, so that a read is not answered from a state a write of the matrix made.
    const ordered = [...ops.filter((o) => o.method === 'GET'), ...ops.filter((o) => o.method !== 'GET')];
    for (const op of ordered) {
      const namesState = op.parameters.some((p) => p.name === 'state');
      for (const who of fx.principals) {
        const targets = namesState ? [...new Set([who.stateCode ?? fx.a, fx.b])] : [fx.a];
        for (const target of targets) {
          const { url, init } = requestFor(doc, op, fx, target, who.headers);
          const res = await fx.app.request(url, init);
          const text = await res.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // HTML or CSV: kept as text
          }
          cells.push({ op: op.operationId, who: who.name, target, status: res.status, body });
        }
      }
    }
    expect(await fx.fingerprint(fx.b), `state ${fx.b} changed by principals who do not belong to it`).toBe(before);
    const byStatus = new Map<number, number>();
    for (const c of cells) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
    console.info(
      `authorisation matrix (${kind.name}): ${ops.length} operations, ${fx.principals.length} roles, ${cells.length} requests; statuses ${[
        ...byStatus,
      ]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
  }, 600_000);
  afterAll(async () => database?.close());

  it('covers every operation of the document, for every role', () => {
    expect(ops.length).toBeGreaterThan(15);
    for (const op of ops)
      for (const who of fx.principals)
        expect(
          cells.some((c) => c.op === op.operationId && c.who === who.name),
          `${op.operationId} × ${who.name}`,
        ).toBe(true);
    // The matrix reaches the handlers: the officer of A is answered 2xx on most of A's operations.
    const officer = cells.filter((c) => c.who === `officer of ${fx.a}` && c.target === fx.a && !COMMISSION_FEDERATION.has(c.op));
    expect(officer.filter((c) => c.status < 300).length).toBeGreaterThan(officer.length / 2);
  });

  it('never answers 5xx', () => {
    expect(cells.filter((c) => c.status >= 500).map((c) => `${c.op} × ${c.who} → ${c.status}`)).toEqual([]);
  });

  it("refuses every operation on another state's persons", () => {
    const roleOf = (name: string) => fx.principals.find((p) => p.name === name)!.role;
    const wrong = cells.filter(
      (c) =>
        c.target === fx.b && !FIGURES.has(c.op) && !OWN.has(c.op) && !(PLATFORM_WIDE[c.op] ?? []).includes(roleOf(c.who)) && c.status < 300,
    );
    expect(wrong.map((c) => `${c.op} × ${c.who} → ${c.status}`)).toEqual([]);
  });

  it('lets nothing of a state out to principals who do not belong to it', async () => {
    const refsB = await fx.refsOf(fx.b);
    expect(refsB.cases.length).toBeGreaterThan(0);
    for (const c of cells.filter((x) => x.status < 300)) {
      const strings = stringsOf(c.body);
      const leaked = [...refsB.cases, ...refsB.persons].filter((r) => mentions(strings, r));
      expect(leaked, `${c.op} × ${c.who}`).toEqual([]);
    }
  });

  it('gives the Commission no personal field and no reference, and no person reference to roles without access to persons', async () => {
    const refsA = await fx.refsOf(fx.a);
    const commission = cells.filter((c) => c.who === 'commission analyst' && c.status < 300);
    expect(commission.length).toBeGreaterThan(5);
    for (const c of commission) {
      expect(
        [...keysOf(c.body)].filter((k) => PERSONAL_KEYS.includes(k)),
        c.op,
      ).toEqual([]);
      const strings = stringsOf(c.body);
      expect(
        [...refsA.cases, ...refsA.persons].filter((r) => mentions(strings, r)),
        c.op,
      ).toEqual([]);
    }
    const noPersons = cells.filter(
      (c) =>
        [
          'commission analyst',
          `administrator of ${fx.a}`,
          'referral partner (unhcr)',
          'system administrator',
          "the Commission's auditor",
        ].includes(c.who) && c.status < 300,
    );
    for (const c of noPersons) {
      const strings = stringsOf(c.body);
      expect(
        refsA.persons.filter((r) => mentions(strings, r)),
        `${c.op} × ${c.who}`,
      ).toEqual([]);
    }
  });

  it("shows a referral partner of one state none of another state's referrals, even those of its own organisation", async () => {
    // The fixture's partner organisation (unhcr) referred cases to both states; the account's agreement is with A.
    const [inB] = await inScope(database.db, operator('matrix'), (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cases WHERE state_code = ${fx.b} AND referring_partner = 'unhcr'`),
    );
    expect(inB!.n).toBeGreaterThan(0);
    const partner = fx.principals.find((p) => p.role === 'referral_partner')!;
    const cell = cells.find((c) => c.op === 'listReferrals' && c.who === partner.name)!;
    expect(cell.status).toBe(200);
    const listed = (cell.body as { cases: { stateCode: string; referringPartner: string }[] }).cases;
    expect(listed.length).toBeGreaterThan(0);
    expect([...new Set(listed.map((c) => `${c.stateCode} ${c.referringPartner}`))]).toEqual([`${fx.a} unhcr`]);
    // Every operation aimed at B, as the partner: nothing of B's cases (those of its organisation included).
    const refsB = await fx.refsOf(fx.b);
    for (const c of cells.filter((x) => x.who === partner.name && x.status < 300))
      expect(
        refsB.cases.filter((r) => mentions(stringsOf(c.body), r)),
        c.op,
      ).toEqual([]);
  });

  it('refuses the system administrator (403, said plainly) an account of any role that reads personal data, and makes none', async () => {
    const sys = fx.principals.find((p) => p.role === 'system_admin')!;
    const post = (body: Record<string, unknown>) =>
      fx.app.request('http://pathways.test/api/users', {
        method: 'POST',
        headers: { ...sys.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'accept-language': 'en' },
        body: JSON.stringify({ displayName: 'Minted', password: 'a long enough first password', ...body }),
      });
    const prefix = `minted-${kind.name}-`;
    for (const role of ['state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor']) {
      for (const stateCode of [fx.a, fx.b, null]) {
        const res = await post({
          username: `${prefix}${role.replace('_', '-')}-${stateCode ?? 'eu'}`,
          role,
          stateCode,
          organisation: ['referral_partner', 'sponsor'].includes(role) ? 'unhcr' : null,
        });
        const body = (await res.json()) as { code: string; message: string };
        expect({ role, stateCode, status: res.status, code: body.code }).toEqual({ role, stateCode, status: 403, code: 'forbidden' });
        expect(body.message).toMatch(/reads personal data/);
      }
    }
    const [made] = await inScope(database.db, operator('matrix'), (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM users WHERE username LIKE ${`${prefix}%`}`),
    );
    expect(made!.n).toBe(0);
    // What it may make: an account that reads no personal data.
    expect((await post({ username: `${prefix}analyst`, role: 'commission_analyst' })).status).toBe(201);
  });

  it("writes an audit line for every successful answer that carried a person's data", async () => {
    const lines = await inScope(database.db, operator('matrix'), (tx) =>
      rows<{ action: string; actor: string }>(tx, sql`SELECT action, actor FROM audit_log`),
    );
    const officer = fx.principals.find((p) => p.role === 'state_officer')!;
    const reads = cells.filter(
      (c) => c.who === officer.name && c.status < 300 && ['listCases', 'getCase', 'getCaseHistory'].includes(c.op),
    ).length;
    expect(reads).toBeGreaterThan(0);
    expect(lines.filter((l) => l.actor === officer.principal.id && l.action.startsWith('case.')).length).toBeGreaterThanOrEqual(reads);
  });
});
