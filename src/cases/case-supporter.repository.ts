import { sql } from 'drizzle-orm';
import type { Executor } from '../db/db.ts';

/** The SQL of `case_supporters`: an organisation's access to a household (row-level security reads it). */

/** Opens (or opens again) an organisation's access to a household for these phases. */
export async function upsertCaseSupporter(
  db: Executor,
  caseId: number,
  stateCode: string,
  organisation: string,
  phases: string[],
): Promise<void> {
  await db.execute(sql`INSERT INTO case_supporters (case_id, state_code, organisation, phases) VALUES (${caseId}, ${stateCode}, ${organisation}, ${sql.param(phases)}::text[])
                       ON CONFLICT (case_id, organisation) DO UPDATE SET phases = excluded.phases, since = now(), ended_at = NULL`);
}

/** Ends an organisation's open access to a household. */
export async function endCaseSupporter(db: Executor, caseId: number, stateCode: string, organisation: string): Promise<void> {
  await db.execute(sql`UPDATE case_supporters SET ended_at = now()
                        WHERE state_code = ${stateCode} AND organisation = ${organisation} AND ended_at IS NULL AND case_id = ${caseId}`);
}
