import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';

/** A household as another folder needs it to attach something to it (a sponsor, a candidacy). */
export interface HouseholdForMatchRow {
  id: number;
  pathway: string;
  status: string;
  size: number;
  needs: string[];
}

/** A state's case by reference, locked, with its members counted and their needs' types (persons not excluded). */
export async function selectHouseholdForMatch(db: Executor, stateCode: string, caseRef: string): Promise<HouseholdForMatchRow | null> {
  const [household] = await rows<HouseholdForMatchRow>(
    db,
    sql`SELECT c.id::int AS id, c.pathway, c.status,
               (SELECT count(*)::int FROM persons p WHERE p.case_id = c.id AND p.excluded_reason IS NULL) AS size,
               coalesce((SELECT array_agg(DISTINCT n->>'type') FROM persons p, jsonb_array_elements(p.needs) n WHERE p.case_id = c.id AND p.excluded_reason IS NULL), '{}') AS needs
          FROM cases c WHERE c.state_code = ${stateCode} AND c.case_ref = ${caseRef} FOR UPDATE OF c`,
  );
  return household ?? null;
}

/** A state's case by reference, with the member of that reference if it has one (null if not). */
export async function selectCaseWithPerson(
  db: Executor,
  stateCode: string,
  caseRef: string,
  personRef: string,
): Promise<{ id: number; pathway: string; person: string | null } | null> {
  const [c] = await rows<{ id: number; pathway: string; person: string | null }>(
    db,
    sql`SELECT cs.id::int AS id, cs.pathway, (SELECT person_ref FROM persons WHERE case_id = cs.id AND person_ref = ${personRef}) AS person
          FROM cases cs WHERE cs.state_code = ${stateCode} AND cs.case_ref = ${caseRef}`,
  );
  return c ?? null;
}

/** `state:case_ref` of the cases whose reference starts with `prefix` and that have not changed since they were created (version 1). */
export async function selectUnchangedCaseKeys(db: Executor, prefix: string): Promise<string[]> {
  const found = await rows<{ k: string }>(
    db,
    sql`SELECT state_code || ':' || case_ref AS k FROM cases WHERE case_ref LIKE ${`${prefix}%`} AND version = 1`,
  );
  return found.map((r) => r.k);
}
