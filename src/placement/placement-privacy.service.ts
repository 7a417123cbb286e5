import type { Executor } from '../db/db.ts';
import { casePlacementHistory, type PlacementRow } from './placement.repository.ts';
import { blankPlacementReasons } from './placement-privacy.repository.ts';

/** Data protection on placement decisions (issue 8), for `src/privacy/`; the caller owns the transaction. */

export type { PlacementRow };

/** Decisions keep who, where and the cost; their free-text reason goes (the caller has declared the erasure). */
export async function erasePlacementReasons(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await blankPlacementReasons(opts.db, opts.caseIds);
}

/** A household's placements decided, newest first, with the day each ended. */
export async function placementHistoryOfCase(opts: { db: Executor; caseId: number }) {
  return casePlacementHistory(opts.db, opts.caseId);
}
