import { sql, type Db, type Tx } from '../db/db.ts';
import { scopeOf, type Principal } from './principal.ts';

/**
 * Runs `work` in one transaction whose database scope is the principal's: the row-level security
 * policies (migration 0005) read these settings, so a query that forgets its WHERE still cannot see
 * another state's rows. The settings are local to the transaction and vanish with it.
 */
export async function inScope<T>(db: Db, principal: Principal, work: (tx: Tx) => Promise<T>): Promise<T> {
  const scope = scopeOf(principal);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`SELECT set_config('pathways.tenant', ${scope.tenant}, true), set_config('pathways.organisation', ${scope.organisation ?? ''}, true),
                 set_config('pathways.auditor', ${scope.auditor ? 'on' : 'off'}, true)`,
    );
    return work(tx);
  });
}
