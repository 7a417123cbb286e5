import type { Executor } from '../db/db.ts';
import {
  anonymiseCaseRows,
  anonymisePersons,
  blankCaseEvents,
  caseIdByRef,
  casesOfRoundNotErased,
  erasureRefs,
  lockCaseStatus,
} from './case-privacy.repository.ts';

/**
 * Data protection on cases and persons, for `src/privacy/`: the caller owns the transaction (and
 * declares the erasure to the append-only triggers); the rules of what to erase are privacy's.
 */

/** Each case's state, reference and its persons' references, as the audit of an erasure names them. */
export async function caseErasureRefs(opts: {
  db: Executor;
  caseIds: number[];
}): Promise<{ stateCode: string; caseRef: string; persons: string[] }[]> {
  return erasureRefs(opts.db, opts.caseIds);
}

/**
 * Anonymises the persons (keeping the vulnerable groups' codes their incentives found) and then the
 * cases; returns the persons anonymised.
 */
export async function eraseCaseData(opts: { db: Executor; caseIds: number[] }): Promise<{ persons: number }> {
  const persons = await anonymisePersons(opts.db, opts.caseIds);
  await anonymiseCaseRows(opts.db, opts.caseIds);
  return { persons: persons.length };
}

/** Blanks the free text (reason, details) of the cases' history; its moves and days stay. */
export async function eraseCaseHistoryText(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await blankCaseEvents(opts.db, opts.caseIds);
}

/** The cases counted in a round (their own or their persons' earliest) not yet anonymised, and whether each is over. */
export async function casesForRetention(opts: {
  db: Executor;
  roundId: string;
  closedStatuses: readonly string[];
}): Promise<{ id: number; closed: boolean }[]> {
  return casesOfRoundNotErased(opts.db, opts.roundId, opts.closedStatuses);
}

/** The status of a case, its row locked until the end of the transaction. */
export async function lockCaseForErasure(opts: { db: Executor; caseId: number }): Promise<string | undefined> {
  return (await lockCaseStatus(opts.db, opts.caseId))?.status;
}

/** A case's id by its reference, null when there is none (no error: a subject's export reads on). */
export async function findCaseIdIfAny(opts: { db: Executor; stateCode: string; caseRef: string }): Promise<number | null> {
  return caseIdByRef(opts.db, opts.stateCode, opts.caseRef);
}
