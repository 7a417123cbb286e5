import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, type Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { advanceCase } from '../cases/advance-case.ts';
import { getCase } from '../cases/case.service.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { loadDemo } from '../demo/load-demo.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { databaseKinds } from '../../test/databases.ts';
import { verifyAudit } from '../audit/audit.service.ts';
import { processingRecords, processingRecordsMarkdown } from './processing.records.ts';
import { runRetention } from './retention.ts';
import { eraseSubject, exportSubject } from './subject.service.ts';

const OPERATOR = operator('privacy-test');
const officer = (stateCode: string): Principal => ({ id: `test:officer:${stateCode}`, userId: null, username: 'officer', role: 'state_officer', stateCode, organisation: null });

describe.each(databaseKinds)('data protection ($name)', (kind) => {
  let database: Database;
  const asOp = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OPERATOR, work);
  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OPERATOR, persons: 300, seed: 21 });
  }, 120_000);
  afterAll(async () => database?.close());

  it("exports a data subject's record with who accessed it, and only for the state that holds it", async () => {
    const [c] = await asOp((tx) => rows<{ s: string; r: string; p: string }>(tx, sql`SELECT c.state_code AS s, c.case_ref AS r, min(p.person_ref) AS p FROM cases c JOIN persons p ON p.case_id = c.id GROUP BY 1, 2 ORDER BY 2 LIMIT 1`));
    const me = officer(c!.s);
    const other = officer(c!.s === 'NL' ? 'BE' : 'NL');
    await inScope(database.db, me, (tx) => getCase({ db: tx, actor: me, stateCode: c!.s, caseRef: c!.r }));
    const out = await inScope(database.db, me, (tx) => exportSubject(tx, me, { stateCode: c!.s, caseRef: c!.r, personRef: c!.p }));
    expect(out.person).toMatchObject({ personRef: c!.p });
    // The read above and the export's own read are both listed, with who and why.
    expect(out.accesses.filter((a) => a.actor === me.id && a.action === 'case.read').length).toBeGreaterThanOrEqual(2);
    await expect(inScope(database.db, other, (tx) => exportSubject(tx, other, { stateCode: c!.s, caseRef: c!.r, personRef: c!.p }))).rejects.toThrow(/may not/);
  });

  it('refuses to erase a case still being processed, erases a closed one, and leaves the counts as they were', async () => {
    const [open] = await asOp((tx) => rows<{ s: string; r: string }>(tx, sql`SELECT state_code AS s, case_ref AS r FROM cases WHERE status IN ('referred', 'under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged') ORDER BY id LIMIT 1`));
    const me = officer(open!.s);
    await expect(inScope(database.db, me, (tx) => eraseSubject(tx, me, { stateCode: open!.s, caseRef: open!.r, reason: 'request of 2026-11-01' }))).rejects.toThrow(/cannot be erased yet/);
    await inScope(database.db, me, (tx) => advanceCase({ db: tx, actor: me, stateCode: open!.s, caseRef: open!.r, action: { type: 'withdraw' }, reason: 'the family withdrew, Mrs A. said so' }));

    const sop = () => asOp((tx) => stateOfPlay({ db: tx, roundId: '2020-2021', lang: 'en' }));
    const before = await sop();
    const result = await inScope(database.db, me, (tx) => eraseSubject(tx, me, { stateCode: open!.s, caseRef: open!.r, reason: 'request of 2026-11-01' }));
    expect(result.cases).toBe(1);
    expect(result.persons).toBeGreaterThan(0);
    expect(await sop()).toEqual(before);
    const left = await asOp((tx) =>
      rows<{ refs: number; people: number; reasons: number }>(
        tx,
        sql`SELECT (SELECT count(*)::int FROM cases WHERE case_ref = ${open!.r} AND state_code = ${open!.s}) AS refs,
                   (SELECT count(*)::int FROM persons p JOIN cases c ON c.id = p.case_id WHERE c.case_ref LIKE 'erased-%' AND (p.birth_year IS NOT NULL OR p.citizenship IS NOT NULL)) AS people,
                   (SELECT count(*)::int FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.case_ref LIKE 'erased-%' AND e.reason IS NOT NULL) AS reasons`,
      ),
    );
    expect(left).toEqual([{ refs: 0, people: 0, reasons: 0 }]);
    // The audit trail keeps its lines, and its chains stay intact.
    expect((await asOp((tx) => verifyAudit(tx))).flatMap((c) => c.problems)).toEqual([]);
  });

  it("anonymises the closed cases of rounds past their retention, and no others", async () => {
    const [r] = await asOp((tx) => rows<{ until: string }>(tx, sql`SELECT (end_date + make_interval(months => retention_months))::date::text AS until FROM rounds WHERE id = '2020-2021'`));
    const closedOf2020 = async () =>
      (await asOp((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cases c WHERE status IN ('closed','withdrawn','rejected') AND case_ref NOT LIKE 'erased-%' AND coalesce(c.round_id, (SELECT min(p.round_id) FROM persons p WHERE p.case_id = c.id)) = '2020-2021'`)))[0]!.n;
    const waiting = await closedOf2020();
    expect(waiting).toBeGreaterThan(0);
    const early = await asOp((tx) => runRetention(tx, OPERATOR, r!.until));
    expect(early.rounds.find((x) => x.roundId === '2020-2021')).toBeUndefined();
    expect(await closedOf2020()).toBe(waiting);
    const dayAfter = new Date(Date.parse(`${r!.until}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const due = await asOp((tx) => runRetention(tx, OPERATOR, dayAfter));
    expect(due.rounds.find((x) => x.roundId === '2020-2021')).toMatchObject({ cases: waiting });
    expect(await closedOf2020()).toBe(0);
  });

  it('exports the records of processing with the retention of every round from the database', async () => {
    const records = await asOp((tx) => processingRecords(tx));
    const rounds = await asOp((tx) => rows<{ id: string }>(tx, sql`SELECT id FROM rounds`));
    expect(records.retentionByRound.map((x) => x.roundId).sort()).toEqual(rounds.map((x) => x.id).sort());
    const md = processingRecordsMarkdown(records);
    for (const a of records.activities) expect(md).toContain(`## ${a.name}`);
    expect(md).toContain('| 2020-2021 | 2021-12-31 | 60 | 2026-12-31 |');
  });
});
