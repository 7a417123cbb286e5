import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/db.ts';
import { seedRuns } from './seed.table.ts';

export async function appliedSeeds(db: Executor): Promise<Set<string>> {
  return new Set((await db.select({ name: seedRuns.name }).from(seedRuns)).map((r) => r.name));
}

/**
 * One transaction for the sets still to load: two processes starting on one PostgreSQL database must
 * not seed twice (an advisory lock), and the owner is bound by row-level security too (it is forced),
 * so the seed writes in the operator's scope '*'.
 */
export async function inSeedTransaction<T>(db: Db, work: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(727275)`);
    await tx.execute(sql`SELECT set_config('pathways.tenant', '*', true)`);
    return work(tx);
  });
}

export async function recordSeedRun(db: Executor, name: string): Promise<void> {
  await db.insert(seedRuns).values({ name });
}
