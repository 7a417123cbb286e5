import { createHash, randomBytes } from 'node:crypto';
import { sql, rows, type Executor } from '../db/db.ts';
import { needsSecondFactor, type Principal, type Role } from '../access/principal.ts';

/** A session's token: 256 random bits, given to the client once; the database keeps only its SHA-256. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const SESSION_MINUTES = 8 * 60;
/** A session unused for this long ends (ASVS 7.3.1). */
export const IDLE_MINUTES = 30;
/** A session that still awaits its second factor ends sooner: it can do nothing but pass it. */
export const AWAITING_MINUTES = 10;

/**
 * Where a session stands with the second factor: `not_needed` (the role reads no personal data and
 * the user has no TOTP), `passed`, `required` (TOTP is set up: enter a code), `enrol` (the role needs
 * one and none is set up yet: set up an authenticator app first).
 */
export type SecondFactor = 'not_needed' | 'passed' | 'required' | 'enrol';

/** A second factor is asked of every role that reads personal data, and of anyone who set one up. */
export const secondFactorRequired = (role: Role | 'operator', totpEnabled: boolean): boolean => needsSecondFactor(role) || totpEnabled;

export function secondFactorOf(role: Role | 'operator', totpEnabled: boolean, mfaPassed: boolean): SecondFactor {
  if (!secondFactorRequired(role, totpEnabled)) return 'not_needed';
  if (mfaPassed) return 'passed';
  return totpEnabled ? 'required' : 'enrol';
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(db: Executor, userId: number, opts: { mfaPassed: boolean; minutes?: number }): Promise<NewSession> {
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

/**
 * The session a sign-in opens: a full one when the second factor is passed or not needed, else a
 * short one that can only pass it.
 */
export function openSession(db: Executor, userId: number, secondFactor: SecondFactor): Promise<NewSession> {
  const full = secondFactor === 'passed' || secondFactor === 'not_needed';
  return createSession(db, userId, { mfaPassed: full, ...(full ? {} : { minutes: AWAITING_MINUTES }) });
}

export interface SessionUser {
  principal: Principal;
  csrfToken: string;
  mfaPassed: boolean;
  totpEnabled: boolean;
  secondFactor: SecondFactor;
  /** The role needs a second factor (or the user set one up) and this session has not passed one. */
  awaitingSecondFactor: boolean;
  expiresAt: string;
}

/**
 * The principal of a live session: not expired, not revoked, not idle too long, its user not
 * disabled. Touches `last_seen_at` (at most every 30 s). Null when there is none (the caller answers 401).
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
    totpEnabled: boolean;
    expiresAt: string;
  }>(
    db,
    // `last_seen_at` is written at most every 30 s: most requests only read (the idle limit is minutes).
    sql`WITH live AS (
          SELECT s.token_hash, s.last_seen_at, u.id, u.username, u.role, u.state_code, u.organisation, s.csrf_token, s.mfa_passed, u.totp_enabled, s.expires_at
            FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = ${tokenHash(token)}
             AND s.revoked_at IS NULL AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(mins => ${IDLE_MINUTES})
             AND u.disabled_at IS NULL),
        touched AS (
          UPDATE sessions SET last_seen_at = now()
           WHERE token_hash IN (SELECT token_hash FROM live WHERE last_seen_at < now() - interval '30 seconds') RETURNING 1)
        SELECT id::int AS "userId", username, role, state_code AS "stateCode", organisation,
               csrf_token AS "csrfToken", mfa_passed AS "mfaPassed", totp_enabled AS "totpEnabled",
               expires_at::text AS "expiresAt", (SELECT count(*) FROM touched) AS touched
          FROM live`,
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
  const secondFactor = secondFactorOf(row.role, row.totpEnabled, row.mfaPassed);
  return {
    principal,
    csrfToken: row.csrfToken,
    mfaPassed: row.mfaPassed,
    totpEnabled: row.totpEnabled,
    secondFactor,
    awaitingSecondFactor: secondFactor === 'required' || secondFactor === 'enrol',
    expiresAt: row.expiresAt,
  };
}

export async function revokeSession(db: Executor, token: string): Promise<void> {
  await db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${tokenHash(token)} AND revoked_at IS NULL`);
}

/** Ends every session of a user (disabled, locked out); returns how many were live. */
export async function revokeUserSessions(db: Executor, userId: number): Promise<number> {
  const ended = await rows<{ live: boolean }>(
    db,
    sql`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL
        RETURNING expires_at > now() AND last_seen_at > now() - make_interval(mins => ${IDLE_MINUTES}) AS live`,
  );
  return ended.filter((s) => s.live).length;
}
