import { createHash, randomBytes } from 'node:crypto';
import { sql, rows, type Executor } from '../db/db.ts';
import { needsSecondFactor, type Principal, type Role } from '../access/principal.ts';

/** A session's token: 256 random bits, given to the client once; the database keeps only its SHA-256. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const SESSION_MINUTES = 8 * 60;
/** A session unused for this long ends (ASVS 7.3.1). */
export const IDLE_MINUTES = 30;

export async function createSession(
  db: Executor,
  userId: number,
  opts: { mfaPassed: boolean; minutes?: number } ,
): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
  const token = newToken();
  const csrfToken = newToken();
  const [row] = await rows<{ expiresAt: string }>(
    db,
    sql`INSERT INTO sessions (token_hash, user_id, csrf_token, mfa_passed, expires_at)
        VALUES (${tokenHash(token)}, ${userId}, ${csrfToken}, ${opts.mfaPassed}, now() + make_interval(mins => ${opts.minutes ?? SESSION_MINUTES}))
        RETURNING expires_at::text AS "expiresAt"`,
  );
  return { token, csrfToken, expiresAt: row!.expiresAt };
}

export interface SessionUser {
  principal: Principal;
  csrfToken: string;
  mfaPassed: boolean;
  /** The role needs a second factor and this session has not passed one. */
  awaitingSecondFactor: boolean;
}

/**
 * The principal of a live session: not expired, not revoked, not idle too long, its user not
 * disabled. Touches `last_seen_at`. Null when there is none (the caller answers 401).
 * Runs in a transaction whose scope lets it read users (ADMIN).
 */
export async function sessionUser(db: Executor, token: string): Promise<SessionUser | null> {
  const [row] = await rows<{
    userId: number;
    username: string;
    role: Role;
    stateCode: string | null;
    organisation: string | null;
    csrfToken: string;
    mfaPassed: boolean;
  }>(
    db,
    sql`UPDATE sessions s SET last_seen_at = now()
          FROM users u
         WHERE s.token_hash = ${tokenHash(token)} AND u.id = s.user_id
           AND s.revoked_at IS NULL AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(mins => ${IDLE_MINUTES})
           AND u.disabled_at IS NULL
        RETURNING u.id::int AS "userId", u.username, u.role, u.state_code AS "stateCode", u.organisation,
                  s.csrf_token AS "csrfToken", s.mfa_passed AS "mfaPassed"`,
  );
  if (!row) return null;
  const principal: Principal = {
    id: `user:${row.userId}`,
    userId: row.userId,
    username: row.username,
    role: row.role,
    stateCode: row.stateCode,
    organisation: row.organisation,
  };
  return { principal, csrfToken: row.csrfToken, mfaPassed: row.mfaPassed, awaitingSecondFactor: needsSecondFactor(row.role) && !row.mfaPassed };
}

export async function revokeSession(db: Executor, token: string): Promise<void> {
  await db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${tokenHash(token)} AND revoked_at IS NULL`);
}
