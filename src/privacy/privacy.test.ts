import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, type Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { advanceCase } from '../cases/advance-case.ts';
import { getCase } from '../cases/case.service.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../cases/person-row.ts';
import { importCasesFile } from '../cases/person.import.ts';
import { createCandidate, transitionCandidate } from '../complementary/candidate.service.ts';
import { closeFamilyRequest, createFamilyRequest, listFamilyRequests } from '../complementary/family-reunification.service.ts';
import { translator } from '../i18n/i18n.ts';
import { recordVulnerableGroups } from '../cases/case-incentives.service.ts';
import { refreshIncentives } from '../incentives/incentive.service.ts';
import { toCsv } from '../presentation/table.ts';
import { createProgramme } from '../programmes/programme.service.ts';
import { createScheme } from '../sponsorship/scheme.service.ts';
import { MEMBER_CHECKS, SPONSOR_CHECKS } from '../sponsorship/sponsor.ts';
import {
  addSponsorMember,
  createSponsor,
  getSponsor,
  moveSponsor,
  recordSponsorCheck,
  type SponsorDetail,
} from '../sponsorship/sponsor.service.ts';
import { endSponsorship, listMessages, matchSponsorship, sendMessage } from '../sponsorship/sponsorship.service.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { loadDemo } from '../demo/load-demo.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { databaseKinds } from '../../test/databases.ts';
import { tempDir, writeFile } from '../../test/files.ts';
import { databaseRefusal } from '../../test/owner.ts';
import { verifyAudit } from '../audit/audit.service.ts';
import { processingRecords, processingRecordsMarkdown } from './processing.records.ts';
import { runRetention } from './retention.ts';
import { eraseSubject, exportSubject } from './subject.service.ts';

const OPERATOR = operator('privacy-test');
const COMMISSION: Principal = {
  id: 'test:commission',
  userId: null,
  username: 'commission',
  role: 'commission_analyst',
  stateCode: null,
  organisation: null,
};
const en = translator('en');
const officer = (stateCode: string): Principal => ({
  id: `test:officer:${stateCode}`,
  userId: null,
  username: 'officer',
  role: 'state_officer',
  stateCode,
  organisation: null,
});

