import { AsyncLocalStorage } from 'node:async_hooks';
import { databaseFailure } from '../db/database-error.ts';
import type { Database, Db, Tx } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { scopeOf, type Principal } from './principal.ts';
import {
  type SessionCheck,
  SESSION_OVER,
  setTransactionScopeChecked,
  setTransactionScopeRequired,
  setTransactionOperatorScope,
  setTransactionOrganisationState,
  setTransactionPublicScope,
  setTransactionScope,
  setTransactionTenant,
} from './scope.repository.ts';

export type { SessionCheck } from './scope.repository.ts';

/**
 * The session of the request being served, where the server took its principal from memory
 * (src/identity/authenticate.ts): every transaction of the request then checks, in the statement that
 * sets its scope, that the session is still live and the same principal, so that a revocation or a
 * disabled user takes effect at the next transaction, made by whichever process. Data can only be
 * reached through a scope (row-level security), so no data is read on a principal not checked; a
 * request that opened no scope is checked once at its end, before its answer leaves.
 */
export const requestSession = new AsyncLocalStorage<SessionCheck & { onFailure?: () => void; answered?: boolean; checked?: boolean }>();

/**
 * Whether the session is still live and the same principal, on its own (a request that reached no
 * data through a scope: its answer is given only if so).
 */
export async function sessionStillLive(db: Db, session: SessionCheck): Promise<boolean> {
  return db.transaction((tx) => setTransactionScopeChecked(tx, { tenant: '', organisation: '', auditor: false }, session));
}

/**
 * Runs `work` in one transaction whose database scope is the principal's: the row-level security
 * policies (migration 0005) read these settings, so a query that forgets its WHERE still cannot see
 * another state's rows. The settings are local to the transaction and vanish with it.
 */
export async function inScope<T>(db: Db, principal: Principal, work: (tx: Tx) => Promise<T>): Promise<T> {
  const scope = scopeOf(principal);
  const store = requestSession.getStore();
  // Work a request started that goes on after its answer (a placement run) is not the request's any more.
  const session = store?.answered ? undefined : store;
  const settings = { tenant: scope.tenant, organisation: scope.organisation ?? '', auditor: !!scope.auditor };
  const inTransaction = async (tx: Tx) => {
    // A referral partner's agreement state (migration 0013). Unset for every other scope, where the
    // setting reads as empty and the partner policy (which also asks for tenant 'partner') shows nothing.
    if (scope.organisationState) await setTransactionOrganisationState(tx, scope.organisationState);
    return work(tx);
  };
  if (!session) {
    return db.transaction(async (tx) => {
      await setTransactionScope(tx, settings);
      return inTransaction(tx);
    });
  }
  // The check fails the transaction where the session is over (SESSION_OVER), at its next statement:
  // the statements of `work` follow it on the wire without waiting for it, and read nothing after it.
  // A transaction that fails otherwise leaves the session unchecked, and the authentication asks
  // once more before the request's answer leaves (src/identity/authenticate.ts).
  try {
    const done = await db.transaction(async (tx) => {
      await setTransactionScopeRequired(tx, settings, session);
      return inTransaction(tx);
    });
    session.checked = true;
    return done;
  } catch (e) {
    if (databaseFailure(e)?.code !== SESSION_OVER) throw e;
    session.onFailure?.();
    throw appError(ErrorCode.Unauthenticated, 'sessionOver');
  }
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
