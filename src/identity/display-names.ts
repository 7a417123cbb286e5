import { inOperatorScope } from '../access/scope.ts';
import { operator, type Principal } from '../access/principal.ts';
import type { Database } from '../db/db.ts';
import { selectDisplayNames } from './user.repository.ts';

/** At most this many names in one request. */
export const NAMES_MAX = 200;

/**
 * The identity feature's read interface for the people the trail names: the display name of each
 * `user:<id>` an audit line, a history or a decision names, so that no page shows a person as an
 * internal code (the id stays beside it, and in exports). The command line's `cli:<os user>` has no
 * account: its name is said by the caller ("root (command line)"). A name only, nothing else of the
 * account; read across states (an officer's history may name the platform's administrator), which
 * is why it is a use case of this feature and not a query into its table from another. A reader of a
 * state learns the names of its own state's accounts and of the accounts of no state (the
 * Commission's, the administrators'), never another state's staff; a reader of no state, any name.
 * It runs in the operator's scope (the application's role may not widen its own: migration 0012).
 */
export async function displayNames(database: Database, reader: Principal, actors: readonly string[]): Promise<Record<string, string>> {
  const ids = [...new Set(actors.map((a) => /^user:(\d{1,9})$/.exec(a)?.[1]).filter((v): v is string => v !== undefined))]
    .slice(0, NAMES_MAX)
    .map(Number);
  if (ids.length === 0) return {};
  const state = reader.stateCode ?? null;
  const found = await inOperatorScope(database, operator('display-names'), (tx) => selectDisplayNames(tx, ids, state));
  return Object.fromEntries(found.map((r) => [`user:${r.id}`, r.name]));
}
