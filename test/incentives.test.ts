import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { advanceCase, parseAction } from '../src/cases/advance-case.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import type { Stage } from '../src/cases/stage.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { refreshIncentives } from '../src/incentives/incentive.service.ts';
import { toCsv } from '../src/presentation/table.ts';
import { SHIPPED_ROUNDS } from '../src/rounds/round.data.ts';
import { createApp } from '../src/server/server.ts';
import { cliRunner } from './cli-run.ts';
import { databaseKinds } from './databases.ts';
import { tempDir, writeFile } from './files.ts';
import { signInAs } from './factories.ts';
import { apiCaller, type Session } from './sessions.ts';

/**
 * The AMIF incentives on a database (both kinds): computed on arrival in the arrival's transaction,
 * recomputed with history when the evidence changes, reported per person to the state and in
 * totals to the Commission, claimed per period without overlap, and set against the budget.
 */
const OP = operator('incentives-test');
const dir = tempDir();
const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
const TO_ARRIVAL: Stage[] = ['under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'];
const rate2020 = (id: string) => SHIPPED_ROUNDS.find((r) => r.id === '2020-2021')!.incentives!.find((i) => i.id === id)!.amount;
const rate2026 = (id: string) => SHIPPED_ROUNDS.find((r) => r.id === '2026-2027')!.incentives!.find((i) => i.id === id)!.amount;

type Line = Partial<Record<(typeof COLUMNS)[number], string>>;
const member = (caseRef: string, personRef: string, state: string, departure: string, over: Line = {}): Line => ({
  case_ref: caseRef,
  person_ref: personRef,
  member_state: state,
  pathway: 'resettlement',
  round: '2020-2021',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1990',
  country_of_departure: departure,
  priority: 'normal',
  referred_on: '2020-01-05',
  ...over,
});
const CASES: Line[] = [
  member('NL-TUR', 'NL-TUR-1', 'NL', 'TUR'),
  member('NL-TUR', 'NL-TUR-2', 'NL', 'TUR', { birth_year: '2012' }),
  member('NL-KEN', 'NL-KEN-1', 'NL', 'KEN'),
  member('NL-WGR', 'NL-WGR-1', 'NL', 'KEN', { primary_category: 'women_girls_at_risk' }),
  member('BE-KEN', 'BE-KEN-1', 'BE', 'KEN'),
  // The Union Plan 2026–2027: humanitarian admission with and without a group, and emergency admission.
  member('NL-HA', 'NL-HA-1', 'NL', 'LBN', { pathway: 'humanitarian_admission', round: '2026-2027', referred_on: '2026-01-05' }),
  member('NL-HA', 'NL-HA-2', 'NL', 'LBN', {
    pathway: 'humanitarian_admission',
    round: '2026-2027',
    referred_on: '2026-01-05',
    needs: 'unaccompanied_child',
    birth_year: '2010',
  }),
  member('NL-EA', 'NL-EA-1', 'NL', 'LBY', {
    pathway: 'emergency_admission',
    round: '2026-2027',
    referred_on: '2026-01-05',
    needs: 'woman_at_risk',
  }),
];

