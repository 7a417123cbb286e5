import { sql, rows, type Executor } from '../db/db.ts';
import type { Principal } from '../access/principal.ts';
import { anonymiseCases, CLOSED_FOR_ERASURE } from './erasure.ts';

export interface RetentionResult {
  rounds: { roundId: string; retainUntil: string; cases: number; persons: number }[];
}

/**
 * Storage limitation (GDPR art. 5(1)(e)): the personal data of a round's cases is kept for the
 * round's `retention_months` after its end; then the retention job anonymises the cases of that
 * round that are over (closed, withdrawn, rejected). Aggregates stay. Cases still open are left
 * and counted, so an operator sees them. Run by `pathways retention run` and daily by the server.
 */
export async function runRetention(db: Executor, by: Principal, today: string): Promise<RetentionResult & { openPastRetention: number }> {
  const due = await rows<{ roundId: string; retainUntil: string }>(
    db,
    sql`SELECT id AS "roundId", (end_date + make_interval(months => retention_months))::date::text AS "retainUntil"
          FROM rounds WHERE end_date + make_interval(months => retention_months) < ${today}::date ORDER BY start_date`,
  );
  const result: RetentionResult['rounds'] = [];
  let open = 0;
  for (const r of due) {
    const cases = await rows<{ id: number; closed: boolean }>(
      db,
      sql`SELECT c.id::int AS id, c.status = ANY(${sql.param([...CLOSED_FOR_ERASURE])}::text[]) AS closed
            FROM cases c
           WHERE c.case_ref NOT LIKE 'erased-%'
             AND coalesce(c.round_id, (SELECT min(p.round_id) FROM persons p WHERE p.case_id = c.id)) = ${r.roundId}`,
    );
    open += cases.filter((c) => !c.closed).length;
    const done = await anonymiseCases(db, by, cases.filter((c) => c.closed).map((c) => c.id), {
      action: 'retention.anonymise',
      purpose: `end of retention for round ${r.roundId} (${r.retainUntil})`,
    });
    result.push({ ...r, ...done });
  }
  return { rounds: result, openPastRetention: open };
}
