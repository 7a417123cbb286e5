import type { Executor } from '../db/db.ts';
import type { Lang } from '../reference/country.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { openDataAsOf, openDataOf, type OpenData } from './open-data.ts';

/**
 * The open data of a round, read from the aggregates (pledges and arrival counts) only. The caller
 * runs it in the public scope (`inPublicScope`), where no case or person is readable at all.
 */
export async function openData(opts: {
  db: Executor;
  roundId: string;
  asOf?: string | undefined;
  lang?: Lang;
  today?: string;
}): Promise<OpenData> {
  const asOf = openDataAsOf(opts.asOf, opts.today ?? new Date().toISOString().slice(0, 10));
  return openDataOf(await stateOfPlay({ db: opts.db, roundId: opts.roundId, asOf, lang: opts.lang ?? 'en' }));
}
