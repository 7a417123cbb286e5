import { rows, sql, type Executor } from '../db/db.ts';
import type { PipelineCell } from './pipeline.ts';

/**
 * The SQL of the pipeline: a round's cases and persons per state and status, counted through the
 * owner-run `statistics_cases` (migration 0007), so a scope sees only the states it may.
 */
export function selectPipelineCells(db: Executor, roundId: string): Promise<PipelineCell[]> {
  return rows<PipelineCell>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.status, count(*)::int AS cases, sum(c.persons)::int AS persons
          FROM statistics_cases(${roundId}) c
         GROUP BY 1, 2 ORDER BY 1, 2`,
  );
}
