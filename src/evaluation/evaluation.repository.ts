import type { Modality, Status } from '../cases/stage.ts';
import { rows, sql, type Executor } from '../db/db.ts';
import type { Priority } from './case-history.ts';

/** The SQL of the evaluation: the histories of a round's cases, read through the owner-run `statistics_cases`. */

export interface CaseHistoryRow {
  seq: number;
  stateCode: string;
  caseRef: string | null;
  pathway: string;
  countryOfDeparture: string;
  priority: Priority;
  modality: Modality | null;
  persons: number;
  events: { status: Status; on: string; reason: string | null }[];
}

/**
 * Through `statistics_cases` (migration 0007): the Commission's scope gets every state's histories
 * without case references, a state's scope its own.
 */
export function selectCaseHistories(db: Executor, roundId: string): Promise<CaseHistoryRow[]> {
  return rows<CaseHistoryRow>(
    db,
    sql`SELECT c.seq, c.state_code AS "stateCode", c.case_ref AS "caseRef", c.pathway, c.country_of_departure AS "countryOfDeparture",
               c.priority, c.modality, c.persons, c.events
          FROM statistics_cases(${roundId}) c
         ORDER BY c.seq`,
  );
}
