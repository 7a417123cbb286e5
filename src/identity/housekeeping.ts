import type { Executor } from '../db/db.ts';
import { deleteLoginAttemptsBefore, deleteSessionsEndedBefore } from './housekeeping.repository.ts';
import { deleteIdempotencyKeysBefore } from './idempotency.repository.ts';

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
  const loginAttempts = await deleteLoginAttemptsBefore(db, now, LOGIN_ATTEMPT_DAYS);
  const sessions = await deleteSessionsEndedBefore(db, now, ENDED_SESSION_DAYS);
  return { loginAttempts, sessions };
}

/** The replies kept for Idempotency-Keys older than IDEMPOTENCY_HOURS (a key that old is free again anyway). */
export async function purgeIdempotencyKeys(db: Executor, now: string = new Date().toISOString()): Promise<number> {
  return deleteIdempotencyKeysBefore(db, now, IDEMPOTENCY_HOURS);
}
