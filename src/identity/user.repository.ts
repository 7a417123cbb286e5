import { rows, sql, type Executor } from '../db/db.ts';
import type { Role } from '../access/principal.ts';

/** The SQL of accounts (`users`) as their administration and the trail's names use them. */

export interface UserInsert {
  username: string;
  displayName: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
  passwordHash: string | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  createdBy: string;
}

/** Inserts an account; undefined when the username (or the OpenID Connect identity) is taken. */
export async function insertUser(db: Executor, u: UserInsert): Promise<{ id: number } | undefined> {
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO users (username, display_name, role, state_code, organisation, password_hash, oidc_issuer, oidc_subject, created_by)
        VALUES (${u.username}, ${u.displayName}, ${u.role}, ${u.stateCode}, ${u.organisation}, ${u.passwordHash},
                ${u.oidcIssuer}, ${u.oidcSubject}, ${u.createdBy})
        ON CONFLICT DO NOTHING
        RETURNING id::int AS id`,
  );
  return row;
}

export interface UserSummaryRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
  password: boolean;
  oidc: boolean;
  totpEnabled: boolean;
  locked: boolean;
  disabled: boolean;
  createdAt: string;
}

/** The accounts of a state, or every account (`stateCode` null). */
export async function selectUserSummaries(db: Executor, stateCode: string | null): Promise<UserSummaryRow[]> {
  return rows<UserSummaryRow>(
    db,
    sql`SELECT id::int AS id, username, display_name AS "displayName", role, state_code AS "stateCode", organisation,
               password_hash IS NOT NULL AS password, oidc_subject IS NOT NULL AS oidc, totp_enabled AS "totpEnabled",
               coalesce(locked_until > now(), false) AS locked, disabled_at IS NOT NULL AS disabled, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
          FROM users
         WHERE ${stateCode}::text IS NULL OR state_code = ${stateCode}
         ORDER BY state_code NULLS FIRST, lower(username)`,
  );
}

export async function findAccountForDisable(
  db: Executor,
  username: string,
): Promise<{ id: number; role: Role; stateCode: string | null; disabled: boolean } | undefined> {
  const [user] = await rows<{ id: number; role: Role; stateCode: string | null; disabled: boolean }>(
    db,
    sql`SELECT id::int AS id, role, state_code AS "stateCode", disabled_at IS NOT NULL AS disabled FROM users WHERE lower(username) = lower(${username})`,
  );
  return user;
}

export async function findAccount(
  db: Executor,
  username: string,
): Promise<{ id: number; role: Role; stateCode: string | null } | undefined> {
  const [user] = await rows<{ id: number; role: Role; stateCode: string | null }>(
    db,
    sql`SELECT id::int AS id, role, state_code AS "stateCode" FROM users WHERE lower(username) = lower(${username})`,
  );
  return user;
}

/** Serialises the changes of a state's administrators for the rest of the transaction. */
export async function lockStateAdmins(db: Executor, stateCode: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('pathways.state-admins.' || ${stateCode}))`);
}

export async function countOtherActiveStateAdmins(db: Executor, stateCode: string, exceptId: number): Promise<number> {
  const [others] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM users WHERE role = 'state_admin' AND state_code = ${stateCode} AND disabled_at IS NULL AND id <> ${exceptId}`,
  );
  return others!.n;
}

export async function markUserDisabled(db: Executor, id: number): Promise<void> {
  await db.execute(sql`UPDATE users SET disabled_at = now() WHERE id = ${id}`);
}

/** Serialises the first run's check for an account for the rest of the transaction. */
export async function lockFirstAdministrator(db: Executor): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('pathways.first-admin'))`);
}

export async function anyUserExists(db: Executor): Promise<boolean> {
  const [any] = await rows<{ one: number }>(db, sql`SELECT 1 AS one FROM users LIMIT 1`);
  return any !== undefined;
}

/** Sets the password's hash and clears the failure count and lock. */
export async function updatePasswordHash(db: Executor, id: number, passwordHash: string): Promise<void> {
  await db.execute(sql`UPDATE users SET password_hash = ${passwordHash}, failed_logins = 0, locked_until = NULL WHERE id = ${id}`);
}

export async function clearTotp(db: Executor, id: number): Promise<void> {
  await db.execute(sql`UPDATE users SET totp_secret = NULL, totp_enabled = false, totp_last_step = NULL WHERE id = ${id}`);
}

/** The display names of accounts by id, of one state's accounts and of those of no state (`stateCode` null: every one). */
export async function selectDisplayNames(
  db: Executor,
  ids: readonly number[],
  stateCode: string | null,
): Promise<{ id: number; name: string }[]> {
  return rows<{ id: number; name: string }>(
    db,
    sql`SELECT id::int AS id, display_name AS name FROM users
         WHERE id IN (${sql.join(
           ids.map((i) => sql`${i}`),
           sql`, `,
         )})
           AND (${stateCode}::text IS NULL OR state_code IS NULL OR state_code = ${stateCode})`,
  );
}
