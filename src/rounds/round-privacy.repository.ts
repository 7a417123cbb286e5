import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of data protection on rounds (retention): which rounds are past their retention period. */

export const roundsRetainedUntilBefore = (db: Executor, today: string) =>
  rows<{ roundId: string; retainUntil: string }>(
    db,
    sql`SELECT id AS "roundId", (end_date + make_interval(months => retention_months))::date::text AS "retainUntil"
          FROM rounds WHERE end_date + make_interval(months => retention_months) < ${today}::date ORDER BY start_date`,
  );

/** Every round with its retention period and the day it ends, in the order they started. */
export const roundsRetention = (db: Executor) =>
  rows<{ roundId: string; title: string; endDate: string; retentionMonths: number; retainUntil: string }>(
    db,
    sql`SELECT id AS "roundId", title, end_date::text AS "endDate", retention_months AS "retentionMonths",
               (end_date + make_interval(months => retention_months))::date::text AS "retainUntil"
          FROM rounds ORDER BY start_date`,
  );
