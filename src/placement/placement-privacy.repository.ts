import { sql, type Executor } from '../db/db.ts';

/** The SQL of data protection on placement decisions (GDPR art. 17). */

export async function blankPlacementReasons(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE case_placements SET reason = NULL WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]) AND reason IS NOT NULL`,
  );
}
