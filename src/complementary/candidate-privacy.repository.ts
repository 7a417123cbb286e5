import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of data protection on candidates of education and labour programmes (GDPR art. 15, 17). */

export async function anonymiseCandidatesOfCases(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE pathway_candidates SET person_ref = 'erased-' || id, skills = '{}'::jsonb, occupations = '{}', version = version + 1
         WHERE case_id = ANY(${sql.param(caseIds)}::bigint[])`,
  );
}

export async function blankCandidateEventReasons(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE pathway_candidate_events SET reason = NULL
         WHERE reason IS NOT NULL AND candidate_id IN (SELECT id FROM pathway_candidates WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]))`,
  );
}

export const candidateIdsOfPerson = (db: Executor, stateCode: string, caseRef: string, personRef: string) =>
  rows<{ id: number }>(
    db,
    sql`SELECT c.id::int AS id FROM pathway_candidates c JOIN cases cs ON cs.id = c.case_id
         WHERE cs.state_code = ${stateCode} AND cs.case_ref = ${caseRef} AND c.person_ref = ${personRef} ORDER BY c.id`,
  );
