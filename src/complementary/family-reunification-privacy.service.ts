import type { Executor } from '../db/db.ts';
import { anonymiseRequests, closedRequestsPastRetention } from './family-reunification-privacy.repository.ts';

/** Data protection on family reunification requests, for `src/privacy/`; the caller owns the transaction. */

/**
 * Anonymises the requests closed more than `months` before `today` not yet anonymised: reference,
 * note and country of residence go; kind, outcome, dates and the number of members stay. Returns
 * each request as it was named before (state, reference), for the caller's audit.
 */
export async function expireFamilyRequests(opts: {
  db: Executor;
  today: string;
  months: number;
}): Promise<{ id: number; stateCode: string; reference: string }[]> {
  const due = await closedRequestsPastRetention(opts.db, opts.today, opts.months);
  if (due.length === 0) return due;
  await anonymiseRequests(
    opts.db,
    due.map((r) => r.id),
  );
  return due;
}
