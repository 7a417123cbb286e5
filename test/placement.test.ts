import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { certify } from '../src/placement/certificate.ts';
import { instanceOf, type RunResult } from '../src/placement/decision.ts';
import { buildInstance, householdSize } from '../src/placement/households.ts';
import { objectiveOf } from '../src/placement/placement.ts';
import { checkPlaces } from '../src/placement/places.ts';
import { readPlacesFile, startRun } from '../src/placement/placement.service.ts';
import type { PlacementResult } from '../src/placement/solve.ts';
import { eraseSubject, exportSubject } from '../src/privacy/subject.service.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile } from './files.ts';
import { signInAs } from './factories.ts';
import { apiCaller, type Session } from './sessions.ts';

/**
 * Placement in the platform (issue 8) on both databases: places imported (a bad file refused whole),
 * the optimiser run as a job on a demo's accepted households, its certificate rechecked here, the
 * caseworker's decisions (as proposed: cost 0; by hand: the objective difference; infeasible:
 * refused), one run at a time, a failing solve recorded, another state's officer refused and blind.
 */
const OP = operator('placement-test');
const dir = tempDir();
const ROUND = '2020-2021';
const YEAR = 2026;

const HEADER = 'code,name,kind,persons,housing_units,school_places,medical_slots,language_support,employment_rate,languages';
const PLACES_CSV = [
  HEADER,
  'GM-A,Gemeente A,municipality,8,3,3,1,6,0.78,nl',
  'GM-B,Gemeente B,municipality,150,50,50,5,100,0.70,nl',
  'AZC-1,Opvang 1,reception_centre,150,50,50,5,100,0.62,',
  'SG-1,Sponsorgroep 1,sponsor_group,6,2,2,0,4,0.74,nl;en',
].join('\n');

describe('the household rules', () => {
  it('sizes a household per dimension from its members', () => {
    // 2026: born 1990 → 36 (adult), 2015 → 11 (school), 2022 → 4 (neither), unknown → adult.
    const members = [
      { birthYear: 1990, needs: ['medical'] },
      { birthYear: 2015, needs: [] },
      { birthYear: 2022, needs: ['disability'] },
      { birthYear: null, needs: ['woman_at_risk'] },
    ];
    expect(householdSize(members, YEAR)).toEqual([4, 1, 1, 2, 2]);
  });
  it('makes a place that cannot serve a household incompatible, and penalises staying unplaced per person', () => {
    const cases = [
      { caseId: 1, caseRef: 'C1', linkedRefs: ['C2', 'ELSEWHERE'], members: [{ birthYear: 1990, needs: ['medical'] }] },
      {
        caseId: 2,
        caseRef: 'C2',
        linkedRefs: [],
        members: [
          { birthYear: 1991, needs: [] },
          { birthYear: 1992, needs: [] },
        ],
      },
    ];
    const place = (id: number, medical: number) => ({
      id,
      code: `P${id}`,
      name: `P${id}`,
      kind: 'municipality' as const,
      capacity: { persons: 5, housingUnits: 2, schoolPlaces: 0, medicalSlots: medical, languageSupport: 5 },
      profile: { employmentRate: 0.7, languages: [] },
    });
    const inst = buildInstance(cases, [place(1, 0), place(2, 1)], YEAR, new Map([[2, [1, 1, 0, 0, 1]]]));
    expect(Number.isNaN(inst.scores[0])).toBe(true); // C1 needs a medical slot, P1 has none
    expect(inst.scores[1]).toBeGreaterThan(0);
    expect(inst.households.map((h) => h.penalty)).toEqual([1, 2]);
    expect(inst.households[0]!.links).toEqual(['C2']); // a link outside the run is dropped
    expect(inst.places[1]!.capacity).toEqual([4, 1, 0, 1, 4]); // what current placements take is left out
  });
  it('refuses a bad places row with its row and column', () => {
    const { problems } = checkPlaces([
      {
        row: 2,
        values: {
          code: 'X',
          name: 'X',
          kind: 'castle',
          persons: '-1',
          housing_units: '1',
          school_places: '1',
          medical_slots: '1',
          language_support: '1',
        },
      },
    ]);
    expect(problems.map((p) => `${p.row}:${p.column}`)).toEqual(['2:kind', '2:persons']);
  });
});

