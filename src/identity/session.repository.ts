import { rows, sql, type Executor } from '../db/db.ts';
import type { Role } from '../access/principal.ts';

/** The SQL of sessions: the database keeps only each token's SHA-256. */

export async function insertSession(
  db: Executor,
  s: { tokenHash: string; userId: number; csrfToken: string; mfaPassed: boolean; minutes: number },
): Promise<{ expiresAt: string }> {
  const [row] = await rows<{ expiresAt: string }>(
    db,
    sql`INSERT INTO sessions (token_hash, user_id, csrf_token, mfa_passed, expires_at)
        VALUES (${s.tokenHash}, ${s.userId}, ${s.csrfToken}, ${s.mfaPassed}, now() + make_interval(mins => ${s.minutes}))
        RETURNING expires_at::text AS "expiresAt"`,
  );
  return row!;
}

export interface SessionPrincipalRow {
  userId: number;
  username: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
  csrfToken: string;
  mfaPassed: boolean;
  totpEnabled: boolean;
  expiresAt: string;
}

/**
 * One statement (migration 0007): it reads the user in the ADMIN scope itself, so the caller needs
 * no transaction of its own; `last_seen_at` is written at most every 30 s.
 */
export async function selectSessionPrincipal(
  db: Executor,
  tokenHash: string,
  idleMinutes: number,
): Promise<SessionPrincipalRow | undefined> {
  const [row] = await rows<SessionPrincipalRow>(db, sql`SELECT * FROM session_principal(${tokenHash}, ${idleMinutes})`);
  return row;
}

export async function markSessionRevoked(db: Executor, tokenHash: string): Promise<void> {
  await db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`);
}

/** Revokes every live session of a user; one row per session revoked, `live` when it was still in use. */
export async function markUserSessionsRevoked(db: Executor, userId: number, idleMinutes: number): Promise<{ live: boolean }[]> {
  return rows<{ live: boolean }>(
    db,
    sql`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL
        RETURNING expires_at > now() AND last_seen_at > now() - make_interval(mins => ${idleMinutes}) AS live`,
  );
}

/** Ends the sessions of a user that still await their second factor. */
export async function markUnverifiedSessionsRevoked(db: Executor, userId: number): Promise<void> {
  await db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND NOT mfa_passed AND revoked_at IS NULL`);
}

/** Ends every session of a user but one; returns how many. */
export async function markOtherSessionsRevoked(db: Executor, userId: number, keptTokenHash: string): Promise<number> {
  const ended = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL AND token_hash <> ${keptTokenHash} RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
  );
  return ended[0]!.n;
}
