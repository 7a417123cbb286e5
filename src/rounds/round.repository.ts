import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/db.ts';
import { rounds } from './round.table.ts';
import type { Pathway, Round } from './round.ts';

type RoundRow = typeof rounds.$inferSelect;

const toRound = (r: RoundRow): Round => ({
  id: r.id,
  title: r.title,
  legalBasis: r.legalBasis,
  start: r.startDate,
  end: r.endDate,
  target: r.target ?? null,
  budget: r.budget ?? null,
  previous: r.previousId,
  pathways: r.pathways as Pathway[],
  participants: r.participants,
  priorities: r.priorities,
  incentives: r.incentives,
  sources: r.sources,
  documentFigures: r.documentFigures,
});

export async function listRounds(db: Executor): Promise<Round[]> {
  return (await db.select().from(rounds).orderBy(asc(rounds.startDate), asc(rounds.id))).map(toRound);
}

export async function findRound(db: Executor, id: string): Promise<Round | null> {
  const [row] = await db.select().from(rounds).where(eq(rounds.id, id));
  return row ? toRound(row) : null;
}

/** Inserts a round; false when one with that id exists already. */
export async function insertRound(db: Executor, r: Round): Promise<boolean> {
  const inserted = await db
    .insert(rounds)
    .values({
      id: r.id,
      title: r.title,
      legalBasis: r.legalBasis,
      startDate: r.start,
      endDate: r.end,
      target: r.target,
      budget: r.budget,
      previousId: r.previous,
      pathways: r.pathways,
      participants: r.participants,
      priorities: r.priorities,
      incentives: r.incentives,
      sources: r.sources,
      documentFigures: r.documentFigures,
    })
    .onConflictDoNothing()
    .returning({ id: rounds.id });
  return inserted.length === 1;
}

export async function setRoundIncentives(db: Executor, id: string, incentives: Round['incentives']): Promise<void> {
  await db.update(rounds).set({ incentives }).where(eq(rounds.id, id));
}