describe.each(databaseKinds)('placement on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let state: string;
  let other: string;
  let officer: Session, stranger: Session;
  let runId: number;
  let result: RunResult;
  let movedRef: string;
  const call = (...args: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(app)(...args);
  const count = (table: string) =>
    inScope(database.db, OP, (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE state_code = ${state}`),
    ).then((r) => r[0]!.n);
  async function finished(id: number): Promise<{ status: string; result: RunResult | null; error: string | null; progress: unknown }> {
    for (let i = 0; i < 600; i++) {
      const r = await call(officer, 'GET', `/api/states/${state}/placement/runs/${id}`);
      expect(r.status, r.text).toBe(200);
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('the run did not end');
  }

  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OP, persons: 600, seed: 31 });
    const byState = await inScope(database.db, OP, (tx) =>
      rows<{ s: string }>(tx, sql`SELECT state_code AS s FROM cases GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`),
    );
    [state, other] = [byState[0]!.s, byState[1]!.s];
    // The demo's histories are mostly over: its open cases are made accepted, waiting for a place.
    await inScope(database.db, OP, (tx) =>
      tx.execute(
        sql`UPDATE cases SET status = 'accepted' WHERE state_code = ${state} AND round_id = ${ROUND} AND status NOT IN ('withdrawn', 'rejected', 'closed')`,
      ),
    );
    app = createApp(database, { identity: {} });
    officer = await signInAs.officer(database, state);
    stranger = await signInAs.officer(database, other);
  }, 120_000);
  afterAll(async () => database?.close());

  it('refuses a bad places file whole, and imports a good one', async () => {
    const bad = writeFile(dir, 'bad.csv', `${PLACES_CSV}\nGM-A,Again,municipality,1,1,1,1,1,,\nGM-X,X,municipality,1,x,1,1,1,2,`);
    const e = (await readPlacesFile(bad).then(
      () => null,
      (x: unknown) => x,
    )) as { code: string; details: { row: number; column: string }[] };
    expect(e.code).toBe('bad_input');
    expect(e.details.map((p) => `${p.row}:${p.column}`)).toEqual(['6:code', '7:housing_units', '7:employment_rate']);
    expect(await count('placement_places')).toBe(0);
    const places = await readPlacesFile(writeFile(dir, 'places.csv', PLACES_CSV));
    const r = await call(officer, 'POST', `/api/states/${state}/placement/places`, { places });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ created: 4, changed: 0 });
    const list = await call(officer, 'GET', `/api/states/${state}/placement/places`);
    expect(list.body.places.map((p: { code: string }) => p.code)).toEqual(['AZC-1', 'GM-A', 'GM-B', 'SG-1']);
    const gmb = list.body.places.find((p: { code: string }) => p.code === 'GM-B');
    const stale = await call(
      officer,
      'PUT',
      `/api/states/${state}/placement/places/${gmb.id}`,
      { name: 'B' },
      { 'if-match': `"place-${gmb.id}-v9"` },
    );
    expect(stale.status).toBe(412);
    const changed = await call(
      officer,
      'PUT',
      `/api/states/${state}/placement/places/${gmb.id}`,
      { name: 'Gemeente B-dorp' },
      { 'if-match': `"place-${gmb.id}-v1"` },
    );
    expect(changed.status, changed.text).toBe(200);
    expect([changed.body.name, changed.body.version, changed.etag]).toEqual(['Gemeente B-dorp', 2, `"place-${gmb.id}-v2"`]);
  });

  it('refuses a second run while one runs (409)', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const solver = async (): Promise<PlacementResult> => {
      await held;
      throw new Error('stopped by the test');
    };
    const { run, done } = await startRun({
      db: database.db,
      actor: officer.principal,
      stateCode: state,
      roundId: ROUND,
      timeLimitSeconds: 5,
      solver,
    });
    expect(run.status).toBe('running');
    const second = await call(officer, 'POST', `/api/states/${state}/placement/runs`, { round: ROUND, timeLimitSeconds: 5 });
    expect(second.status, second.text).toBe(409);
    release();
    const ended = await done;
    expect([ended.status, ended.error]).toEqual(['failed', 'stopped by the test']);
  });

  it('runs the optimiser as a job; the proposal’s certificate holds when checked here', async () => {
    const r = await call(officer, 'POST', `/api/states/${state}/placement/runs`, { round: ROUND, timeLimitSeconds: 20 });
    expect(r.status, r.text).toBe(202);
    runId = r.body.id;
    const run = await finished(runId);
    expect(run.status, run.error ?? '').toBe('done');
    result = run.result!;
    expect(result.households.length).toBeGreaterThan(5);
    const instance = instanceOf(result);
    const c = certify(instance, { assignment: result.assignment, bound: result.bound, prices: result.prices });
    expect(c.feasible, c.violations.join('\n')).toBe(true);
    expect(c.bound.valid).toBe(true);
    expect(objectiveOf(instance, result.assignment)).toBeCloseTo(result.objective, 9);
    expect(result.bound).toBeGreaterThanOrEqual(result.objective - 1e-9);
    expect(result.gap).toBeCloseTo((result.bound - result.objective) / Math.max(1, Math.abs(result.bound)), 9);
    // The best places (GM-A, SG-1) are small: they fill up and bind; the unplaced are those without a place, with their penalty.
    expect(result.binding.map((b) => b.place)).toContain('GM-A');
    expect(result.unplaced).toEqual(
      result.households.filter((h) => result.assignment[h.ref] === null).map((h) => ({ ref: h.ref, penalty: h.penalty })),
    );
    expect(result.explanations).toHaveLength(result.households.length);
  }, 90_000);

  it('records decisions: as proposed at cost 0, by hand at the objective difference; an infeasible change is refused', async () => {
    const placed = result.households.filter((h) => result.assignment[h.ref]);
    const asProposed = placed.slice(0, 2).map((h) => ({ caseRef: h.ref, place: result.assignment[h.ref]! }));
    const ok = await call(officer, 'POST', `/api/states/${state}/placement/runs/${runId}/decisions`, { decisions: asProposed });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.cost).toBe(0);
    expect(ok.body.placements.map((p: { decidedBy: string; costOfChange: number }) => [p.decidedBy, p.costOfChange])).toEqual(
      asProposed.map(() => [officer.principal.id, 0]),
    );

    // What is left at each place under the proposal, computed here.
    const D = result.dimensions.length;
    const left = new Map(result.places.map((p) => [p.code, [...p.capacity]]));
    for (const h of result.households) {
      const at = result.assignment[h.ref];
      if (at) for (let d = 0; d < D; d++) left.get(at)![d]! -= h.size[d]!;
    }
    const fits = (h: RunResult['households'][number], code: string) => h.size.every((s, d) => s <= left.get(code)![d]!);
    // A household moved to another compatible place with room: its cost is the score difference.
    let moved: { ref: string; from: string | null; to: string; cost: number } | null = null;
    for (const h of result.households.slice().reverse()) {
      if (h.links.length || h.tie) continue;
      const from = result.assignment[h.ref] ?? null;
      const to = Object.keys(h.scores).find((code) => code !== from && fits(h, code));
      if (to) {
        moved = { ref: h.ref, from, to, cost: (from === null ? -h.penalty : h.scores[from]!) - h.scores[to]! };
        break;
      }
    }
    expect(moved).not.toBeNull();
    const before = await count('case_placements');
    // Refused: a household into a place it does not fit (or cannot be served at).
    const misfit = result.households.flatMap((h) =>
      result.places
        .filter((p) => p.code !== result.assignment[h.ref] && !(h.scores[p.code] !== undefined && fits(h, p.code)))
        .map((p) => ({ caseRef: h.ref, place: p.code })),
    )[0]!;
    const refused = await call(officer, 'POST', `/api/states/${state}/placement/runs/${runId}/decisions`, { decisions: [misfit] });
    expect(refused.status, refused.text).toBe(422);
    expect(await count('case_placements')).toBe(before);
    const changed = await call(officer, 'POST', `/api/states/${state}/placement/runs/${runId}/decisions`, {
      decisions: [{ caseRef: moved!.ref, place: moved!.to, reason: 'school nearby' }],
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.placements[0].costOfChange).toBeCloseTo(moved!.cost, 9);
    expect(changed.body.cost).toBeCloseTo(moved!.cost, 9);
    movedRef = moved!.ref;
    // A second decision on a household ends the first; the list shows the current ones with who decided.
    const again = await call(officer, 'POST', `/api/states/${state}/placement/runs/${runId}/decisions`, { decisions: [asProposed[0]!] });
    expect(again.status, again.text).toBe(200);
    const list = await call(officer, 'GET', `/api/states/${state}/placement/placements`);
    expect(list.body.placements).toHaveLength(3);
    expect(await count('case_placements')).toBe(before + 2);
    const ended = await inScope(database.db, OP, (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM case_placements WHERE state_code = ${state} AND ended_at IS NOT NULL`),
    );
    expect(ended[0]!.n).toBe(1);
    const audit = await inScope(database.db, OP, (tx) =>
      rows<{ action: string }>(
        tx,
        sql`SELECT DISTINCT action FROM audit_log WHERE state_code = ${state} AND action LIKE 'placement.%' ORDER BY 1`,
      ),
    );
    expect(audit.map((a) => a.action)).toEqual([
      'placement.decide',
      'placement.list',
      'placement.place.change',
      'placement.places.import',
      'placement.run.read',
      'placement.run.start',
    ]);
  });

  it('gives a household its placements in the access export, and erasure blanks a decision’s reason only', async () => {
    const [person] = await inScope(database.db, OP, (tx) =>
      rows<{ ref: string }>(
        tx,
        sql`SELECT p.person_ref AS ref FROM persons p JOIN cases c ON c.id = p.case_id WHERE c.state_code = ${state} AND c.case_ref = ${movedRef} LIMIT 1`,
      ),
    );
    const t = (k: string) => k;
    const data = await inScope(database.db, officer.principal, (tx) =>
      exportSubject(tx, officer.principal, { stateCode: state, caseRef: movedRef, personRef: person!.ref }, t),
    );
    expect(data.placements.map((p) => [p.reason, p.decidedBy])).toEqual([['school nearby', officer.principal.id]]);
    await inScope(database.db, OP, (tx) =>
      tx.execute(sql`UPDATE cases SET status = 'closed' WHERE state_code = ${state} AND case_ref = ${movedRef}`),
    );
    await inScope(database.db, officer.principal, (tx) =>
      eraseSubject(tx, officer.principal, { stateCode: state, caseRef: movedRef, reason: 'request of the household' }),
    );
    const kept = await inScope(database.db, OP, (tx) =>
      rows<{ reason: string | null; decided_by: string }>(
        tx,
        sql`SELECT cp.reason, cp.decided_by FROM case_placements cp JOIN cases c ON c.id = cp.case_id WHERE c.state_code = ${state} AND c.case_ref LIKE 'erased-%'`,
      ),
    );
    expect(kept).toEqual([{ reason: null, decided_by: officer.principal.id }]);
  });

  it('refuses another state’s officer (403), whose scope sees none of it', async () => {
    for (const [method, path] of [
      ['GET', `/api/states/${state}/placement/runs/${runId}`],
      ['GET', `/api/states/${state}/placement/placements`],
      ['POST', `/api/states/${state}/placement/runs`],
    ] as const) {
      const r = await call(stranger, method, path, method === 'POST' ? { round: ROUND, timeLimitSeconds: 5 } : undefined);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    const seen = await inScope(database.db, stranger.principal, (tx) =>
      rows<{ n: number }>(
        tx,
        sql`SELECT (SELECT count(*) FROM placement_runs) + (SELECT count(*) FROM placement_places) + (SELECT count(*) FROM case_placements) AS n`,
      ),
    );
    expect(Number(seen[0]!.n)).toBe(0);
  });

  it('records a failing solve as failed, with its message', async () => {
    // An instance made invalid: a capacity that is not a number (written past the import's checks).
    await inScope(database.db, OP, (tx) =>
      tx.execute(
        sql`UPDATE placement_places SET capacity = jsonb_set(capacity, '{persons}', '"many"') WHERE state_code = ${state} AND code = 'GM-A'`,
      ),
    );
    const r = await call(officer, 'POST', `/api/states/${state}/placement/runs`, { round: ROUND, timeLimitSeconds: 5 });
    expect(r.status, r.text).toBe(202);
    const run = await finished(r.body.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/place "GM-A": capacity needs 5 finite numbers/);
  }, 60_000);
});
