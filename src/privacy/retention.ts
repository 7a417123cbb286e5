import { sql, rows, type Executor } from '../db/db.ts';
import type { Principal } from '../access/principal.ts';
import { purgeIdempotencyKeys, purgeIdentityRecords } from '../identity/housekeeping.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
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
  if (!isValidIsoDate(today)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: today });
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

/**
 * Everything storage limitation asks, in one pass: the rounds past their retention (above), old
 * sign-in attempts and ended sessions, and the replies kept for expired Idempotency-Keys. What the
 * server's daily job and `pathways privacy retention` run.
 */
export async function runStorageLimitation(db: Executor, by: Principal, today: string) {
  const retention = await runRetention(db, by, today);
  const now = `${today}T00:00:00Z`;
  return { ...retention, identity: await purgeIdentityRecords(db, now), idempotencyKeys: await purgeIdempotencyKeys(db, now) };
}
