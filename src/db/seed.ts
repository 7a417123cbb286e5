import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { sql } from 'drizzle-orm';
import { ANNEX_2020, ANNEX_2020_CARRY_OVER_NOTE, ANNEX_2020_ROUND } from '../pledges/annex-2020.data.ts';
import { upsertPledge } from '../pledges/pledge.repository.ts';
import { COUNTRIES } from '../reference/country.ts';
import { countries, states } from '../reference/reference.table.ts';
import { findState, STATES } from '../reference/state.ts';
import { EU_PROGRAMMES } from '../programmes/programme.data.ts';
import { insertProgramme } from '../programmes/programme.repository.ts';
import { SHIPPED_ROUNDS } from '../rounds/round.data.ts';
import { addRound } from '../rounds/round.service.ts';
import { roundFileSchema, roundFromFile } from '../rounds/round.ts';
import type { Db, Executor } from './db.ts';
import { seedRuns } from './seed.table.ts';

/**
 * The reference data shipped with the platform. Each set loads once (recorded in seed_runs), so a
 * later change made by a user is never overwritten when the platform starts again.
 */
const SEEDS: { name: string; run: (tx: Executor) => Promise<void> }[] = [
  {
    name: 'states@1',
    run: async (tx) => {
      await tx
        .insert(states)
        .values(STATES.map((s) => ({ ...s })))
        .onConflictDoNothing();
    },
  },
  {
    name: 'countries@1',
    run: async (tx) => {
      await tx
        .insert(countries)
        .values(COUNTRIES.map((c) => ({ ...c })))
        .onConflictDoNothing();
    },
  },
  {
    name: 'rounds@1',
    run: async (tx) => {
      for (const input of SHIPPED_ROUNDS) await addRound({ db: tx, actor: SYSTEM_ACTOR, input });
    },
  },
  {
    // The EU's own programmes (no state): the VHAS (P 5(a)) and the Union Plan's emergency admission.
    name: 'programmes-eu@1',
    run: async (tx) => {
      for (const p of EU_PROGRAMMES) await insertProgramme(tx, { ...p, stateCode: null, places: null, partner: null, details: {} });
    },
  },
  {
    // The incentive rates with their conditions (issue 6): an installation seeded before them gets them
    // (the 2026–2027 plan's EUR 8 000 applies to humanitarian admission only, art. 19(3)). Rates are
    // not edited by users, so rewriting the shipped rounds' rates overwrites no one's change.
    name: 'incentive-rates@2',
    run: async (tx) => {
      for (const input of SHIPPED_ROUNDS) {
        const round = roundFromFile(roundFileSchema.parse(input));
        await tx.execute(sql`UPDATE rounds SET incentives = ${JSON.stringify(round.incentives)}::jsonb WHERE id = ${round.id}`);
      }
    },
  },
  {
    name: 'annex-2020@1',
    run: async (tx) => {
      for (const row of ANNEX_2020) {
        const state = findState(row.state);
        if (!state) throw new Error(`Annex 2020: unknown state ${row.state}`);
        const base = {
          roundId: ANNEX_2020_ROUND,
          stateCode: state.code,
          pathway: 'resettlement' as const,
          countryOfDeparture: null,
          targetGroup: null,
        };
        if (row.places !== null) await upsertPledge(tx, { ...base, places: row.places, carryOver: false, note: '' });
        if (row.carryOver !== null)
          await upsertPledge(tx, { ...base, places: row.carryOver, carryOver: true, note: ANNEX_2020_CARRY_OVER_NOTE });
      }
    },
  },
];

export async function seedReferenceData(db: Db): Promise<void> {
  const done = new Set((await db.select({ name: seedRuns.name }).from(seedRuns)).map((r) => r.name));
  if (SEEDS.every((s) => done.has(s.name))) return;
  await db.transaction(async (tx) => {
    // Two processes starting on one PostgreSQL database must not seed twice.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(727275)`);
    // The owner is bound by row-level security too (it is forced): the seed writes as the operator.
    await tx.execute(sql`SELECT set_config('pathways.tenant', '*', true)`);
    const applied = new Set((await tx.select({ name: seedRuns.name }).from(seedRuns)).map((r) => r.name));
    for (const seed of SEEDS) {
      if (applied.has(seed.name)) continue;
      await seed.run(tx);
      await tx.insert(seedRuns).values({ name: seed.name });
    }
  });
}
