import type { Executor } from '../db/db.ts';
import { roundsRetainedUntilBefore } from './round-privacy.repository.ts';

/**
 * The rounds whose retention period (`retention_months` after their end, PostgreSQL's month
 * arithmetic) ended before `today`, in the order they started, each with the day it ended.
 */
export async function roundsPastRetention(opts: { db: Executor; today: string }): Promise<{ roundId: string; retainUntil: string }[]> {
  return roundsRetainedUntilBefore(opts.db, opts.today);
}
