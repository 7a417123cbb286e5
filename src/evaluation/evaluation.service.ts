import { sql } from 'drizzle-orm';
import { appError } from '../i18n/problem.ts';
import type { Modality, Status } from '../cases/stage.ts';
import { casesOfRound } from '../cases/case.repository.ts';
import { rows, type Executor } from '../db/db.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { pledgesByState } from '../state-of-play/state-of-play.repository.ts';
import { getRound } from '../rounds/round.service.ts';
import { isValidIsoDate, type Round } from '../rounds/round.ts';
import type { CaseHistory, Priority } from './case-history.ts';
import { forecastArrivals, type Forecast } from './forecast.ts';
import { GROUP_DIMENSIONS, processingTimes, type GroupDimension, type ProcessingTimes } from './processing-times.ts';

/**
 * The histories of a round's cases, as the evaluation reads them. A case belongs to the round it
 * names, or else to the round its members count in (as in the pipeline). Moves are taken in the
 * order they were made; a first line dated after the next one (a case imported without its
 * referral day, its history back-filled later) takes the next one's day.
 */
export async function loadHistories(db: Executor, roundId: string): Promise<CaseHistory[]> {
  const cases = await rows<{ id: number; stateCode: string; caseRef: string; pathway: string; roundId: string; countryOfDeparture: string; priority: Priority; modality: Modality | null; persons: number }>(
    db,
    sql`SELECT c.id::int AS id, c.state_code AS "stateCode", c.case_ref AS "caseRef", c.pathway, ${roundId}::text AS "roundId",
               c.country_of_departure AS "countryOfDeparture", c.priority, c.modality, c.persons
          FROM ${casesOfRound(roundId)}
         ORDER BY c.id`,
  );
  const events = await rows<{ caseId: number; status: Status; on: string; reason: string | null }>(
    db,
    sql`SELECT e.case_id::int AS "caseId", e.to_status AS status, e."on", e.reason
          FROM case_events e
         WHERE e.case_id = ANY(${sql.param(cases.map((c) => c.id))}::bigint[])
         ORDER BY e.case_id, e.id`,
  );
  const byCase = new Map<number, CaseHistory['events']>();
  for (const e of events) {
    let list = byCase.get(e.caseId);
    if (!list) byCase.set(e.caseId, (list = []));
    list.push(e.reason ? { status: e.status, on: e.on, reason: e.reason } : { status: e.status, on: e.on });
  }
  return cases.map((c) => {
    const evs = byCase.get(c.id) ?? [];
    if (evs.length > 1 && evs[0]!.on > evs[1]!.on) evs[0] = { ...evs[0]!, on: evs[1]!.on };
    return {
      key: `${c.stateCode}:${c.caseRef}`,
      stateCode: c.stateCode,
      pathway: c.pathway,
      roundId: c.roundId,
      countryOfDeparture: c.countryOfDeparture,
      priority: c.priority,
      modality: c.modality,
      persons: c.persons,
      events: evs,
    };
  });
}

export async function processingTimesReport(opts: { db: Executor; roundId: string; groupBy?: string[]; asOf?: string }): Promise<ProcessingTimes[]> {
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
export async function forecastReport(opts: { db: Executor; roundId: string; asOf?: string; iterations?: number; seed?: number }): Promise<ForecastReport> {
  const round = await getRound(opts.db, opts.roundId);
  const today = new Date().toISOString().slice(0, 10);
  const asOf = opts.asOf ?? (today < round.end ? today : round.end);
  if (!isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  const histories = await loadHistories(opts.db, opts.roundId);
  const forecast = forecastArrivals({ histories, asOf, until: round.end, from: round.start, iterations: opts.iterations ?? 200, seed: opts.seed ?? 1 });
  const pledged = Object.fromEntries([...(await pledgesByState(opts.db, round.id, round.pathways))].map(([k, v]) => [k, v.pledged]));
  return { round, forecast, pledged };
}
