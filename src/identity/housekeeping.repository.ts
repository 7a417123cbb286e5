import { rows, sql, type Executor } from '../db/db.ts';

/** The SQL of the identity feature's storage limitation: each returns how many rows it removed. */

export async function deleteLoginAttemptsBefore(db: Executor, now: string, days: number): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM login_attempts WHERE at < ${now}::timestamptz - make_interval(days => ${days}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return r!.n;
}

export async function deleteSessionsEndedBefore(db: Executor, now: string, days: number): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < ${now}::timestamptz - make_interval(days => ${days}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return r!.n;
}
