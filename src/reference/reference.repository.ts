import type { Executor } from '../db/db.ts';
import { countries, states } from './reference.table.ts';

/** The states and countries as the platform ships them; rows already there are left as they are. */
export async function insertStatesAndCountries(
  db: Executor,
  rows: { states: (typeof states.$inferInsert)[]; countries: (typeof countries.$inferInsert)[] },
): Promise<void> {
  if (rows.states.length) await db.insert(states).values(rows.states).onConflictDoNothing();
  if (rows.countries.length) await db.insert(countries).values(rows.countries).onConflictDoNothing();
}
