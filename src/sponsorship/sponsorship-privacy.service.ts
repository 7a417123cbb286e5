import type { Executor } from '../db/db.ts';
import {
  anonymiseSponsorRows,
  blankSponsorHistories,
  endedSponsorsPastRetention,
  eraseEndReasonsOfCases,
  eraseMessagesOfCases,
} from './sponsorship-privacy.repository.ts';

/**
 * Data protection on sponsorship, for `src/privacy/`: the caller owns the transaction and declares
 * the erasure to the append-only triggers before the histories are blanked.
 */

/** Why the households' sponsorships ended or broke down speaks of them; that they did stays counted. */
export async function eraseSponsorshipEndReasons(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await eraseEndReasonsOfCases(opts.db, opts.caseIds);
}

/** The messages of the households' sponsorships (the caller has declared the erasure). */
export async function eraseSponsorshipMessages(opts: { db: Executor; caseIds: number[] }): Promise<void> {
  await eraseMessagesOfCases(opts.db, opts.caseIds);
}

/**
 * The sponsors ended (by their history) more than `months` before `today`, with no active
 * sponsorship left and not yet anonymised: id, state, the day each ended and its members' ids.
 */
export async function sponsorsPastRetention(opts: {
  db: Executor;
  today: string;
  months: number;
}): Promise<{ id: number; stateCode: string; endedOn: string; members: number[] }[]> {
  return endedSponsorsPastRetention(opts.db, opts.today, opts.months);
}

/** The sponsors' name, contact, region, languages, needs supported and status reason, and their members' names. */
export async function expireSponsors(opts: { db: Executor; sponsorIds: number[] }): Promise<void> {
  await anonymiseSponsorRows(opts.db, opts.sponsorIds);
}

/** The reasons and details of the sponsors' history and their sponsorships' messages (the caller has declared the erasure). */
export async function eraseSponsorHistoryText(opts: { db: Executor; sponsorIds: number[] }): Promise<void> {
  await blankSponsorHistories(opts.db, opts.sponsorIds);
}
