import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { selectCaseForChange } from './case.repository.ts';

/**
 * What every change of a case begins with: the case read (under its row lock for a change), and
 * the version the caller saw checked (a stale one is `PreconditionFailed`, 412, as for an If-Match
 * that no longer matches, with the current version in the details). The use cases that change a
 * case live in src/cases (advance-case.ts, case-incentives.service.ts, join-programme.ts); they
 * raise the version and write the audit line in the caller's transaction.
 */

export interface CaseForChange {
  id: number;
  pathway: string;
  version: number;
  programmeId: number | null;
}

/** A case by its state and reference (its id and version), or NotFound. */
export async function findCase(db: Executor, stateCode: string, caseRef: string, lock = false): Promise<CaseForChange> {
  const c = await selectCaseForChange(db, stateCode, caseRef, lock);
  if (!c) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: caseRef, p2: stateCode });
  return c;
}

/** Refuses a change made against an older version than the case's. */
export function checkCaseVersion(caseRef: string, expectedVersion: number | undefined, version: number): void {
  if (expectedVersion !== undefined && expectedVersion !== version)
    throw appError(ErrorCode.PreconditionFailed, 'staleVersion', { p1: caseRef, p2: expectedVersion, p3: version }, { version });
}
