import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of data protection on cases, persons and their history (GDPR art. 15, 17; retention). */

export const erasureRefs = (db: Executor, caseIds: number[]) =>
  rows<{ stateCode: string; caseRef: string; persons: string[] }>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef",
               coalesce((SELECT array_agg(p.person_ref ORDER BY p.person_ref) FROM persons p WHERE p.case_id = c.id), '{}') AS persons
          FROM cases c WHERE c.id = ANY(${sql.param(caseIds)}::bigint[]) ORDER BY c.id`,
  );

export const anonymisePersons = (db: Executor, caseIds: number[]) =>
  rows<{ id: number }>(
    db,
    sql`UPDATE persons p SET person_ref = 'erased-' || id, citizenship = NULL, sex = NULL, birth_year = NULL, relationship = NULL,
                           needs = '[]'::jsonb,
                           vulnerable_groups = coalesce((SELECT array_agg(DISTINCT g->>'group' ORDER BY g->>'group')
                                                           FROM person_incentives i, jsonb_array_elements(i.evidence->'vulnerableGroups') g
                                                          WHERE i.person_id = p.id), '{}'),
                           excluded_reason = CASE WHEN excluded_reason IS NULL THEN NULL ELSE 'erased' END
         WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]) RETURNING id`,
  );

export async function anonymiseCaseRows(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE cases SET case_ref = 'erased-' || id, partner_ref = NULL, referring_partner = NULL, linked_refs = '{}',
                         primary_category = NULL, secondary_category = NULL, version = version + 1
         WHERE id = ANY(${sql.param(caseIds)}::bigint[])`,
  );
}

export async function blankCaseEvents(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE case_events SET reason = NULL, details = '{}'::jsonb WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]) AND (reason IS NOT NULL OR details <> '{}'::jsonb)`,
  );
}

/** The cases of a round not yet anonymised, whether each is over (its status among `closedStatuses`). */
export const casesOfRoundNotErased = (db: Executor, roundId: string, closedStatuses: readonly string[]) =>
  rows<{ id: number; closed: boolean }>(
    db,
    sql`SELECT c.id::int AS id, c.status = ANY(${sql.param([...closedStatuses])}::text[]) AS closed
          FROM cases c
         WHERE c.case_ref NOT LIKE 'erased-%'
           AND coalesce(c.round_id, (SELECT min(p.round_id) FROM persons p WHERE p.case_id = c.id)) = ${roundId}`,
  );

export const lockCaseStatus = (db: Executor, caseId: number) =>
  rows<{ status: string }>(db, sql`SELECT status FROM cases WHERE id = ${caseId} FOR UPDATE`).then(([c]) => c);

export const caseIdByRef = (db: Executor, stateCode: string, caseRef: string) =>
  rows<{ id: number }>(db, sql`SELECT id::int AS id FROM cases WHERE state_code = ${stateCode} AND case_ref = ${caseRef}`).then(
    ([c]) => c?.id ?? null,
  );
