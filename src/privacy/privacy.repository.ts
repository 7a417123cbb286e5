import { sql, type Executor } from '../db/db.ts';

/**
 * Declares an erasure to the append-only triggers (migrations 0009, 0011) for the rest of the
 * transaction, or ends it: only then may the histories' free text be blanked.
 */
export async function setErasureMode(db: Executor, on: boolean): Promise<void> {
  if (on) await db.execute(sql`SELECT set_config('pathways.erasure', 'on', true)`);
  else await db.execute(sql`SELECT set_config('pathways.erasure', 'off', true)`);
}

/** A plain VACUUM of the embedded database (it holds no lock that stops other work). */
export async function vacuum(db: Executor): Promise<void> {
  await db.execute(sql`VACUUM`);
}
