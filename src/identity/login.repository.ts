import { rows, sql, type Executor } from '../db/db.ts';
import type { Role } from '../access/principal.ts';

/** The SQL of signing in: the accounts as a sign-in reads them, the attempts, the failure count and lock, the TOTP steps. */

export interface AccountRow {
  id: number;
  username: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
  passwordHash: string | null;
  /** As stored (sealed: src/identity/secret-box.ts). */
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number | null;
  lockedFor: number | null;
  disabled: boolean;
}

/** How a sign-in finds an account: by its name (lower case), its id, or its OpenID Connect identity. */
export type AccountKey = { username: string } | { id: number } | { oidcIssuer: string; oidcSubject: string };

const accountWhere = (k: AccountKey) =>
  'username' in k
    ? sql`lower(username) = ${k.username}`
    : 'id' in k
      ? sql`id = ${k.id}`
      : sql`oidc_issuer = ${k.oidcIssuer} AND oidc_subject = ${k.oidcSubject}`;

/** The account, locked for the rest of the transaction (FOR UPDATE). */
export async function selectAccountForUpdate(db: Executor, key: AccountKey): Promise<AccountRow | undefined> {
  const [a] = await rows<AccountRow>(
    db,
    sql`SELECT id::int AS id, username, role, state_code AS "stateCode", organisation, password_hash AS "passwordHash",
               totp_secret AS "totpSecret", totp_enabled AS "totpEnabled", totp_last_step::float8 AS "totpLastStep",
               CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END AS "lockedFor",
               disabled_at IS NOT NULL AS disabled
          FROM users WHERE ${accountWhere(key)} FOR UPDATE`,
  );
  return a;
}

/** One sign-in at a time per address and per name, for the rest of the transaction. */
export async function lockSignIn(db: Executor, address: string, usernameKey: string): Promise<void> {
  await db.execute(
    sql`SELECT pg_advisory_xact_lock(727001, hashtext(${address})), pg_advisory_xact_lock(727002, hashtext(${usernameKey}))`,
  );
}

/**
 * The seconds until the window of `minutes` holds fewer than `limit` attempts from the address or of
 * the name; undefined when it already does.
 */
export async function attemptWindowRetry(
  db: Executor,
  by: { address: string } | { username: string },
  limit: number,
  minutes: number,
): Promise<number | undefined> {
  const where = 'address' in by ? sql`address = ${by.address}` : sql`username = ${by.username}`;
  const [row] = await rows<{ retry: number }>(
    db,
    sql`SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(mins => ${minutes}) - now())))::int AS retry
          FROM login_attempts WHERE ${where} AND at > now() - make_interval(mins => ${minutes})
         ORDER BY at DESC OFFSET ${limit - 1} LIMIT 1`,
  );
  return row?.retry;
}

/** The last `limit` attempts of a name, newest first (`at` in milliseconds). */
export async function selectRecentAttempts(
  db: Executor,
  usernameKey: string,
  limit: number,
): Promise<{ at: number; succeeded: boolean }[]> {
  return rows<{ at: number; succeeded: boolean }>(
    db,
    sql`SELECT (extract(epoch FROM at) * 1000)::float8 AS at, succeeded FROM login_attempts WHERE username = ${usernameKey} ORDER BY at DESC LIMIT ${limit}`,
  );
}

/** Records a sign-in attempt, failed until it succeeds; returns its id. */
export async function insertLoginAttempt(db: Executor, usernameKey: string, address: string): Promise<number> {
  const [attempt] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO login_attempts (username, address, succeeded) VALUES (${usernameKey}, ${address}, false) RETURNING id::int AS id`,
  );
  return attempt!.id;
}

export async function markLoginAttemptSucceeded(db: Executor, attemptId: number): Promise<void> {
  await db.execute(sql`UPDATE login_attempts SET succeeded = true WHERE id = ${attemptId}`);
}

/**
 * One failure more; at the `lockAfter`-th the count starts again and the account is locked for
 * `lockMinutes`. Returns the seconds the account stays locked, or null.
 */
export async function incrementFailedLogins(db: Executor, userId: number, lockAfter: number, lockMinutes: number): Promise<number | null> {
  const [row] = await rows<{ lockedFor: number | null }>(
    db,
    sql`UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= ${lockAfter} THEN 0 ELSE failed_logins + 1 END,
                         locked_until = CASE WHEN failed_logins + 1 >= ${lockAfter} THEN now() + make_interval(mins => ${lockMinutes}) ELSE locked_until END
         WHERE id = ${userId}
        RETURNING CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END AS "lockedFor"`,
  );
  return row?.lockedFor ?? null;
}

export async function resetFailedLogins(db: Executor, userId: number): Promise<void> {
  await db.execute(sql`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ${userId}`);
}

/** Takes the step of a TOTP code (and sets TOTP up) unless that step or a later one was used; true when taken. */
export async function takeTotpStep(db: Executor, userId: number, step: number): Promise<boolean> {
  const used = await rows<{ id: number }>(
    db,
    sql`UPDATE users SET totp_last_step = ${step}, totp_enabled = true
         WHERE id = ${userId} AND (totp_last_step IS NULL OR totp_last_step < ${step}) RETURNING id::int AS id`,
  );
  return used.length === 1;
}

/** Keeps a new (sealed) TOTP secret unless TOTP is set up already; true when kept. */
export async function setPendingTotpSecret(db: Executor, userId: number, sealedSecret: string): Promise<boolean> {
  const set = await rows<{ id: number }>(
    db,
    sql`UPDATE users SET totp_secret = ${sealedSecret} WHERE id = ${userId} AND NOT totp_enabled RETURNING id::int AS id`,
  );
  return set.length > 0;
}

/** The password's hash of an account, locked for the rest of the transaction; undefined when no such account. */
export async function selectPasswordHashForUpdate(db: Executor, userId: number): Promise<{ hash: string | null } | undefined> {
  const [account] = await rows<{ hash: string | null }>(db, sql`SELECT password_hash AS hash FROM users WHERE id = ${userId} FOR UPDATE`);
  return account;
}
