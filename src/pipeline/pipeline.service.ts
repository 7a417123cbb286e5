import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import type { Executor } from '../db/db.ts';
import { STATES } from '../reference/state.ts';
import { getRound } from '../rounds/round.service.ts';
import { selectPipelineCells } from './pipeline.repository.ts';
import { assemblePipeline, type Pipeline } from './pipeline.ts';

/**
 * Where the cases of a round stand: per state, cases and persons in each status. A case belongs to
 * the round it names, or else to the round its members count in; members a split decision did not
 * accept are not counted. Aggregates only, through `statistics_cases` (migration 0007): a state's
 * scope gets its own state, the Commission every state, and neither a row of a person.
 */
export async function pipeline(opts: { db: Executor; roundId: string }): Promise<Pipeline> {
  const { db, roundId } = opts;
  await getRound(db, roundId);
  const cells = await selectPipelineCells(db, roundId);
  return assemblePipeline(
    roundId,
    STATES.map((s) => s.code),
    cells,
  );
}

/** Where a round's cases stand, for a principal who may read the figures. */
export function readPipeline(opts: { db: Executor; actor: Principal; roundId: string }): Promise<Pipeline> {
  authorize(policies.readFigures, opts.actor, undefined);
  return pipeline(opts);
}
