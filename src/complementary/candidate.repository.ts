import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { Candidate, CandidateEvent } from './candidate.service.ts';
import type { CandidateStatus, Support } from './candidate.ts';
import type { SkillsProfile } from './skills.ts';

/** The SQL of candidates of education and labour programmes and their history. */

/** A candidate as stored (its moves are the service's). */
export type CandidateRow = Omit<Candidate, 'moves'>;

const COLUMNS = sql`c.id::int AS id, c.state_code AS "stateCode", g.code AS programme, g.pathway, cs.case_ref AS "caseRef", c.person_ref AS "personRef",
  c.skills, c.occupations, c.status, c.status_on::text AS "statusOn", c.support, c.version`;
const FROM = sql`pathway_candidates c JOIN programmes g ON g.id = c.programme_id JOIN cases cs ON cs.id = c.case_id`;

/** A new candidacy at 'applied'; null if the member is already a candidate of the programme. */
export async function insertCandidate(
  db: Executor,
  v: {
    stateCode: string;
    programmeId: number;
    caseId: number;
    personRef: string;
    skills: SkillsProfile;
    occupations: string[];
    on: string;
  },
): Promise<number | null> {
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO pathway_candidates (state_code, programme_id, case_id, person_ref, skills, occupations, status, status_on)
        VALUES (${v.stateCode}, ${v.programmeId}, ${v.caseId}, ${v.personRef}, ${JSON.stringify(v.skills)}::jsonb, ${sql.param(v.occupations)}::text[], 'applied', ${v.on}::date)
        ON CONFLICT (programme_id, case_id, person_ref) DO NOTHING RETURNING id::int AS id`,
  );
  return row?.id ?? null;
}

/** The first line of a candidacy's history. */
export async function insertCandidateCreatedEvent(db: Executor, id: number, stateCode: string, on: string, actor: string): Promise<void> {
  await db.execute(
    sql`INSERT INTO pathway_candidate_events (candidate_id, state_code, from_status, to_status, "on", actor) VALUES (${id}, ${stateCode}, NULL, 'applied', ${on}::date, ${actor})`,
  );
}

/** One of a state's candidates; `lock` holds its row for the rest of the transaction. */
export async function selectCandidate(db: Executor, stateCode: string, id: number, lock = false): Promise<CandidateRow | null> {
  const [c] = await rows<CandidateRow>(
    db,
    sql`SELECT ${COLUMNS} FROM ${FROM} WHERE c.state_code = ${stateCode} AND c.id = ${id} ${lock ? sql`FOR UPDATE OF c` : sql``}`,
  );
  return c ?? null;
}

export async function selectCandidates(
  db: Executor,
  stateCode: string,
  f: { status?: CandidateStatus | undefined; programme?: string | undefined },
): Promise<CandidateRow[]> {
  return rows<CandidateRow>(
    db,
    sql`SELECT ${COLUMNS} FROM ${FROM} WHERE c.state_code = ${stateCode}
          ${f.status ? sql`AND c.status = ${f.status}` : sql``} ${f.programme ? sql`AND g.code = ${f.programme}` : sql``}
         ORDER BY c.id`,
  );
}

export async function selectCandidateEvents(db: Executor, id: number): Promise<CandidateEvent[]> {
  return rows<CandidateEvent>(
    db,
    sql`SELECT from_status AS "fromStatus", to_status AS "toStatus", "on"::text AS "on", reason, actor FROM pathway_candidate_events WHERE candidate_id = ${id} ORDER BY id`,
  );
}

export async function updateCandidateStatus(db: Executor, id: number, to: CandidateStatus, on: string): Promise<void> {
  await db.execute(sql`UPDATE pathway_candidates SET status = ${to}, status_on = ${on}::date, version = version + 1 WHERE id = ${id}`);
}

export async function insertCandidateMoveEvent(
  db: Executor,
  e: { id: number; stateCode: string; from: CandidateStatus; to: CandidateStatus; on: string; reason: string | null; actor: string },
): Promise<void> {
  await db.execute(
    sql`INSERT INTO pathway_candidate_events (candidate_id, state_code, from_status, to_status, "on", reason, actor) VALUES (${e.id}, ${e.stateCode}, ${e.from}, ${e.to}, ${e.on}::date, ${e.reason}, ${e.actor})`,
  );
}

export async function appendCandidateSupport(db: Executor, id: number, support: Support): Promise<void> {
  await db.execute(sql`UPDATE pathway_candidates SET support = array_append(support, ${support}), version = version + 1 WHERE id = ${id}`);
}
