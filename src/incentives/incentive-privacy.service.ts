import type { Executor } from '../db/db.ts';
import { listRounds } from '../rounds/round.service.ts';
import { evidenceOf } from './incentive.ts';
import { incentivesOfCases, reduceIncentiveChangeSources, setIncentiveEvidence } from './incentive-privacy.repository.ts';

/**
 * Data protection on the AMIF incentives, for `src/privacy/`; the caller owns the transaction.
 *
 * An incentive is the basis of a claim the state may have to substantiate for years (Regulation
 * (EU) 2021/1060 art. 82): its rate, amount and revision stay, its evidence is reduced to what
 * decided the rate.
 */

/**
 * The evidence of the erased persons' incentives, as a recomputation would now find it (the
 * persons keep only their group codes, the cases their priority): rate, amount and revision stay.
 */
export async function reduceIncentiveEvidence(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  const { db, caseIds } = opts;
  const found = await incentivesOfCases(db, caseIds);
  if (found.length === 0) return;
  const rounds = new Map((await listRounds(db)).map((r) => [r.id, r]));
  const evidence = found.map((p) =>
    JSON.stringify(
      evidenceOf(
        { pathway: p.pathway, countryOfDeparture: p.countryOfDeparture, needs: [], vulnerableGroups: p.groups },
        { priority: p.priority, primaryCategory: null, secondaryCategory: null },
        rounds.get(p.roundId) ?? { priorities: [] },
      ),
    ),
  );
  await setIncentiveEvidence(
    db,
    found.map((p) => p.id),
    evidence,
  );
}

/** The evidence in the erased persons' incentive history, its sources reduced as the incentive's own are. */
export async function reduceIncentiveHistoryEvidence(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await reduceIncentiveChangeSources(opts.db, opts.caseIds);
}
