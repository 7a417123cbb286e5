import type { Database, Db, Tx } from '../db/db.ts';
import { scopeOf, type Principal } from './principal.ts';
import {
  setTransactionOperatorScope,
  setTransactionOrganisationState,
  setTransactionPublicScope,
  setTransactionScope,
  setTransactionTenant,
} from './scope.repository.ts';

/**
 * Runs `work` in one transaction whose database scope is the principal's: the row-level security
 * policies (migration 0005) read these settings, so a query that forgets its WHERE still cannot see
 * another state's rows. The settings are local to the transaction and vanish with it.
 */
export async function inScope<T>(db: Db, principal: Principal, work: (tx: Tx) => Promise<T>): Promise<T> {
  const scope = scopeOf(principal);
  return db.transaction(async (tx) => {
    await setTransactionScope(tx, { tenant: scope.tenant, organisation: scope.organisation ?? '', auditor: !!scope.auditor });
    // A referral partner's agreement state (migration 0013). Unset for every other scope, where the
    // setting reads as empty and the partner policy (which also asks for tenant 'partner') shows nothing.
    if (scope.organisationState) await setTransactionOrganisationState(tx, scope.organisationState);
    return work(tx);
  });
}

/**
 * Runs `work` in one transaction of the operator role in the operator's scope ('*', every state): the
 * server's scheduled jobs. The application's role cannot hold '*' (migration 0012), so this is a
 * connection of its own (`Database.asOperator`).
 */
export async function inOperatorScope<T>(database: Database, principal: Principal, work: (tx: Tx) => Promise<T>): Promise<T> {
  const scope = scopeOf(principal);
  return database.asOperator(async (tx) => {
    await setTransactionOperatorScope(tx, scope.tenant);
    return work(tx);
  });
}

/**
 * Runs `work` in one transaction in the public scope (tenant 'public'): what anyone may read without
 * signing in — pledges and arrival counts, reference statistics — and nothing of any state's cases
 * or persons, whose policies name a state (migration 0005). The open-data page runs here.
 */
export async function inPublicScope<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setTransactionPublicScope(tx);
    return work(tx);
  });
}

/**
 * From here on, the transaction acts in one state's scope only (row-level security): a public
 * transaction that has verified who speaks for the state (a return's signature), for the rest of it.
 */
export async function narrowScopeToState(tx: Tx, stateCode: string): Promise<void> {
  await setTransactionTenant(tx, stateCode);
}
