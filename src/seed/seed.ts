import { SYSTEM_ACTOR } from '../audit/audit-line.service.ts';
import { openDatabase, type Database, type Db, type Executor, type OpenOptions } from '../db/db.ts';
import { ANNEX_2020, ANNEX_2020_CARRY_OVER_NOTE, ANNEX_2020_ROUND } from '../pledges/annex-2020.data.ts';
import { recordShippedPledge } from '../pledges/pledge.service.ts';
import { EU_PROGRAMMES } from '../programmes/programme.data.ts';
import { addShippedProgramme } from '../programmes/programme.service.ts';
import { loadCountries, loadStates } from '../reference/reference.service.ts';
import { findState } from '../reference/state.ts';
import { SHIPPED_ROUNDS } from '../rounds/round.data.ts';
import { addRound, resetShippedIncentiveRates } from '../rounds/round.service.ts';
import { appliedSeeds, inSeedTransaction, recordSeedRun } from './seed.repository.ts';

/**
 * The reference data shipped with the platform. Each set loads once (recorded in seed_runs), so a
 * later change made by a user is never overwritten when the platform starts again.
 */
const SEEDS: { name: string; run: (tx: Executor) => Promise<void> }[] = [
  {
    name: 'states@1',
    run: loadStates,
  },
  {
    name: 'countries@1',
    run: loadCountries,
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
      for (const p of EU_PROGRAMMES) await addShippedProgramme(tx, { ...p, stateCode: null, places: null, partner: null, details: {} });
    },
  },
  {
    // The incentive rates with their conditions (issue 6): an installation seeded before them gets them
    // (the 2026–2027 plan's EUR 8 000 applies to humanitarian admission only, art. 19(3)). Rates are
    // not edited by users, so rewriting the shipped rounds' rates overwrites no one's change.
    name: 'incentive-rates@2',
    run: async (tx) => {
      for (const input of SHIPPED_ROUNDS) await resetShippedIncentiveRates(tx, input);
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
        if (row.places !== null) await recordShippedPledge(tx, { ...base, places: row.places, carryOver: false, note: '' });
        if (row.carryOver !== null)
          await recordShippedPledge(tx, { ...base, places: row.carryOver, carryOver: true, note: ANNEX_2020_CARRY_OVER_NOTE });
      }
    },
  },
];

/**
 * Loads the reference data sets not yet loaded in this database, each once, through the use cases of
 * the features that own them. Run after the migrations (openDatabase's `prepare`), as the owner.
 */
export async function seedReferenceData(db: Db): Promise<void> {
  const done = await appliedSeeds(db);
  if (SEEDS.every((s) => done.has(s.name))) return;
  await inSeedTransaction(db, async (tx) => {
    const applied = await appliedSeeds(tx);
    for (const seed of SEEDS) {
      if (applied.has(seed.name)) continue;
      await seed.run(tx);
      await recordSeedRun(tx, seed.name);
    }
  });
}

/** The database opened, migrated and holding the reference data: what the platform and its tests run on. */
export function openSeededDatabase(opts: OpenOptions): Promise<Database> {
  return openDatabase({ ...opts, prepare: seedReferenceData });
}