describe.each(databaseKinds)('data protection ($name)', (kind) => {
  let database: Database;
  const asOp = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OPERATOR, work);
  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OPERATOR, persons: 300, seed: 21 });
  }, 120_000);
  afterAll(async () => database?.close());

  it("exports a data subject's record with who accessed it, and only for the state that holds it", async () => {
    const [c] = await asOp((tx) =>
      rows<{ s: string; r: string; p: string }>(
        tx,
        sql`SELECT c.state_code AS s, c.case_ref AS r, min(p.person_ref) AS p FROM cases c JOIN persons p ON p.case_id = c.id GROUP BY 1, 2 ORDER BY 2 LIMIT 1`,
      ),
    );
    const me = officer(c!.s);
    const other = officer(c!.s === 'NL' ? 'BE' : 'NL');
    await inScope(database.db, me, (tx) => getCase({ db: tx, actor: me, stateCode: c!.s, caseRef: c!.r }));
    const out = await inScope(database.db, me, (tx) => exportSubject(tx, me, { stateCode: c!.s, caseRef: c!.r, personRef: c!.p }, en));
    expect(out.person).toMatchObject({ personRef: c!.p });
    // The read above and the export's own read are both listed, with who and why.
    expect(out.accesses.filter((a) => a.actor === me.id && a.action === 'case.read').length).toBeGreaterThanOrEqual(2);
    await expect(
      inScope(database.db, other, (tx) => exportSubject(tx, other, { stateCode: c!.s, caseRef: c!.r, personRef: c!.p }, en)),
    ).rejects.toThrow(/may not/);
  });

  it('refuses to erase a case still being processed, erases a closed one, and leaves the counts as they were', async () => {
    const [open] = await asOp((tx) =>
      rows<{ s: string; r: string }>(
        tx,
        sql`SELECT state_code AS s, case_ref AS r FROM cases WHERE status IN ('referred', 'under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged') ORDER BY id LIMIT 1`,
      ),
    );
    const me = officer(open!.s);
    await expect(
      inScope(database.db, me, (tx) => eraseSubject(tx, me, { stateCode: open!.s, caseRef: open!.r, reason: 'request of 2026-11-01' })),
    ).rejects.toThrow(/cannot be erased yet/);
    await inScope(database.db, me, (tx) =>
      advanceCase({
        db: tx,
        actor: me,
        stateCode: open!.s,
        caseRef: open!.r,
        action: { type: 'withdraw' },
        reason: 'the family withdrew, Mrs A. said so',
      }),
    );

    const sop = () => asOp((tx) => stateOfPlay({ db: tx, roundId: '2020-2021', lang: 'en' }));
    const before = await sop();
    const result = await inScope(database.db, me, (tx) =>
      eraseSubject(tx, me, { stateCode: open!.s, caseRef: open!.r, reason: 'request of 2026-11-01' }),
    );
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

  it("exports a person's incentive, groups and candidacy; erasure keeps every count and amount, the skills go, the evidence shrinks to the claim's", async () => {
    // A household resettled from outside the priority regions (its rate decided by a category and a need), and a labour candidate.
    const columns = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
    const row = (c: string, p: string, pathway: string, more: Record<string, string>) => {
      const r: Record<string, string> = {
        case_ref: c,
        person_ref: p,
        member_state: 'NL',
        pathway,
        citizenship: 'AFG',
        sex: 'F',
        birth_year: '1990',
        country_of_departure: 'PAK',
        priority: 'normal',
        ...more,
      };
      return columns.map((k) => r[k] ?? '');
    };
    const arrived = { arrived_on: '2021-03-01', primary_category: 'survivors_of_violence_torture' };
    const file = writeFile(
      tempDir(),
      'cases.csv',
      toCsv(columns, [
        row('PV-R-1', 'PV-R-1-A', 'resettlement', { ...arrived, needs: 'survivor_of_torture' }),
        row('PV-R-1', 'PV-R-1-B', 'resettlement', arrived),
        row('PV-L-1', 'PV-L-1-A', 'labour', {}),
      ]),
    );
    await importCasesFile({ db: database.db, actor: OPERATOR, path: file });
    const nl = officer('NL');
    const asNl = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, nl, work);
    await asNl((tx) =>
      recordVulnerableGroups(tx, nl, {
        stateCode: 'NL',
        caseRef: 'PV-R-1',
        personRef: 'PV-R-1-B',
        groups: ['women_children_at_risk'],
        t: en,
      }),
    );
    await asNl((tx) =>
      createProgramme({
        db: tx,
        actor: nl,
        input: {
          code: 'NL-LAB-PV',
          state: 'NL',
          kind: 'labour',
          title: 'Welders',
          details: { employer: 'Werf BV', occupations: ['7212'] },
        },
      }),
    );
    const skills = {
      languages: [{ language: 'prs', level: 'native' }],
      work: [{ occupation: 'Welder', esco: '7212', years: 8 }],
      other: ['forklift licence'],
    };
    let cand = await asNl((tx) =>
      createCandidate({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        programme: 'NL-LAB-PV',
        caseRef: 'PV-L-1',
        personRef: 'PV-L-1-A',
        skills,
        on: '2021-02-01',
      }),
    );
    for (const [to, on] of [
      ['shortlisted', '2021-03-01'],
      ['admitted', '2021-04-01'],
    ] as const) {
      cand = await asNl((tx) =>
        transitionCandidate({ db: tx, actor: nl, stateCode: 'NL', id: cand.id, expectedVersion: cand.version, to, on }),
      );
    }
    for (const [to, on] of [
      ['post_arrival', '2021-03-02'],
      ['reception', '2021-03-03'],
      ['integration', '2021-04-01'],
      ['closed', '2022-04-01'],
    ] as const) {
      await asNl((tx) => advanceCase({ db: tx, actor: nl, stateCode: 'NL', caseRef: 'PV-R-1', action: { type: 'advance', to }, on }));
    }
    await asNl((tx) =>
      advanceCase({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        caseRef: 'PV-L-1',
        action: { type: 'withdraw' },
        reason: 'Mr K. took another job',
      }),
    );

    // Access (art. 15): the incentive with its evidence and history, the groups recorded, the candidacy with its skills and history; each read audited.
    const a = await asNl((tx) => exportSubject(tx, nl, { stateCode: 'NL', caseRef: 'PV-R-1', personRef: 'PV-R-1-A' }, en));
    expect(a.vulnerableGroups).toEqual([]);
    expect(a.incentive).toMatchObject({
      roundId: '2020-2021',
      rateId: 'priority-or-vulnerable',
      amount: 10000,
      evidence: { priorityRegion: null, countryOfDeparture: 'PAK' },
    });
    expect(a.incentive!.evidence.vulnerableGroups).toEqual([
      { group: 'legal_physical_protection', from: 'category:survivors_of_violence_torture' },
      { group: 'legal_physical_protection', from: 'need:survivor_of_torture' },
    ]);
    expect(a.incentiveHistory.map((h) => [h.reason, h.amountAfter])).toEqual([['arrival', 10000]]);
    expect(a.candidacies).toEqual([]);
    const b = await asNl((tx) => exportSubject(tx, nl, { stateCode: 'NL', caseRef: 'PV-R-1', personRef: 'PV-R-1-B' }, en));
    expect(b.vulnerableGroups).toEqual(['women_children_at_risk']);
    expect(b.incentiveHistory.map((h) => h.reason)).toEqual(['arrival', 'evidence']);
    const l = await asNl((tx) => exportSubject(tx, nl, { stateCode: 'NL', caseRef: 'PV-L-1', personRef: 'PV-L-1-A' }, en));
    expect(l.incentive).toBeNull();
    expect(l.candidacies).toEqual([
      expect.objectContaining({
        programme: 'NL-LAB-PV',
        pathway: 'labour',
        status: 'admitted',
        statusOn: '2021-04-01',
        occupations: ['7212'],
        skills: expect.objectContaining({ work: skills.work, other: skills.other }),
      }),
    ]);
    expect(l.candidacies[0]!.history.map((h) => h.toStatus)).toEqual(['applied', 'shortlisted', 'admitted']);
    expect(l.accesses.filter((x) => x.actor === nl.id).map((x) => x.action)).toEqual(
      expect.arrayContaining(['case.read', 'incentive.read', 'candidate.read']),
    );

    // The Commission's counts: state of play, the returns of point 27, the incentives per state and rate, the budget committed.
    const counts = () =>
      inScope(database.db, COMMISSION, async (tx) => ({
        stateOfPlay: await stateOfPlay({ db: tx, roundId: '2020-2021', lang: 'en' }),
        admissions: await rows(tx, sql`SELECT * FROM statistics_admissions('2020-01-01', '2027-12-31') ORDER BY 1, 2, 3`),
        support: await rows(tx, sql`SELECT * FROM statistics_pathway_support('2020-01-01', '2027-12-31') ORDER BY 1, 2, 3`),
        incentives: await rows(tx, sql`SELECT * FROM statistics_incentives('2020-2021') ORDER BY 1, 2`),
        committed: await rows(tx, sql`SELECT * FROM statistics_incentives_committed('2020-2021')`),
      }));
    const before = await counts();
    expect(before.support).toContainEqual({
      state_code: 'NL',
      measure: 'candidates_admitted',
      category: 'labour',
      n: 1,
      family_members: null,
    });
    const ids = await asNl((tx) =>
      rows<{ id: number }>(tx, sql`SELECT id::int AS id FROM cases WHERE case_ref IN ('PV-R-1', 'PV-L-1') ORDER BY case_ref DESC`),
    );
    for (const caseRef of ['PV-R-1', 'PV-L-1'])
      await asNl((tx) => eraseSubject(tx, nl, { stateCode: 'NL', caseRef, reason: 'request of 2026-11-02' }));
    expect(await counts()).toEqual(before);

    const held = await asOp((tx) =>
      rows<{
        persons: string[];
        groups: string[][];
        amounts: number[];
        rates: string[];
        evidence: unknown[];
        skills: unknown[];
        occupations: string[][];
        candidates: string[];
      }>(
        tx,
        sql`SELECT array_agg(p.person_ref ORDER BY p.id) AS persons, array_agg(to_jsonb(p.vulnerable_groups) ORDER BY p.id) AS groups,
                   array_agg(i.amount ORDER BY p.id) AS amounts, array_agg(i.rate_id ORDER BY p.id) AS rates, array_agg(i.evidence ORDER BY p.id) AS evidence,
                   (SELECT array_agg(c.skills) FROM pathway_candidates c WHERE c.case_id = ANY(${sql.param(ids.map((x) => x.id))}::bigint[])) AS skills,
                   (SELECT array_agg(to_jsonb(c.occupations)) FROM pathway_candidates c WHERE c.case_id = ANY(${sql.param(ids.map((x) => x.id))}::bigint[])) AS occupations,
                   (SELECT array_agg(c.person_ref) FROM pathway_candidates c WHERE c.case_id = ANY(${sql.param(ids.map((x) => x.id))}::bigint[])) AS candidates
              FROM persons p JOIN person_incentives i ON i.person_id = p.id WHERE p.case_id = ${ids[0]!.id}`,
      ),
    );
    const h = held[0]!;
    expect(h.persons.every((r) => r.startsWith('erased-'))).toBe(true);
    // The skills profile is gone; the candidacy stays counted (above).
    expect([h.skills, h.occupations, h.candidates.every((r) => r.startsWith('erased-'))]).toEqual([[{}], [[]], true]);
    // The amounts and rates of the claim stay; the evidence keeps the groups' codes, not what showed them.
    expect([h.amounts, h.rates]).toEqual([
      [10000, 10000],
      ['priority-or-vulnerable', 'priority-or-vulnerable'],
    ]);
    expect(h.groups).toEqual([['legal_physical_protection'], ['legal_physical_protection', 'women_children_at_risk']]);
    const reduced = (groups: string[]) => ({
      pathway: 'resettlement',
      countryOfDeparture: 'PAK',
      priorityRegion: null,
      vulnerableGroups: groups.map((group) => ({ group, from: 'recorded' })),
    });
    expect(h.evidence).toEqual([reduced(['legal_physical_protection']), reduced(['legal_physical_protection', 'women_children_at_risk'])]);
    // The incentives' history keeps its lines and amounts; what showed each group (a UNHCR category, a need) is gone from it too.
    const sources = await asOp((tx) =>
      rows<{ from: string }>(
        tx,
        sql`SELECT DISTINCT g->>'from' AS "from" FROM incentive_changes ic JOIN persons p ON p.id = ic.person_id,
                   jsonb_array_elements(coalesce(ic.evidence_before->'vulnerableGroups', '[]'::jsonb) || (ic.evidence_after->'vulnerableGroups')) g
             WHERE p.case_id = ${ids[0]!.id} ORDER BY 1`,
      ),
    );
    expect(sources.map((x) => x.from)).toEqual(['erased', 'recorded']);
    // Recomputing every incentive of the state later finds the same evidence and amounts: nothing changes, no line of history.
    expect(await asOp((tx) => refreshIncentives(tx, OPERATOR, { stateCode: 'NL', reason: 'rates' }))).toMatchObject({ changed: 0 });
    expect(await counts()).toEqual(before);
    expect((await asOp((tx) => verifyAudit(tx))).flatMap((c) => c.problems)).toEqual([]);
  });

  it("keeps issue 6's histories append-only, for the owner too; erasure may blank only their free text and sources", async () => {
    const HISTORY = [
      'sponsor_events',
      'sponsorship_scheme_versions',
      'memoranda',
      'sponsorship_messages',
      'pathway_candidate_events',
      'incentive_changes',
      'sponsorship_tasks',
    ];
    const grants = await asOp((tx) =>
      rows<{ t: string; upd: boolean; del: boolean }>(
        tx,
        sql`SELECT t, has_table_privilege('pathways_app', t, 'UPDATE') AS upd, has_table_privilege('pathways_app', t, 'DELETE') AS del
              FROM unnest(${sql.param(HISTORY)}::text[]) AS t ORDER BY t`,
      ),
    );
    expect(grants.filter((g) => g.upd || g.del)).toEqual([]);
    // Column by column: a task marked done; the free text and sources that erasure blanks.
    const columns = await asOp((tx) =>
      rows<{ c: string }>(
        tx,
        sql`SELECT table_name || '.' || column_name AS c FROM information_schema.column_privileges
             WHERE grantee = 'pathways_app' AND privilege_type = 'UPDATE' AND table_name = ANY(${sql.param(HISTORY)}::text[]) ORDER BY 1`,
      ),
    );
    expect(columns.map((x) => x.c)).toEqual([
      'incentive_changes.evidence_after',
      'incentive_changes.evidence_before',
      'pathway_candidate_events.reason',
      'sponsor_events.details',
      'sponsor_events.reason',
      'sponsorship_messages.body',
      'sponsorship_tasks.done_at',
      'sponsorship_tasks.done_by',
    ]);
    const nl = officer('NL');
    expect(
      await databaseRefusal(inScope(database.db, nl, (tx) => tx.execute(sql`UPDATE incentive_changes SET reason = 'edited'`))),
    ).toMatch(/permission denied/);
    // Outside an erasure even a permitted column is refused — by a trigger, which binds the owner too (on every history of issue 6); in an erasure it is let through.
    expect(
      await databaseRefusal(
        inScope(database.db, nl, (tx) => tx.execute(sql`UPDATE incentive_changes SET evidence_after = evidence_after`)),
      ),
    ).toMatch(/never edited/);
    const erasing = (statement: ReturnType<typeof sql>) =>
      inScope(database.db, OPERATOR, async (tx) => {
        await tx.execute(sql`SELECT set_config('pathways.erasure', 'on', true)`);
        await tx.execute(statement);
      });
    await erasing(sql`UPDATE incentive_changes SET evidence_after = evidence_after`);
    const triggers = await asOp((tx) =>
      rows<{ t: string }>(
        tx,
        sql`SELECT DISTINCT tgrelid::regclass::text AS t FROM pg_trigger WHERE tgfoid = 'history_append_only'::regproc ORDER BY 1`,
      ),
    );
    // Issue 6's histories, and the returns received and sent of issue 7 (migration 0010), which have no free text to blank.
    expect(triggers.map((x) => x.t)).toEqual([
      'federation_returns',
      'federation_returns_sent',
      'incentive_changes',
      'memoranda',
      'pathway_candidate_events',
      'sponsor_events',
      'sponsorship_messages',
      'sponsorship_scheme_versions',
    ]);
  });

  it('anonymises the closed cases of rounds past their retention, and no others', async () => {
    const [r] = await asOp((tx) =>
      rows<{ until: string }>(
        tx,
        sql`SELECT (end_date + make_interval(months => retention_months))::date::text AS until FROM rounds WHERE id = '2020-2021'`,
      ),
    );
    const closedOf2020 = async () =>
      (
        await asOp((tx) =>
          rows<{ n: number }>(
            tx,
            sql`SELECT count(*)::int AS n FROM cases c WHERE status IN ('closed','withdrawn','rejected') AND case_ref NOT LIKE 'erased-%' AND coalesce(c.round_id, (SELECT min(p.round_id) FROM persons p WHERE p.case_id = c.id)) = '2020-2021'`,
          ),
        )
      )[0]!.n;
    const waiting = await closedOf2020();
    expect(waiting).toBeGreaterThan(0);
    const early = await asOp((tx) => runRetention(tx, OPERATOR, r!.until, 60));
    expect(early.rounds.find((x) => x.roundId === '2020-2021')).toBeUndefined();
    expect(await closedOf2020()).toBe(waiting);
    const dayAfter = new Date(Date.parse(`${r!.until}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const due = await asOp((tx) => runRetention(tx, OPERATOR, dayAfter, 60));
    expect(due.rounds.find((x) => x.roundId === '2020-2021')).toMatchObject({ cases: waiting });
    expect(await closedOf2020()).toBe(0);
  });

  it('anonymises a sponsor ended longer ago than PATHWAYS_SPONSOR_RETENTION_MONTHS and a family reunification request closed so long ago, and no others; the counts stay', async () => {
    const nl = officer('NL');
    const asNl = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, nl, work);
    const columns = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
    const household = (c: string) => {
      const r: Record<string, string> = {
        case_ref: c,
        person_ref: `${c}-A`,
        member_state: 'NL',
        pathway: 'community_sponsorship',
        round: '2020-2021',
        citizenship: 'SYR',
        sex: 'F',
        birth_year: '1985',
        country_of_departure: 'LBN',
        relationship: 'principal',
        priority: 'normal',
      };
      return columns.map((k) => r[k] ?? '');
    };
    await importCasesFile({
      db: database.db,
      actor: OPERATOR,
      path: writeFile(tempDir(), 'sponsored.csv', toCsv(columns, [household('RT-S-1'), household('RT-S-2')])),
    });
    const roles = {
      selection: 'state',
      pre_departure: 'shared',
      reception: 'sponsor',
      housing: 'sponsor',
      integration: 'shared',
      finance: 'state',
    } as const;
    const scheme = await asNl((tx) =>
      createScheme({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        code: 'RT-CS',
        title: 'Community sponsorship',
        programmeId: null,
        criteria: [],
        roles,
      }),
    );

    // Sponsors made through the services: applied with a member, or screened and approved with every check.
    const applied = async (organisation: string, name: string) => {
      const s = await asNl((tx) =>
        createSponsor({
          db: tx,
          actor: nl,
          stateCode: 'NL',
          input: {
            organisation,
            kind: 'group',
            name,
            contact: { email: `${organisation}@example.nl`, phone: '+31 6 1234 5678' },
            region: 'Utrecht',
            householdSize: 3,
            needsSupported: ['medical'],
            languages: ['ar', 'nl'],
          },
        }),
      );
      return asNl((tx) =>
        addSponsorMember({ db: tx, actor: nl, id: s.id, expectedVersion: s.version, name: `${name}: Anna Jansen`, role: 'coordinator' }),
      );
    };
    const approved = async (organisation: string, name: string) => {
      let s: SponsorDetail = await applied(organisation, name);
      const {
        id,
        members: [member],
      } = s;
      for (const check of MEMBER_CHECKS)
        s = await asNl((tx) =>
          recordSponsorCheck({
            db: tx,
            actor: nl,
            id,
            expectedVersion: s.version,
            check,
            memberId: member!.id,
            result: 'passed',
            on: '2019-01-05',
            note: 'passport of Mrs Jansen seen',
          }),
        );
      s = await asNl((tx) => moveSponsor({ db: tx, actor: nl, id, expectedVersion: s.version, to: 'screened', reason: null }));
      for (const check of SPONSOR_CHECKS)
        s = await asNl((tx) =>
          recordSponsorCheck({
            db: tx,
            actor: nl,
            id,
            expectedVersion: s.version,
            check,
            memberId: null,
            result: 'passed',
            on: '2019-01-06',
          }),
        );
      return asNl((tx) => moveSponsor({ db: tx, actor: nl, id, expectedVersion: s.version, to: 'approved', reason: null }));
    };
    // The move to `ended` written as moveSponsor writes it, but on a day in the past: the history's time is the database's now(), and no one may change it afterwards.
    const endedOn = (id: number, at: string) =>
      asOp(async (tx) => {
        const reason = 'the group dissolved: Mr Jansen moved to Canada';
        await tx.execute(sql`INSERT INTO sponsor_events (sponsor_id, state_code, kind, from_status, to_status, reason, actor, at)
                             SELECT id, state_code, 'status', status, 'ended', ${reason}, ${OPERATOR.id}, ${at}::timestamptz FROM sponsors WHERE id = ${id}`);
        await tx.execute(sql`UPDATE sponsors SET status = 'ended', status_reason = ${reason}, version = version + 1 WHERE id = ${id}`);
      });

    const old = await approved('rt-old', 'Old Group');
    const oldShip = await asNl((tx) =>
      matchSponsorship({ db: tx, actor: nl, stateCode: 'NL', sponsorId: old.id, caseRef: 'RT-S-1', schemeId: scheme.id }),
    );
    await asNl((tx) => sendMessage({ db: tx, actor: nl, id: oldShip.id, body: 'Mrs Jansen meets the family at Schiphol' }));
    await asNl((tx) =>
      endSponsorship({ db: tx, actor: nl, id: oldShip.id, expectedVersion: oldShip.version, reason: 'the family moved to Amsterdam' }),
    );
    await endedOn(old.id, '2020-06-15T12:00:00Z');
    // Ended as long ago, but still supporting a household: kept.
    const busy = await approved('rt-busy', 'Busy Group');
    const busyShip = await asNl((tx) =>
      matchSponsorship({ db: tx, actor: nl, stateCode: 'NL', sponsorId: busy.id, caseRef: 'RT-S-2', schemeId: scheme.id }),
    );
    await asNl((tx) => sendMessage({ db: tx, actor: nl, id: busyShip.id, body: 'the flat is ready' }));
    await endedOn(busy.id, '2020-06-15T12:00:00Z');
    const recent = await applied('rt-recent', 'Recent Group');
    await endedOn(recent.id, '2021-06-01T12:00:00Z');
    const current = await applied('rt-current', 'Current Group');

    const closed = await asNl((tx) =>
      createFamilyRequest({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        input: {
          reference: 'RT-FR-1',
          kind: 'information',
          familyMembers: 3,
          countryOfResidence: 'SYR',
          receivedOn: '2020-05-01',
          note: 'Mr Haddad, in Idlib with his wife and son',
        },
      }),
    );
    await asNl((tx) =>
      closeFamilyRequest({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        id: closed.id,
        expectedVersion: closed.version,
        outcome: 'informed',
        on: '2020-06-15',
      }),
    );
    await asNl((tx) =>
      createFamilyRequest({
        db: tx,
        actor: nl,
        stateCode: 'NL',
        input: {
          reference: 'RT-FR-2',
          kind: 'visa_assistance',
          familyMembers: 2,
          countryOfResidence: 'ERI',
          receivedOn: '2019-02-01',
          note: 'Mrs Tesfay',
        },
      }),
    );

    const sponsors = () => Promise.all([old, busy, recent, current].map((s) => asNl((tx) => getSponsor({ db: tx, actor: nl, id: s.id }))));
    const requests = () => asNl((tx) => listFamilyRequests({ db: tx, actor: nl, stateCode: 'NL' }));
    const messages = () => Promise.all([oldShip, busyShip].map((s) => asNl((tx) => listMessages({ db: tx, actor: nl, id: s.id }))));
    const counts = () =>
      inScope(database.db, COMMISSION, async (tx) => ({
        sponsorships: await rows(tx, sql`SELECT * FROM statistics_sponsorships() ORDER BY 1, 2`),
        support: await rows(tx, sql`SELECT * FROM statistics_pathway_support('2000-01-01', '2030-12-31') ORDER BY 1, 2, 3`),
      }));
    const before = { sponsors: await sponsors(), requests: await requests(), messages: await messages(), counts: await counts() };
    expect(before.counts.sponsorships).toContainEqual({ state_code: 'NL', status: 'ended', sponsorships: 1, households: 1 });

    // 60 months after 2020-06-15 is 2025-06-15: on that day nothing is due yet; the day after, the old sponsor and the closed request are.
    expect(await asOp((tx) => runRetention(tx, OPERATOR, '2025-06-15', 60))).toMatchObject({ sponsors: 0, familyRequests: 0 });
    expect({ sponsors: await sponsors(), requests: await requests(), messages: await messages() }).toEqual({
      sponsors: before.sponsors,
      requests: before.requests,
      messages: before.messages,
    });
    expect(await asOp((tx) => runRetention(tx, OPERATOR, '2025-06-16', 60))).toMatchObject({ sponsors: 1, familyRequests: 1 });
    // Once done, not again.
    expect(await asOp((tx) => runRetention(tx, OPERATOR, '2025-06-17', 60))).toMatchObject({ sponsors: 0, familyRequests: 0 });

    const after = { sponsors: await sponsors(), requests: await requests(), messages: await messages(), counts: await counts() };
    const [o, ...kept] = after.sponsors;
    expect(kept).toEqual(before.sponsors.slice(1));
    expect(o).toMatchObject({
      name: `erased-${old.id}`,
      contact: {},
      region: '',
      languages: [],
      needsSupported: [],
      status: 'ended',
      statusReason: null,
      organisation: 'rt-old',
      householdSize: 3,
    });
    expect(o!.members.map((m) => m.name)).toEqual(o!.members.map((m) => `erased-${m.id}`));
    expect(o!.history.length).toBe(before.sponsors[0]!.history.length);
    expect(o!.history.filter((e) => e.reason !== null || Object.keys(e.details).length > 0)).toEqual([]);
    expect(after.messages.map((m) => m.map((x) => x.body))).toEqual([['erased'], ['the flat is ready']]);
    // The sponsorship stays, and so does every count.
    expect(after.counts).toEqual(before.counts);
    // The request keeps its kind, outcome, dates and family members; the open one is untouched.
    const was = before.requests.find((r) => r.id === closed.id)!;
    expect(after.requests.find((r) => r.id === closed.id)).toEqual({
      ...was,
      reference: `erased-${closed.id}`,
      note: '',
      countryOfResidence: null,
      version: was.version + 1,
    });
    expect(after.requests.find((r) => r.reference === 'RT-FR-2')).toEqual(before.requests.find((r) => r.reference === 'RT-FR-2'));

    // One audit line per sponsor and one per state's requests, in the state's trail; the chains stay intact.
    const lines = await asOp((tx) =>
      rows<{ subject: string; stateCode: string; recordIds: string[] }>(
        tx,
        sql`SELECT subject, state_code AS "stateCode", record_ids AS "recordIds" FROM audit_log WHERE action = 'retention.anonymise' AND (subject LIKE 'sponsor:%' OR record_ids && ARRAY['family-request:RT-FR-1']) ORDER BY id`,
      ),
    );
    expect(lines).toEqual([
      { subject: `sponsor:${old.id}`, stateCode: 'NL', recordIds: [`sponsor:${old.id}`, `sponsor-member:${old.members[0]!.id}`] },
      { subject: 'state:NL', stateCode: 'NL', recordIds: ['family-request:RT-FR-1'] },
    ]);
    expect((await asOp((tx) => verifyAudit(tx))).flatMap((c) => c.problems)).toEqual([]);
  });

  it('exports the records of processing with the retention of every round from the database', async () => {
    const records = await asOp((tx) => processingRecords(tx, 60));
    const rounds = await asOp((tx) => rows<{ id: string }>(tx, sql`SELECT id FROM rounds`));
    expect(records.retentionByRound.map((x) => x.roundId).sort()).toEqual(rounds.map((x) => x.id).sort());
    const md = processingRecordsMarkdown(records);
    for (const a of records.activities) expect(md).toContain(`## ${a.name}`);
    // Issue 6's processing is recorded, each activity complete.
    expect(records.activities.map((a) => a.id)).toEqual(
      expect.arrayContaining(['sponsor-screening', 'sponsorship-support', 'complementary-pathways', 'amif-incentives']),
    );
    expect(new Set(records.activities.map((a) => a.id)).size).toBe(records.activities.length);
    for (const a of records.activities) {
      expect(
        [a.id, a.purposes.length > 0, a.legalBasis, a.dataSubjects.length > 0, a.recipients.length > 0, a.retention].every(Boolean),
        a.id,
      ).toBe(true);
      // Special categories (art. 9) or criminal records (art. 10) name the article that allows them.
      if (a.specialCategories.length > 0) expect(a.legalBasis, a.id).toMatch(/art\. (9\(2\)|10)/);
      // The Commission receives counts only.
      for (const r of a.recipients.filter((x) => /Commission/.test(x))) expect(r, a.id).toMatch(/\b(only|aggregates)\b/);
    }
    expect(md).toContain('| 2020-2021 | 2021-12-31 | 60 | 2026-12-31 |');
    // The sponsors' and family reunification requests' retention is the configured one.
    const configured = await asOp((tx) => processingRecords(tx, 37));
    for (const id of ['sponsor-screening', 'sponsorship-support', 'complementary-pathways'])
      expect(configured.activities.find((a) => a.id === id)!.retention, id).toContain('37 months');
  });
});
