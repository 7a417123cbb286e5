import { sql, rows, type Executor } from '../db/db.ts';
import type { SQL } from 'drizzle-orm';
import { recordAudit } from '../audit/audit.ts';
import type { Principal } from '../access/principal.ts';
import { evidenceOf } from '../incentives/incentive.ts';
import { listRounds } from '../rounds/round.repository.ts';

/**
 * Anonymisation of a case: what identifies the household goes, what the returns of points 26–27
 * count stays (state, pathway, round, country of departure, arrival days), so the aggregates do
 * not move. The history keeps its moves and days; its free text (reasons, details) is blanked —
 * the one change the append-only trigger allows, inside a transaction that declares it.
 * The audit trail is kept (accountability, GDPR art. 5(2)); its record ids now point at nothing.
 *
 * An AMIF incentive is the basis of a claim the state may have to substantiate for years
 * (Regulation (EU) 2021/1060 art. 82): its rate and amount stay, and its evidence is reduced to
 * what decided the rate — pathway, country of departure, priority region and the vulnerable
 * groups' codes, without what showed each (a category, a need). The codes stay on the person as
 * the state's recorded finding, so recomputing the incentive later (`pathways incentives refresh`)
 * finds the same evidence and the same amount, and writes nothing.
 */
export const CLOSED_FOR_ERASURE = ['closed', 'withdrawn', 'rejected'] as const;

