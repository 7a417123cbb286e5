import { FIRST_IN_TRANSACTION, FIRST_UNREAD, rows, sql, type Tx } from '../db/db.ts';

/**
 * The database scope of a transaction: the settings the row-level security policies read
 * (migrations 0005, 0013). `set_config(…, true)` is local to the transaction and vanishes with it.
 */

export async function setTransactionScope(tx: Tx, scope: { tenant: string; organisation: string; auditor: boolean }): Promise<void> {
  await tx.execute(
    sql`${FIRST_IN_TRANSACTION}SELECT set_config('pathways.tenant', ${scope.tenant}, true), set_config('pathways.organisation', ${scope.organisation}, true),
                 set_config('pathways.auditor', ${scope.auditor ? 'on' : 'off'}, true)`,
  );
}

/** A session whose principal a server kept in memory, checked again in every transaction of its request. */
export interface SessionCheck {
  tokenHash: string;
  idleMinutes: number;
  userId: number;
  role: string;
  stateCode: string | null;
  organisation: string | null;
}

/**
 * The scope, and in the same statement whether the session is still live and the same principal
 * (`session_check()`, migration 0014): false when it was revoked, expired, went idle, or its user
 * was disabled or changed, by any process.
 */
export async function setTransactionScopeChecked(
  tx: Tx,
  scope: { tenant: string; organisation: string; auditor: boolean },
  s: SessionCheck,
): Promise<boolean> {
  const [row] = await rows<{ live: boolean }>(
    tx,
    sql`${FIRST_IN_TRANSACTION}SELECT set_config('pathways.tenant', ${scope.tenant}, true) IS NOT NULL AND set_config('pathways.organisation', ${scope.organisation}, true) IS NOT NULL
                 AND set_config('pathways.auditor', ${scope.auditor ? 'on' : 'off'}, true) IS NOT NULL
                 AND session_check(${s.tokenHash}, ${s.idleMinutes}, ${s.userId}, ${s.role}, ${s.stateCode}, ${s.organisation}) AS live`,
  );
  return row?.live === true;
}

/** The SQLSTATE `session_required()` fails a transaction with (migration 0017). */
export const SESSION_OVER = 'PWS01';

/**
 * The scope, and in the same statement the session's check that fails the transaction where the
 * session is over (`session_required()`, migration 0017: SQLSTATE `SESSION_OVER`). Nothing reads its
 * answer, so the transaction's next statement follows it on the wire without a wait (FIRST_UNREAD);
 * the failure, where there is one, is that next statement's, and no data is read after it.
 */
export async function setTransactionScopeRequired(
  tx: Tx,
  scope: { tenant: string; organisation: string; auditor: boolean },
  s: SessionCheck,
): Promise<void> {
  await tx.execute(
    sql`${FIRST_UNREAD}SELECT set_config('pathways.tenant', ${scope.tenant}, true), set_config('pathways.organisation', ${scope.organisation}, true),
                 set_config('pathways.auditor', ${scope.auditor ? 'on' : 'off'}, true),
                 session_required(${s.tokenHash}, ${s.idleMinutes}, ${s.userId}, ${s.role}, ${s.stateCode}, ${s.organisation})`,
  );
}

/** A referral partner's agreement state (migration 0013). */
export async function setTransactionOrganisationState(tx: Tx, organisationState: string): Promise<void> {
  await tx.execute(sql`SELECT set_config('pathways.organisation_state', ${organisationState}, true)`);
}

/** The operator's scope: a tenant, no organisation, not an auditor. */
export async function setTransactionOperatorScope(tx: Tx, tenant: string): Promise<void> {
  await tx.execute(
    sql`SELECT set_config('pathways.tenant', ${tenant}, true), set_config('pathways.organisation', '', true), set_config('pathways.auditor', 'off', true)`,
  );
}

/** The public scope (tenant 'public'). */
export async function setTransactionPublicScope(tx: Tx): Promise<void> {
  await tx.execute(
    sql`SELECT set_config('pathways.tenant', 'public', true), set_config('pathways.organisation', '', true), set_config('pathways.auditor', 'off', true)`,
  );
}

/** The tenant alone, the rest of the scope kept (a received return, once its signature holds). */
export async function setTransactionTenant(tx: Tx, tenant: string): Promise<void> {
  await tx.execute(sql`SELECT set_config('pathways.tenant', ${tenant}, true)`);
}
