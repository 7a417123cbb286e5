import type { Executor } from '../db/db.ts';
import { appError } from '../i18n/problem.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { roundStates } from '../pledges/pledge.service.ts';
import type { Lang } from '../reference/country.ts';
import { getRound } from '../rounds/round.service.ts';
import { isPathway, isValidIsoDate } from '../rounds/round.ts';
import { arrivalCells, pledgesByState } from './state-of-play.repository.ts';
import { assembleStateOfPlay, type StateOfPlay } from './state-of-play.ts';

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

  const [pledges, arrivals] = await Promise.all([pledgesByState(db, roundId, pathways), arrivalCells(db, roundId, pathways, asOf)]);
  const arrivedAsOf = new Map<string, number>();
  for (const f of round.documentFigures) {
    if (f.figure === 'arrived_total' && f.as_of && !arrivedAsOf.has(f.as_of)) {
      const cells = await arrivalCells(db, roundId, pathways, f.as_of);
      arrivedAsOf.set(f.as_of, cells.reduce((n, c) => n + c.persons, 0));
    }
  }
  const states = roundStates(round, [...pledges.keys(), ...arrivals.map((a) => a.stateCode)]);
  return assembleStateOfPlay({ round, asOf, lang: opts.lang ?? 'en', pathways, states, pledges, arrivals, arrivedAsOf });
}
