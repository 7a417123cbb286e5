import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { ArrivalCell, StatePledges } from './state-of-play.ts';

/**
 * Arrivals of a round up to a day, from the aggregates only: whole months before the day's month
 * from the monthly table, the days of its own month from the daily one. The rows read are bounded
 * by states × countries × months, whatever the number of persons.
 */
export async function arrivalCells(db: Executor, roundId: string, pathways: string[], asOf: string): Promise<ArrivalCell[]> {
  // Two groupings in one pass: per state × country of departure, and per state × month. The
  // state of play needs no more, and a few hundred rows travel instead of thousands.
  return rows<ArrivalCell>(
    db,
    sql`SELECT state_code AS "stateCode", country_of_departure AS "countryOfDeparture", to_char(month, 'YYYY-MM') AS month, sum(persons)::int AS persons
          FROM (
            SELECT state_code, country_of_departure, month, persons FROM arrivals_monthly
             WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[]) AND month < date_trunc('month', ${asOf}::date)
            UNION ALL
            SELECT state_code, country_of_departure, date_trunc('month', arrived_on)::date, persons FROM arrivals_daily
             WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[])
               AND arrived_on >= date_trunc('month', ${asOf}::date) AND arrived_on <= ${asOf}::date
          ) cells
         GROUP BY GROUPING SETS ((state_code, country_of_departure), (state_code, month))
        HAVING sum(persons) <> 0
         ORDER BY 1, 2, 3`,
  );
}

/** The persons arrived in a round up to a day, from the aggregates: one number. */
export async function arrivedTotal(db: Executor, roundId: string, pathways: string[], asOf: string): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`SELECT (coalesce((SELECT sum(persons) FROM arrivals_monthly
                          WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[]) AND month < date_trunc('month', ${asOf}::date)), 0)
              + coalesce((SELECT sum(persons) FROM arrivals_daily
                          WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[])
                            AND arrived_on >= date_trunc('month', ${asOf}::date) AND arrived_on <= ${asOf}::date), 0))::int AS n`,
  );
  return r?.n ?? 0;
}

export async function pledgesByState(db: Executor, roundId: string, pathways: string[]): Promise<Map<string, StatePledges>> {
  const result = await rows<{ state_code: string; pledged: number; carry_over: number }>(
    db,
    sql`SELECT state_code,
               coalesce(sum(places) FILTER (WHERE NOT carry_over), 0)::int AS pledged,
               coalesce(sum(places) FILTER (WHERE carry_over), 0)::int AS carry_over
          FROM pledges WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[])
         GROUP BY state_code`,
  );
  return new Map(result.map((r) => [r.state_code, { pledged: r.pledged, carryOver: r.carry_over }]));
}

/**
 * The baseline the aggregates are measured against (bench/) and checked against (tests): the same
 * cells counted from the persons themselves, a full scan.
 */
export async function arrivalCellsFromPersons(db: Executor, roundId: string, pathways: string[], asOf: string): Promise<ArrivalCell[]> {
  return rows<ArrivalCell>(
    db,
    sql`SELECT state_code AS "stateCode", country_of_departure AS "countryOfDeparture", to_char(date_trunc('month', arrived_on), 'YYYY-MM') AS month, count(*)::int AS persons
          FROM persons
         WHERE round_id = ${roundId} AND pathway = ANY(${sql.param(pathways)}::text[]) AND arrived_on <= ${asOf}::date
         GROUP BY GROUPING SETS ((state_code, country_of_departure), (state_code, date_trunc('month', arrived_on)))
         ORDER BY 1, 2, 3`,
  );
}
