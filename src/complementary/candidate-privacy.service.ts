import type { Executor } from '../db/db.ts';
import { anonymiseCandidatesOfCases, blankCandidateEventReasons, candidateIdsOfPerson } from './candidate-privacy.repository.ts';

/** Data protection on candidates, for `src/privacy/`; the caller owns the transaction. */

/** A candidate's skills profile goes with the person; the candidacy's status stays counted. */
export async function eraseCandidateData(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await anonymiseCandidatesOfCases(opts.db, opts.caseIds);
}

/** The candidates' history keeps its lines; their free text goes (the caller has declared the erasure). */
export async function eraseCandidateHistoryText(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await blankCandidateEventReasons(opts.db, opts.caseIds);
}

/** The ids of a household member's candidacies, oldest first. */
export async function candidaciesOfPerson(opts: {
  db: Executor;
  stateCode: string;
  caseRef: string;
  personRef: string;
}): Promise<number[]> {
  return (await candidateIdsOfPerson(opts.db, opts.stateCode, opts.caseRef, opts.personRef)).map((c) => c.id);
}
