import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of data protection on family reunification requests (retention). */

export const closedRequestsPastRetention = (db: Executor, today: string, months: number) =>
  rows<{ id: number; stateCode: string; reference: string }>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", reference FROM family_reunification_requests
         WHERE outcome <> 'open' AND closed_on + make_interval(months => ${months}) < ${today}::date AND reference <> 'erased-' || id
         ORDER BY state_code, id`,
  );

export async function anonymiseRequests(db: Executor, ids: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE family_reunification_requests SET reference = 'erased-' || id, note = '', country_of_residence = NULL, version = version + 1
         WHERE id = ANY(${sql.param(ids)}::bigint[])`,
  );
}
