import { sql, rows, type Executor } from '../db/db.ts';

/** How long sign-in attempts are kept (records of processing: 90 days), and ended sessions. */
export const LOGIN_ATTEMPT_DAYS = 90;
export const ENDED_SESSION_DAYS = 30;
/** How long the reply to a POST is kept for its Idempotency-Key (src/api/idempotency.ts). */
export const IDEMPOTENCY_HOURS = 24;

/**
 * Storage limitation for the platform's own records of its users: sign-in attempts older than
 * LOGIN_ATTEMPT_DAYS, and sessions ended (expired or revoked) more than ENDED_SESSION_DAYS ago.
 * The audit trail keeps the sign-ins themselves. Run with the retention job.
 */
export async function purgeIdentityRecords(
  db: Executor,
  now: string = new Date().toISOString(),
): Promise<{ loginAttempts: number; sessions: number }> {
  const attempts = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM login_attempts WHERE at < ${now}::timestamptz - make_interval(days => ${LOGIN_ATTEMPT_DAYS}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  const sessions = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < ${now}::timestamptz - make_interval(days => ${ENDED_SESSION_DAYS}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return { loginAttempts: attempts[0]!.n, sessions: sessions[0]!.n };
}

/** The replies kept for Idempotency-Keys older than IDEMPOTENCY_HOURS (a key that old is free again anyway). */
export async function purgeIdempotencyKeys(db: Executor, now: string = new Date().toISOString()): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < ${now}::timestamptz - make_interval(hours => ${IDEMPOTENCY_HOURS}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return r!.n;
}
