import { sql, rows, type Executor } from '../db/db.ts';
import type { SQL } from 'drizzle-orm';

/** The SQL of data protection on the AMIF incentives and their history (GDPR art. 17; retention). */

/** The erased cases' persons that have an incentive, with what a recomputation reads of them. */
export const incentivesOfCases = (db: Executor, caseIds: number[]) =>
  rows<{
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

export async function setIncentiveEvidence(db: Executor, personIds: number[], evidence: string[]): Promise<void> {
  await db.execute(
    sql`UPDATE person_incentives i SET evidence = u.ev::jsonb
          FROM unnest(${sql.param(personIds)}::bigint[], ${sql.param(evidence)}::text[]) AS u(id, ev)
         WHERE i.person_id = u.id`,
  );
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

export async function reduceIncentiveChangeSources(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE incentive_changes SET evidence_before = ${reducedSources(sql`evidence_before`)}, evidence_after = ${reducedSources(sql`evidence_after`)}
         WHERE person_id IN (SELECT id FROM persons WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]))`,
  );
}