export async function anonymiseCases(
  db: Executor,
  by: Principal,
  caseIds: number[],
  why: { action: string; purpose: string },
): Promise<{ cases: number; persons: number }> {
  if (caseIds.length === 0) return { cases: 0, persons: 0 };
  const ids = sql.param(caseIds);
  const refs = await rows<{ stateCode: string; caseRef: string; persons: string[] }>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef",
               coalesce((SELECT array_agg(p.person_ref ORDER BY p.person_ref) FROM persons p WHERE p.case_id = c.id), '{}') AS persons
          FROM cases c WHERE c.id = ANY(${ids}::bigint[]) ORDER BY c.id`,
  );
  await db.execute(sql`SELECT set_config('pathways.erasure', 'on', true)`);
  const persons = await rows<{ id: number }>(
    db,
    sql`UPDATE persons p SET person_ref = 'erased-' || id, citizenship = NULL, sex = NULL, birth_year = NULL, relationship = NULL,
                           needs = '[]'::jsonb,
                           vulnerable_groups = coalesce((SELECT array_agg(DISTINCT g->>'group' ORDER BY g->>'group')
                                                           FROM person_incentives i, jsonb_array_elements(i.evidence->'vulnerableGroups') g
                                                          WHERE i.person_id = p.id), '{}'),
                           excluded_reason = CASE WHEN excluded_reason IS NULL THEN NULL ELSE 'erased' END
         WHERE case_id = ANY(${ids}::bigint[]) RETURNING id`,
  );
  await db.execute(
    sql`UPDATE cases SET case_ref = 'erased-' || id, partner_ref = NULL, referring_partner = NULL, linked_refs = '{}',
                         primary_category = NULL, secondary_category = NULL, version = version + 1
         WHERE id = ANY(${ids}::bigint[])`,
  );
  await reduceIncentiveEvidence(db, caseIds);
  // A candidate's skills profile (complementary pathways) goes with the person; the candidacy's status stays counted.
  await db.execute(
    sql`UPDATE pathway_candidates SET person_ref = 'erased-' || id, skills = '{}'::jsonb, occupations = '{}', version = version + 1
         WHERE case_id = ANY(${ids}::bigint[])`,
  );
  // Why a sponsorship ended or broke down speaks of the household; that it did stays counted.
  await db.execute(
    sql`UPDATE sponsorships SET end_reason = CASE WHEN end_reason IS NULL THEN NULL ELSE 'erased' END, safety_net = safety_net - 'note', version = version + 1
         WHERE case_id = ANY(${ids}::bigint[]) AND (end_reason IS NOT NULL OR safety_net ? 'note')`,
  );
  // The histories of issue 6 keep their lines; their free text and the sources of the evidence go (migration 0009 lets erasure blank just these).
  await db.execute(
    sql`UPDATE pathway_candidate_events SET reason = NULL
         WHERE reason IS NOT NULL AND candidate_id IN (SELECT id FROM pathway_candidates WHERE case_id = ANY(${ids}::bigint[]))`,
  );
  await db.execute(
    sql`UPDATE sponsorship_messages SET body = 'erased'
         WHERE sponsorship_id IN (SELECT id FROM sponsorships WHERE case_id = ANY(${ids}::bigint[]))`,
  );
  await db.execute(
    sql`UPDATE incentive_changes SET evidence_before = ${reducedSources(sql`evidence_before`)}, evidence_after = ${reducedSources(sql`evidence_after`)}
         WHERE person_id IN (SELECT id FROM persons WHERE case_id = ANY(${ids}::bigint[]))`,
  );
  await db.execute(
    sql`UPDATE case_events SET reason = NULL, details = '{}'::jsonb WHERE case_id = ANY(${ids}::bigint[]) AND (reason IS NOT NULL OR details <> '{}'::jsonb)`,
  );
  // Placement decisions (issue 8) keep who, where and the cost; their free-text reason goes (migration 0011 lets erasure blank just it).
  await db.execute(sql`UPDATE case_placements SET reason = NULL WHERE case_id = ANY(${ids}::bigint[]) AND reason IS NOT NULL`);
  await db.execute(sql`SELECT set_config('pathways.erasure', 'off', true)`);
  for (const r of refs) {
    await recordAudit(db, {
      actor: by,
      action: why.action,
      purpose: why.purpose,
      subject: `case:${r.stateCode}:${r.caseRef}`,
      stateCode: r.stateCode,
      recordIds: [`case:${r.caseRef}`, ...r.persons.map((p) => `person:${p}`)],
      fields: [
        'caseRef',
        'partnerRef',
        'referringPartner',
        'linkedRefs',
        'primaryCategory',
        'secondaryCategory',
        'members.*',
        'incentives.evidence',
        'candidates.personRef',
        'candidates.skills',
        'candidates.occupations',
        'sponsorships.endReason',
        'sponsorships.safetyNet.note',
        'sponsorships.messages',
        'candidates.history.reason',
        'incentives.history.evidence',
        'history.reason',
        'history.details',
      ],
    });
  }
  return { cases: refs.length, persons: persons.length };
}

/**
 * Evidence in a line of incentive history, its groups' sources reduced as the incentive's own are:
 * a group recorded by the state or shown by the case's priority keeps its source, any other
 * (a UNHCR category, a specific need) says 'erased'.
 */
const reducedSources = (column: SQL) => sql`CASE WHEN ${column} IS NULL THEN NULL ELSE jsonb_set(${column}, '{vulnerableGroups}', (
    SELECT coalesce(jsonb_agg(jsonb_build_object('group', g->>'group', 'from',
             CASE WHEN g->>'from' = 'recorded' OR g->>'from' LIKE 'priority:%' THEN g->>'from' ELSE 'erased' END)), '[]'::jsonb)
      FROM jsonb_array_elements(${column}->'vulnerableGroups') g)) END`;

/**
 * The evidence of the erased persons' incentives, as a recomputation would now find it (the
 * persons keep only their group codes, the cases their priority): rate, amount and revision stay.
 */
async function reduceIncentiveEvidence(db: Executor, caseIds: number[]): Promise<void> {
  const found = await rows<{
    id: number;
    roundId: string;
    pathway: string;
    countryOfDeparture: string;
    groups: string[];
    priority: string;
  }>(
    db,
    sql`SELECT p.id::int AS id, p.round_id AS "roundId", p.pathway, p.country_of_departure AS "countryOfDeparture", p.vulnerable_groups AS groups, c.priority
          FROM person_incentives i JOIN persons p ON p.id = i.person_id JOIN cases c ON c.id = p.case_id
         WHERE p.case_id = ANY(${sql.param(caseIds)}::bigint[])`,
  );
  if (found.length === 0) return;
  const rounds = new Map((await listRounds(db)).map((r) => [r.id, r]));
  const evidence = found.map((p) =>
    JSON.stringify(
      evidenceOf(
        { pathway: p.pathway, countryOfDeparture: p.countryOfDeparture, needs: [], vulnerableGroups: p.groups },
        { priority: p.priority, primaryCategory: null, secondaryCategory: null },
        rounds.get(p.roundId) ?? { priorities: [] },
      ),
    ),
  );
  await db.execute(
    sql`UPDATE person_incentives i SET evidence = u.ev::jsonb
          FROM unnest(${sql.param(found.map((p) => p.id))}::bigint[], ${sql.param(evidence)}::text[]) AS u(id, ev)
         WHERE i.person_id = u.id`,
  );
}