describe.each(databaseKinds)('AMIF incentives on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let nl: Session, be: Session, commission: Session, partner: Session;
  const op = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OP, work);
  // `app` is made in beforeAll: the caller is taken at each call.
  const call = (...args: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(app)(...args);
  const arrive = (state: string, caseRef: string, from = '2020-02-01') =>
    op(async (tx) => {
      const start = new Date(`${from}T00:00:00Z`);
      for (const [i, to] of TO_ARRIVAL.entries()) {
        const on = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
        await advanceCase({ db: tx, actor: OP, stateCode: state, caseRef, action: parseAction(to), on });
      }
    });
  const incentiveOf = (personRef: string) =>
    op(
      async (tx) =>
        (
          await rows<{
            rateId: string | null;
            amount: number;
            evidence: { priorityRegion: string | null; vulnerableGroups: { group: string; from: string }[] };
          }>(
            tx,
            sql`SELECT i.rate_id AS "rateId", i.amount, i.evidence FROM person_incentives i JOIN persons p ON p.id = i.person_id WHERE p.person_ref = ${personRef}`,
          )
        )[0],
    );

  beforeAll(async () => {
    database = await kind.open();
    const file = writeFile(
      dir,
      `incentives-${randomUUID()}.csv`,
      toCsv(
        COLUMNS,
        CASES.map((r) => COLUMNS.map((c) => r[c] ?? '')),
      ),
    );
    await importCasesFile({ db: database.db, actor: OP, path: file });
    for (const [s, ref] of [
      ['NL', 'NL-TUR'],
      ['NL', 'NL-KEN'],
      ['NL', 'NL-WGR'],
      ['BE', 'BE-KEN'],
    ])
      await arrive(s!, ref!);
    for (const ref of ['NL-HA', 'NL-EA']) await arrive('NL', ref, '2026-03-02');
    app = createApp(database);
    nl = await signInAs.officer(database, 'NL');
    be = await signInAs.officer(database, 'BE');
    commission = await signInAs.analyst(database);
    partner = await signInAs.partner(database, 'NL', 'unhcr');
  }, 120_000);
  afterAll(async () => database?.close());

  it('computes each incentive on arrival, with the evidence that decided it (2020 round, R 16)', async () => {
    expect(await incentiveOf('NL-TUR-1')).toMatchObject({
      rateId: 'priority-or-vulnerable',
      amount: 10_000,
      evidence: { priorityRegion: 'turkey', vulnerableGroups: [] },
    });
    expect(await incentiveOf('NL-TUR-2')).toMatchObject({ amount: rate2020('priority-or-vulnerable') });
    expect(await incentiveOf('NL-KEN-1')).toMatchObject({
      rateId: 'other',
      amount: 6_000,
      evidence: { priorityRegion: null, vulnerableGroups: [] },
    });
    expect(await incentiveOf('NL-WGR-1')).toMatchObject({
      rateId: 'priority-or-vulnerable',
      amount: 10_000,
      evidence: { vulnerableGroups: [{ group: 'women_children_at_risk', from: 'category:women_girls_at_risk' }] },
    });
    expect(await incentiveOf('BE-KEN-1')).toMatchObject({ rateId: 'other', amount: rate2020('other') });
  });

  it('computes the Union Plan 2026–2027 rates: humanitarian admission 6,000, of a vulnerable group 8,000, emergency admission no rate (shown)', async () => {
    expect(await incentiveOf('NL-HA-1')).toMatchObject({ rateId: 'humanitarian', amount: rate2026('humanitarian') });
    expect(await incentiveOf('NL-HA-2')).toMatchObject({ rateId: 'vulnerable', amount: 8_000 });
    expect(await incentiveOf('NL-EA-1')).toMatchObject({
      rateId: null,
      amount: 0,
      evidence: { vulnerableGroups: [{ group: 'women_children_at_risk', from: 'need:woman_at_risk' }] },
    });
    const r = await call(nl, 'GET', '/api/rounds/2026-2027/incentives');
    expect(r.body.persons.find((p: { personRef: string }) => p.personRef === 'NL-EA-1').explanation).toMatch(
      /no rate applies to emergency admission/,
    );
    const nlExplained = await call(nl, 'GET', '/api/rounds/2026-2027/incentives', undefined, { 'accept-language': 'nl' });
    expect(nlExplained.body.persons.find((p: { personRef: string }) => p.personRef === 'NL-EA-1').explanation).toMatch(
      /kwetsbare groep: vrouwen en kinderen in een risicosituatie \(specifieke behoefte vrouw in een risicosituatie\); geen tarief van toepassing op toelating in noodsituaties/,
    );
  });

  it('records a vulnerable group (If-Match, audited): 6,000 becomes 10,000, and the history says why, with the evidence before and after', async () => {
    const read = await call(nl, 'GET', '/api/states/NL/cases/NL-KEN/incentives');
    expect(read.status, read.text).toBe(200);
    expect(read.body.members[0].history.map((h: { reason: string }) => h.reason)).toEqual(['arrival']);
    const body = { member: 'NL-KEN-1', groups: ['unaccompanied_minor'] };
    expect((await call(nl, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', body)).status).toBe(428);
    expect((await call(be, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', body, { 'if-match': read.etag! })).status).toBe(403);
    expect(
      (await call(nl, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', { ...body, groups: ['tall'] }, { 'if-match': read.etag! }))
        .status,
    ).toBe(400);
    expect(
      (await call(nl, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', { ...body, member: 'NOBODY' }, { 'if-match': read.etag! }))
        .status,
    ).toBe(404);
    const put = await call(nl, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', body, { 'if-match': read.etag! });
    expect(put.status, put.text).toBe(200);
    expect(put.etag).not.toBe(read.etag);
    expect(put.body.incentive).toMatchObject({ rateId: 'priority-or-vulnerable', amount: 10_000 });
    expect(
      put.body.history.map((h: { reason: string; amountBefore: number | null; amountAfter: number }) => [
        h.reason,
        h.amountBefore,
        h.amountAfter,
      ]),
    ).toEqual([
      ['arrival', null, 6_000],
      ['evidence', 6_000, 10_000],
    ]);
    expect(put.body.history[1].evidenceBefore.vulnerableGroups).toEqual([]);
    expect(put.body.history[1].evidenceAfter.vulnerableGroups).toEqual([{ group: 'unaccompanied_minor', from: 'recorded' }]);
    // The same ETag again: the case changed since.
    expect((await call(nl, 'PUT', '/api/states/NL/cases/NL-KEN/vulnerable-groups', body, { 'if-match': read.etag! })).status).toBe(412);
    const lines = await op((tx) =>
      rows<{ action: string; recordIds: string[] }>(
        tx,
        sql`SELECT action, record_ids AS "recordIds" FROM audit_log WHERE actor = ${nl.principal.id} ORDER BY id`,
      ),
    );
    expect(lines.filter((l) => l.action === 'person.vulnerable_groups').map((l) => l.recordIds)).toEqual([
      ['case:NL-KEN', 'person:NL-KEN-1'],
    ]);
    expect(lines.some((l) => l.action === 'incentive.read' && l.recordIds.includes('person:NL-KEN-1'))).toBe(true);
  });

  it('recomputes nothing when nothing changed, and adds no history', async () => {
    const count = async () => (await op((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM incentive_changes`)))[0]!.n;
    const before = await count();
    expect(await op((tx) => refreshIncentives(tx, OP, { reason: 'rates' }))).toMatchObject({ computed: 8, changed: 0 });
    expect(await count()).toBe(before);
  });

  it('reads, decides and writes a page of persons at a time: pages of three find and restore what one page does', async () => {
    const table = () =>
      op((tx) =>
        rows<{ id: number; rateId: string | null; amount: number; evidence: unknown; revision: number }>(
          tx,
          sql`SELECT person_id::int AS id, rate_id AS "rateId", amount, evidence, revision FROM person_incentives ORDER BY person_id`,
        ),
      );
    const before = await table();
    expect(before.length).toBe(8);
    // Pages of three over eight persons: every person is read once (3 + 3 + 2), none is changed.
    expect(await op((tx) => refreshIncentives(tx, OP, { reason: 'rates', pageSize: 3 }))).toEqual({ computed: 8, changed: 0 });
    // Every stored amount set wrong: each page puts its persons' back, with a line of history each.
    await op((tx) => tx.execute(sql`UPDATE person_incentives SET amount = amount + 1`));
    expect(await op((tx) => refreshIncentives(tx, OP, { reason: 'rates', pageSize: 3 }))).toEqual({ computed: 8, changed: 8 });
    expect(await table()).toEqual(before.map((r) => ({ ...r, revision: r.revision + 1 })));
    const lines = await op((tx) =>
      rows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM incentive_changes WHERE reason = 'rates' AND amount_before = amount_after + 1`,
      ),
    );
    expect(lines[0]!.n).toBe(8);
  });

  it("gives a state's officer their persons, with totals equal to the sum of the persons' amounts; audits the read", async () => {
    const r = await call(nl, 'GET', '/api/rounds/2020-2021/incentives');
    expect(r.status, r.text).toBe(200);
    const persons = r.body.persons as { stateCode: string; personRef: string; caseRef: string; amount: number }[];
    expect(persons.map((p) => p.personRef).sort()).toEqual(['NL-KEN-1', 'NL-TUR-1', 'NL-TUR-2', 'NL-WGR-1']);
    const sum = persons.reduce((n, p) => n + p.amount, 0);
    expect(sum).toBe(4 * 10_000);
    expect(r.body.states).toEqual([{ stateCode: 'NL', persons: 4, amount: sum }]);
    expect(r.body.total).toEqual({ persons: 4, amount: sum });
    expect(r.text).not.toMatch(/BE-KEN/);
    const audit = await op((tx) =>
      rows<{ recordIds: string[] }>(
        tx,
        sql`SELECT record_ids AS "recordIds" FROM audit_log WHERE actor = ${nl.principal.id} AND action = 'incentive.report'`,
      ),
    );
    expect(audit.at(-1)!.recordIds.sort()).toEqual(persons.map((p) => `person:${p.personRef}`).sort());
  });

  it("shows another state's officer nothing of the state", async () => {
    expect((await call(be, 'GET', '/api/rounds/2020-2021/incentives?state=NL')).status).toBe(403);
    expect((await call(be, 'GET', '/api/states/NL/cases/NL-TUR/incentives')).status).toBe(403);
    expect((await call(be, 'GET', '/api/rounds/2020-2021/incentives/claims?state=NL')).status).toBe(403);
    const own = await call(be, 'GET', '/api/rounds/2020-2021/incentives');
    expect(own.body.persons.map((p: { personRef: string }) => p.personRef)).toEqual(['BE-KEN-1']);
    expect(own.text).not.toMatch(/NL-/);
  });

  it('gives the Commission totals per state and rate only, from the statistics function: no person, no case', async () => {
    const r = await call(commission, 'GET', '/api/rounds/2020-2021/incentives');
    expect(r.status, r.text).toBe(200);
    expect(r.body.persons).toBeNull();
    expect(r.text).not.toMatch(/NL-TUR|NL-KEN|BE-KEN|personRef|caseRef/);
    expect(r.body.byRate).toEqual([
      { stateCode: 'BE', rateId: 'other', persons: 1, amount: 6_000 },
      { stateCode: 'NL', rateId: 'priority-or-vulnerable', persons: 4, amount: 40_000 },
    ]);
    expect(r.body.total).toEqual({ persons: 5, amount: 46_000 });
    expect((await call(commission, 'GET', '/api/states/NL/cases/NL-TUR/incentives')).status).toBe(403);
    expect((await call(partner, 'GET', '/api/rounds/2020-2021/incentives')).status).toBe(403);
  });

  it('claims a period per rate, refuses an overlapping one with 409, and lists the claims', async () => {
    const made = await call(nl, 'POST', '/api/rounds/2020-2021/incentives/claims', { state: 'NL', from: '2020-01-01', to: '2020-06-30' });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({
      stateCode: 'NL',
      persons: 4,
      amount: 40_000,
      byRate: { 'priority-or-vulnerable': { persons: 4, amount: 40_000 } },
    });
    const overlap = await call(nl, 'POST', '/api/rounds/2020-2021/incentives/claims', {
      state: 'NL',
      from: '2020-06-01',
      to: '2020-12-31',
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.message).toMatch(
      /already claimed a period that overlaps 2020-06-01 – 2020-12-31 \(the claim for 2020-01-01 – 2020-06-30\)/,
    );
    expect(
      (await call(nl, 'POST', '/api/rounds/2020-2021/incentives/claims', { state: 'NL', from: '2020-12-31', to: '2020-07-01' })).status,
    ).toBe(400);
    expect(
      (await call(be, 'POST', '/api/rounds/2020-2021/incentives/claims', { state: 'NL', from: '2021-01-01', to: '2021-02-01' })).status,
    ).toBe(403);
    const next = await call(nl, 'POST', '/api/rounds/2020-2021/incentives/claims', { state: 'NL', from: '2020-07-01', to: '2020-12-31' });
    expect(next.body).toMatchObject({ persons: 0, amount: 0 });
    const list = await call(nl, 'GET', '/api/rounds/2020-2021/incentives/claims?state=NL');
    expect(list.body.claims.map((c: { from: string; to: string }) => [c.from, c.to])).toEqual([
      ['2020-01-01', '2020-06-30'],
      ['2020-07-01', '2020-12-31'],
    ]);
  });

  it("gives every signed-in role the budget as the document states it, what every state's incentives commit, and what remains", async () => {
    for (const who of [nl, be, commission, partner]) {
      const r = await call(who, 'GET', '/api/rounds/2020-2021/budget');
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual({
        round: '2020-2021',
        currency: 'EUR',
        budget: { value: 300_000_000, qualifier: 'about', currency: 'EUR', source: 'rec-2020-1364', locator: 'R 16' },
        committed: 46_000,
        persons: 5,
        remaining: 300_000_000 - 46_000,
      });
    }
    expect((await call(nl, 'GET', '/api/rounds/2026-2027/budget')).body).toMatchObject({
      budget: null,
      committed: 14_000,
      remaining: null,
    });
  });

  it('computes on an import of persons already arrived, and recomputes when a new import changes the case’s categories', async () => {
    const write = (over: Line) =>
      writeFile(
        dir,
        `import-${randomUUID()}.csv`,
        toCsv(COLUMNS, [COLUMNS.map((c) => member('BE-IMP', 'BE-IMP-1', 'BE', 'KEN', { arrived_on: '2020-03-01', ...over })[c] ?? '')]),
      );
    await importCasesFile({ db: database.db, actor: OP, path: write({}) });
    expect(await incentiveOf('BE-IMP-1')).toMatchObject({ rateId: 'other', amount: 6_000 });
    await importCasesFile({ db: database.db, actor: OP, path: write({ primary_category: 'medical_needs' }) });
    expect(await incentiveOf('BE-IMP-1')).toMatchObject({
      rateId: 'priority-or-vulnerable',
      amount: 10_000,
      evidence: { vulnerableGroups: [{ group: 'medical_needs', from: 'category:medical_needs' }] },
    });
    const history = await op((tx) =>
      rows<{ reason: string; amountAfter: number }>(
        tx,
        sql`SELECT h.reason, h.amount_after AS "amountAfter" FROM incentive_changes h JOIN persons p ON p.id = h.person_id WHERE p.person_ref = 'BE-IMP-1' ORDER BY h.id`,
      ),
    );
    expect(history).toEqual([
      { reason: 'arrival', amountAfter: 6_000 },
      { reason: 'evidence', amountAfter: 10_000 },
    ]);
  });
});

describe('the incentives report at the command line (embedded database)', () => {
  const data = join(tempDir(), 'data');
  const run = cliRunner(data, 'cli-tester');

  it('writes an XLSX with a sheet per state and the totals, matching the JSON report', async () => {
    expect((await run('demo', '--persons', '400', '--seed', '7')).code).toBe(0);
    const json = await run('report', 'incentives', '--round', '2020-2021', '--format', 'json');
    expect(json.code, json.err).toBe(0);
    const report = JSON.parse(json.out) as {
      states: { stateCode: string; amount: number }[];
      total: { persons: number; amount: number };
      persons: { stateCode: string; amount: number }[];
    };
    expect(report.total.persons).toBeGreaterThan(0);
    expect(report.total.amount).toBe(report.persons.reduce((n, p) => n + p.amount, 0));
    const file = join(data, '..', 'incentives.xlsx');
    const x = await run('report', 'incentives', '--round', '2020-2021', '--format', 'xlsx', '--output', file);
    expect(x.code, x.err).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...report.states.map((s) => s.stateCode), 'Total']);
    for (const s of report.states) {
      const ws = wb.getWorksheet(s.stateCode)!;
      const last = ws.getRow(ws.rowCount);
      expect([last.getCell(1).value, last.getCell(7).value]).toEqual(['Total', s.amount]);
      let sum = 0;
      for (let i = 2; i < ws.rowCount; i++) sum += Number(ws.getRow(i).getCell(7).value);
      expect(sum).toBe(s.amount);
    }
    const totals = wb.getWorksheet('Total')!;
    const grand = totals.getRow(totals.rowCount);
    expect([grand.getCell(1).value, grand.getCell(3).value, grand.getCell(4).value]).toEqual([
      'Total',
      report.total.persons,
      report.total.amount,
    ]);
    const table = await run('report', 'incentives', '--round', '2020-2021', '--state', 'NL', '--lang', 'nl');
    expect(table.out).toMatch(/Totaal/);
    expect((await run('report', 'incentives', '--round', '2020-2021', '--format', 'xlsx')).code).toBe(1);

    // A claim of the state with the most incentives, for the whole round; the same period again is refused.
    const top = [...report.states].sort((a, b) => b.amount - a.amount)[0]!;
    const claim = await run(
      'incentives',
      'claim',
      '--round',
      '2020-2021',
      '--state',
      top.stateCode,
      '--from',
      '2020-01-01',
      '--to',
      '2021-12-31',
    );
    expect(claim.code, claim.err).toBe(0);
    expect(claim.out).toContain(`EUR ${top.amount}`);
    const again = await run(
      'incentives',
      'claim',
      '--round',
      '2020-2021',
      '--state',
      top.stateCode,
      '--from',
      '2021-06-01',
      '--to',
      '2021-06-30',
    );
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already claimed a period that overlaps/);
  }, 180_000);
});
