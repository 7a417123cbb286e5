import { sql, type Executor } from '../db/db.ts';

/** Takes the transaction-scoped advisory lock of one composite resource (released at commit or rollback). */
export async function lockResource(db: Executor, key: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
