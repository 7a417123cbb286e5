import { rows, sql, type Executor } from '../db/db.ts';
import type { AdmissionCount } from './returns.ts';

/**
 * The SQL of the returns of point 27: counts from the owner-run `statistics_admissions` and
 * `statistics_pathway_support` for a period, the Commission every state's, a state's officer its own
 * (and `stateCode`, when given, one state only). Counts only: no case or person is named.
 */

export function selectAdmissionCounts(db: Executor, from: string, to: string, stateCode: string | null): Promise<AdmissionCount[]> {
  const only = stateCode ? sql`AND state_code = ${stateCode}` : sql``;
  return rows<AdmissionCount>(
    db,
    sql`SELECT state_code AS "stateCode", pathway, programme_code AS "programmeCode", programme_kind AS "programmeKind", persons
          FROM statistics_admissions(${from}::date, ${to}::date) WHERE true ${only}`,
  );
}

/** Family reunification support (`measure` 'family_reunification', by outcome) and candidates admitted ('candidates_admitted', by pathway). */
export function selectPathwaySupportCounts(
  db: Executor,
  from: string,
  to: string,
  stateCode: string | null,
): Promise<{ stateCode: string; measure: string; category: string; n: number; familyMembers: number | null }[]> {
  const only = stateCode ? sql`AND state_code = ${stateCode}` : sql``;
  return rows(
    db,
    sql`SELECT state_code AS "stateCode", measure, category, n, family_members AS "familyMembers"
          FROM statistics_pathway_support(${from}::date, ${to}::date) WHERE true ${only}`,
  );
}
