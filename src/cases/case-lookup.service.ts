import type { Executor } from '../db/db.ts';
import {
  selectCaseWithPerson,
  selectHouseholdForMatch,
  selectUnchangedCaseKeys,
  type HouseholdForMatchRow,
} from './case-lookup.repository.ts';

/**
 * Cases as other folders read them (sponsorship, complementary pathways), without their SQL. The
 * caller has authorised the actor for the state; it owns the transaction.
 */

export type HouseholdForMatch = HouseholdForMatchRow;

/** The household a sponsor is matched to: locked for the rest of the transaction; null if the state has no such case. */
export function lockHouseholdForMatch(db: Executor, stateCode: string, caseRef: string): Promise<HouseholdForMatch | null> {
  return selectHouseholdForMatch(db, stateCode, caseRef);
}

/** A case and whether it has the member `personRef` (`person` null if not); null if the state has no such case. */
export function findCaseWithPerson(
  db: Executor,
  stateCode: string,
  caseRef: string,
  personRef: string,
): Promise<{ id: number; pathway: string; person: string | null } | null> {
  return selectCaseWithPerson(db, stateCode, caseRef, personRef);
}

/**
 * The cases (as `state:case_ref`) whose reference starts with `prefix` and that nothing has changed
 * since their referral: the demo gives its histories only to these, so a second run adds nothing.
 */
export function unchangedCaseKeys(db: Executor, prefix: string): Promise<Set<string>> {
  return selectUnchangedCaseKeys(db, prefix).then((keys) => new Set(keys));
}
