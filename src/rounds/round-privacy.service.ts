import type { Executor } from '../db/db.ts';
import { roundsRetainedUntilBefore, roundsRetention } from './round-privacy.repository.ts';

/**
 * The rounds whose retention period (`retention_months` after their end, PostgreSQL's month
 * arithmetic) ended before `today`, in the order they started, each with the day it ended.
 */
export async function roundsPastRetention(opts: { db: Executor; today: string }): Promise<{ roundId: string; retainUntil: string }[]> {
  return roundsRetainedUntilBefore(opts.db, opts.today);
}

/**
 * Every round's retention (the records of processing, GDPR art. 30): its end, its retention in
 * months and the day that period ends (PostgreSQL's month arithmetic), in the order they started.
 */
export async function roundRetentions(opts: {
  db: Executor;
}): Promise<{ roundId: string; title: string; endDate: string; retentionMonths: number; retainUntil: string }[]> {
  return roundsRetention(opts.db);
}
