import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/db.ts';
import { needsSecondFactor, type Principal, type Role } from '../access/principal.ts';
import { insertSession, markSessionRevoked, markUserSessionsRevoked, selectSessionPrincipal } from './session.repository.ts';

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
  const row = await insertSession(db, {
    tokenHash: tokenHash(token),
    userId,
    csrfToken,
    mfaPassed: opts.mfaPassed,
    minutes: opts.minutes ?? SESSION_MINUTES,
  });
  return { token, csrfToken, expiresAt: row.expiresAt };
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
 * One statement, in any scope or none.
 */
export async function sessionUser(db: Executor, token: string): Promise<SessionUser | null> {
  const row = await selectSessionPrincipal(db, tokenHash(token), IDLE_MINUTES);
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
  await markSessionRevoked(db, tokenHash(token));
}

/** Ends every session of a user (disabled, locked out); returns how many were live. */
export async function revokeUserSessions(db: Executor, userId: number): Promise<number> {
  const ended = await markUserSessionsRevoked(db, userId, IDLE_MINUTES);
  return ended.filter((s) => s.live).length;
}
