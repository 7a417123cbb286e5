import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of data protection on sponsors, sponsorships and their messages (GDPR art. 17; retention). */

export async function eraseEndReasonsOfCases(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE sponsorships SET end_reason = CASE WHEN end_reason IS NULL THEN NULL ELSE 'erased' END, safety_net = safety_net - 'note', version = version + 1
         WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]) AND (end_reason IS NOT NULL OR safety_net ? 'note')`,
  );
}

export async function eraseMessagesOfCases(db: Executor, caseIds: number[]): Promise<void> {
  await db.execute(
    sql`UPDATE sponsorship_messages SET body = 'erased'
         WHERE sponsorship_id IN (SELECT id FROM sponsorships WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]))`,
  );
}

export const endedSponsorsPastRetention = (db: Executor, today: string, months: number) =>
  rows<{ id: number; stateCode: string; endedOn: string; members: number[] }>(
    db,
    sql`SELECT s.id::int AS id, s.state_code AS "stateCode", e.ended::text AS "endedOn",
               coalesce((SELECT array_agg(m.id::int ORDER BY m.id) FROM sponsor_members m WHERE m.sponsor_id = s.id), '{}') AS members
          FROM sponsors s,
               LATERAL (SELECT max((x.at AT TIME ZONE 'UTC')::date) AS ended FROM sponsor_events x
                         WHERE x.sponsor_id = s.id AND x.kind = 'status' AND x.to_status = 'ended') e
         WHERE s.status = 'ended' AND s.name <> 'erased-' || s.id
           AND e.ended + make_interval(months => ${months}) < ${today}::date
           AND NOT EXISTS (SELECT 1 FROM sponsorships p WHERE p.sponsor_id = s.id AND p.status = 'active')
         ORDER BY s.id`,
  );

export async function anonymiseSponsorRows(db: Executor, sponsorIds: number[]): Promise<void> {
  const ids = sql.param(sponsorIds);
  await db.execute(
    sql`UPDATE sponsors SET name = 'erased-' || id, contact = '{}'::jsonb, region = '', languages = '{}', needs_supported = '{}', status_reason = NULL, version = version + 1
         WHERE id = ANY(${ids}::bigint[])`,
  );
  await db.execute(sql`UPDATE sponsor_members SET name = 'erased-' || id WHERE sponsor_id = ANY(${ids}::bigint[])`);
}

export async function blankSponsorHistories(db: Executor, sponsorIds: number[]): Promise<void> {
  const ids = sql.param(sponsorIds);
  await db.execute(
    sql`UPDATE sponsor_events SET reason = NULL, details = '{}'::jsonb
         WHERE sponsor_id = ANY(${ids}::bigint[]) AND (reason IS NOT NULL OR details <> '{}'::jsonb)`,
  );
  await db.execute(
    sql`UPDATE sponsorship_messages SET body = 'erased'
         WHERE body <> 'erased' AND sponsorship_id IN (SELECT id FROM sponsorships WHERE sponsor_id = ANY(${ids}::bigint[]))`,
  );
}
