import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/db.ts';
import type { Pathway } from '../rounds/round.ts';
import type { Pledge } from './pledge.ts';
import { pledgeChanges, pledges } from './pledge.table.ts';

export async function listPledges(db: Executor, roundId: string): Promise<Pledge[]> {
  const rows = await db
    .select()
    .from(pledges)
    .where(eq(pledges.roundId, roundId))
    .orderBy(
      asc(pledges.stateCode),
      asc(pledges.carryOver),
      asc(pledges.pathway),
      asc(pledges.countryOfDeparture),
      asc(pledges.targetGroup),
    );
  return rows.map((r) => ({
    roundId: r.roundId,
    stateCode: r.stateCode,
    pathway: r.pathway as Pathway,
    places: r.places,
    carryOver: r.carryOver,
    countryOfDeparture: r.countryOfDeparture || null,
    targetGroup: r.targetGroup || null,
    note: r.note,
  }));
}

export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/** Adds a pledge or changes its places and note; reports which, and the places it had before. */
export async function upsertPledge(db: Executor, p: Pledge): Promise<{ outcome: UpsertOutcome; before: number | null }> {
  const key = and(
    eq(pledges.roundId, p.roundId),
    eq(pledges.stateCode, p.stateCode),
    eq(pledges.pathway, p.pathway),
    eq(pledges.carryOver, p.carryOver),
    eq(pledges.countryOfDeparture, p.countryOfDeparture ?? ''),
    eq(pledges.targetGroup, p.targetGroup ?? ''),
  );
  const [existing] = await db.select({ places: pledges.places, note: pledges.note }).from(pledges).where(key).for('update');
  if (!existing) {
    await db.insert(pledges).values({
      roundId: p.roundId,
      stateCode: p.stateCode,
      pathway: p.pathway,
      places: p.places,
      carryOver: p.carryOver,
      countryOfDeparture: p.countryOfDeparture ?? '',
      targetGroup: p.targetGroup ?? '',
      note: p.note,
    });
    return { outcome: 'added', before: null };
  }
  if (existing.places === p.places && existing.note === p.note) return { outcome: 'unchanged', before: existing.places };
  await db.update(pledges).set({ places: p.places, note: p.note, updatedAt: sql`now()` }).where(key);
  return { outcome: 'updated', before: existing.places };
}

/** A line of a pledge's history: its places before and after a change, who made it and from which file. */
export async function insertPledgeChange(
  db: Executor,
  change: { roundId: string; pledge: Pledge; placesBefore: number | null; actor: string; source: string },
): Promise<void> {
  const p = change.pledge;
  await db.insert(pledgeChanges).values({
    roundId: change.roundId,
    stateCode: p.stateCode,
    pathway: p.pathway,
    carryOver: p.carryOver,
    countryOfDeparture: p.countryOfDeparture ?? '',
    targetGroup: p.targetGroup ?? '',
    placesBefore: change.placesBefore,
    placesAfter: p.places,
    actor: change.actor,
    source: change.source,
  });
}

export interface PledgeChange {
  at: string;
  actor: string;
  pathway: string;
  carryOver: boolean;
  countryOfDeparture: string | null;
  targetGroup: string | null;
  placesBefore: number | null;
  placesAfter: number;
  source: string;
}

/** A state's pledge changes in a round, newest first (written by savePledges in the change's transaction). */
export async function listPledgeChanges(db: Executor, roundId: string, stateCode: string, limit = 500): Promise<PledgeChange[]> {
  const found = await db
    .select()
    .from(pledgeChanges)
    .where(and(eq(pledgeChanges.roundId, roundId), eq(pledgeChanges.stateCode, stateCode)))
    .orderBy(desc(pledgeChanges.id))
    .limit(limit);
  return found.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    pathway: r.pathway,
    carryOver: r.carryOver,
    countryOfDeparture: r.countryOfDeparture || null,
    targetGroup: r.targetGroup || null,
    placesBefore: r.placesBefore,
    placesAfter: r.placesAfter,
    source: r.source,
  }));
}
