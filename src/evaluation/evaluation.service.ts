import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { appError } from '../i18n/problem.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { pledgesByState } from '../state-of-play/state-of-play.service.ts';
import { getRound } from '../rounds/round.service.ts';
import { isValidIsoDate, type Round } from '../rounds/round.ts';
import type { CaseHistory } from './case-history.ts';
import { selectCaseHistories } from './evaluation.repository.ts';
import type { Forecast } from './forecast.ts';
import { forecastOffThread } from './forecast-thread.ts';
import { GROUP_DIMENSIONS, processingTimes, type GroupDimension, type ProcessingTimes } from './processing-times.ts';

/**
 * The histories of a round's cases, as the evaluation reads them. A case belongs to the round it
 * names, or else to the round its members count in (as in the pipeline). Moves are taken in the
 * order they were made; a first line dated after the next one (a case imported without its
 * referral day, its history back-filled later) takes the next one's day.
 */
export async function loadHistories(db: Executor, roundId: string): Promise<CaseHistory[]> {
  const cases = await selectCaseHistories(db, roundId);
  return cases.map((c) => {
    const evs: CaseHistory['events'] = c.events.map((e) =>
      e.reason ? { status: e.status, on: e.on, reason: e.reason } : { status: e.status, on: e.on },
    );
    if (evs.length > 1 && evs[0]!.on > evs[1]!.on) evs[0] = { ...evs[0]!, on: evs[1]!.on };
    return {
      key: c.caseRef === null ? `${c.stateCode}:#${c.seq}` : `${c.stateCode}:${c.caseRef}`,
      stateCode: c.stateCode,
      pathway: c.pathway,
      roundId,
      countryOfDeparture: c.countryOfDeparture,
      priority: c.priority,
      modality: c.modality,
      persons: c.persons,
      events: evs,
    };
  });
}

export async function processingTimesReport(opts: {
  db: Executor;
  roundId: string;
  groupBy?: string[];
  asOf?: string;
}): Promise<ProcessingTimes[]> {
  const groupBy = opts.groupBy ?? ['state'];
  const bad = groupBy.find((g) => !(GROUP_DIMENSIONS as readonly string[]).includes(g));
  if (bad) throw appError(ErrorCode.BadInput, 'groupBy', { p1: GROUP_DIMENSIONS.join(', '), p2: bad });
  if (opts.asOf !== undefined && !isValidIsoDate(opts.asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: opts.asOf });
  await getRound(opts.db, opts.roundId);
  const histories = await loadHistories(opts.db, opts.roundId);
  return processingTimes(histories, { groupBy: groupBy as GroupDimension[], ...(opts.asOf ? { asOf: opts.asOf } : {}) });
}

export interface ForecastReport {
  round: Round;
  forecast: Forecast;
  /** Places pledged per state (carry-over apart), to set the forecast against. */
  pledged: Record<string, number>;
}

/**
 * Will the round's pledges be delivered by the end of its period? The arrivals expected by then,
 * with an 80 % interval, simulated from the cases open on `asOf` and the stays observed up to it.
 */
export async function forecastReport(opts: ForecastRequest & { db: Executor }): Promise<ForecastReport> {
  return simulateForecast(await forecastInputs(opts.db, opts));
}

export interface ForecastRequest {
  roundId: string;
  asOf?: string | undefined;
  iterations?: number | undefined;
  seed?: number | undefined;
}

export interface ForecastInputs {
  round: Round;
  pledged: Record<string, number>;
  options: Parameters<typeof forecastOffThread>[0];
}

/** What the forecast reads (inside the caller's transaction); the simulation then runs outside it. */
export async function forecastInputs(db: Executor, opts: ForecastRequest): Promise<ForecastInputs> {
  const round = await getRound(db, opts.roundId);
  const today = new Date().toISOString().slice(0, 10);
  // biome-ignore lint/complexity/useMathMinMax: ISO dates compared as strings; Math.min would turn them into NaN
  const asOf = opts.asOf ?? (today < round.end ? today : round.end);
  if (!isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  const histories = await loadHistories(db, opts.roundId);
  const pledged = Object.fromEntries([...(await pledgesByState(db, round.id, round.pathways))].map(([k, v]) => [k, v.pledged]));
  return {
    round,
    pledged,
    options: { histories, asOf, until: round.end, from: round.start, iterations: opts.iterations ?? 200, seed: opts.seed ?? 1 },
  };
}

/** The simulation, in a worker thread for a large round (no database, no transaction held meanwhile). */
export async function simulateForecast(inputs: ForecastInputs): Promise<ForecastReport> {
  return { round: inputs.round, forecast: await forecastOffThread(inputs.options), pledged: inputs.pledged };
}

/** The processing times of a round, for a principal who may read the figures. */
export function readProcessingTimes(
  opts: Parameters<typeof processingTimesReport>[0] & { actor: Principal },
): ReturnType<typeof processingTimesReport> {
  authorize(policies.readFigures, opts.actor, undefined);
  return processingTimesReport(opts);
}

/** What the forecast of a round is simulated from, for a principal who may read the figures. */
export function readForecastInputs(db: Executor, actor: Principal, opts: ForecastRequest): Promise<ForecastInputs> {
  authorize(policies.readFigures, actor, undefined);
  return forecastInputs(db, opts);
}
