import type { Executor } from '../db/db.ts';
import { endCaseSupporter, upsertCaseSupporter } from './case-supporter.repository.ts';

/**
 * A supporting organisation's access to a household (a sponsor's, through its sponsorship): the
 * caller has authorised the change and owns the transaction; row-level security reads the rows.
 */

/** The organisation sees the household in these phases from now on (a past access is opened again). */
export function grantCaseSupport(
  db: Executor,
  opts: { caseId: number; stateCode: string; organisation: string; phases: string[] },
): Promise<void> {
  return upsertCaseSupporter(db, opts.caseId, opts.stateCode, opts.organisation, opts.phases);
}

/** The organisation no longer sees the household, at once. */
export function endCaseSupport(db: Executor, opts: { caseId: number; stateCode: string; organisation: string }): Promise<void> {
  return endCaseSupporter(db, opts.caseId, opts.stateCode, opts.organisation);
}
