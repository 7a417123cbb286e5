import type { Executor } from '../db/db.ts';
import { COUNTRIES } from './country.ts';
import { insertStatesAndCountries } from './reference.repository.ts';
import { STATES } from './state.ts';

/** The states (with their protocol codes and the Annex's Dutch names) and the countries, loaded once (src/seed). */
export async function loadStates(db: Executor): Promise<void> {
  await insertStatesAndCountries(db, { states: STATES.map((s) => ({ ...s })), countries: [] });
}

export async function loadCountries(db: Executor): Promise<void> {
  await insertStatesAndCountries(db, { states: [], countries: COUNTRIES.map((c) => ({ ...c })) });
}
