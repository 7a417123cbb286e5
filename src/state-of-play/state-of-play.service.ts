import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import type { Executor } from '../db/db.ts';
import { appError } from '../i18n/problem.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { roundStates } from '../pledges/pledge.service.ts';
import type { Lang } from '../reference/country.ts';
import { getRound } from '../rounds/round.service.ts';
import { isPathway, isValidIsoDate } from '../rounds/round.ts';
import { arrivalCells, arrivedTotal, pledgesByState } from './state-of-play.repository.ts';
import { assembleStateOfPlay, type StateOfPlay } from './state-of-play.ts';

/** The pledges of a round per state, as the state of play counts them: the read other folders use. */
export { pledgesByState };

export async function stateOfPlay(opts: {
  db: Executor;
  roundId: string;
  asOf?: string | undefined;
  lang?: Lang;
  pathways?: string[] | undefined;
}): Promise<StateOfPlay> {
  const { db, roundId } = opts;
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  const round = await getRound(db, roundId);
  const pathways = opts.pathways?.length ? opts.pathways : round.pathways;
  const badPathway = pathways.find((p) => !isPathway(p));
  if (badPathway) throw appError(ErrorCode.BadInput, 'notPathway', { p1: badPathway });

  const figureDays = [...new Set(round.documentFigures.flatMap((f) => (f.figure === 'arrived_total' && f.as_of ? [f.as_of] : [])))];
  const [pledges, arrivals, ...figureTotals] = await Promise.all([
    pledgesByState(db, roundId, pathways),
    arrivalCells(db, roundId, pathways, asOf),
    ...figureDays.map((day) => arrivedTotal(db, roundId, pathways, day)),
  ]);
  const arrivedAsOf = new Map(figureDays.map((day, i) => [day, figureTotals[i] as number]));
  const states = roundStates(round, [...pledges.keys(), ...arrivals.map((a) => a.stateCode)]);
  return assembleStateOfPlay({ round, asOf, lang: opts.lang ?? 'en', pathways, states, pledges, arrivals, arrivedAsOf });
}

/** The state of play, for a principal who may read the figures. */
export function readStateOfPlay(opts: Parameters<typeof stateOfPlay>[0] & { actor: Principal }): Promise<StateOfPlay> {
  authorize(policies.readFigures, opts.actor, undefined);
  return stateOfPlay(opts);
}
