import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { timingSafeEqual } from 'node:crypto';
import { operator, type Principal } from '../access/principal.ts';
import { requestSession, sessionStillLive } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { IDLE_MINUTES, sessionUser, tokenHash, type SessionUser } from './session.ts';

export const SESSION_COOKIE = '__Host-pathways_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The identity scope: reads users and sessions, no person's data. */
export const IDENTITY_SCOPE: Principal = { ...operator('identity'), id: 'identity', role: 'system_admin' };

export type AuthVariables = { principal: Principal; authMethod: 'bearer' | 'cookie' };
/** What the identity routes see of the caller: also the session itself and its token (to end or rotate it). */
export type SessionVariables = AuthVariables & { session: SessionUser; sessionToken: string };

export interface AuthenticateOptions {
  /**
   * The origins the web interface is served from, for the cross-site check of cookie-authenticated
   * changes, besides the origin of the request's own URL (enough when no proxy rewrites the host).
   */
  origins?: readonly string[];
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/;

/**
 * Who is calling: a bearer token (API clients, the command line) or the session cookie (the web
 * interface). No session → 401. A role that reads personal data and has not passed its second
 * factor → 401 with `second_factor_required`. A cookie-authenticated change must come from the
 * site itself (`Sec-Fetch-Site`, `Origin`) and carry the session's CSRF token in `X-CSRF-Token`
 * (the synchroniser-token pattern) → 403 otherwise.
 */
export function authenticate(database: Database, opts: AuthenticateOptions = {}): MiddlewareHandler<{ Variables: AuthVariables }> {
  return sessionMiddleware(database, opts, false) as unknown as MiddlewareHandler<{ Variables: AuthVariables }>;
}

/**
 * The same, but lets a session through that still awaits its second factor: only for the routes
 * that serve that half-state (who am I, set up and pass the second factor, sign out).
 */
export function authenticateAwaiting(
  database: Database,
  opts: AuthenticateOptions = {},
): MiddlewareHandler<{ Variables: SessionVariables }> {
  return sessionMiddleware(database, opts, true);
}

/** How long a server keeps a session's principal in memory, and for how many sessions at most. */
const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

function sessionMiddleware(
  database: Database,
  opts: AuthenticateOptions,
  allowAwaiting: boolean,
): MiddlewareHandler<{ Variables: SessionVariables }> {
  // The principals of full sessions, by token hash (issue 17): a request of a known session needs no
  // lookup of its own. It is not trusted for that: every transaction of the request checks, in the
  // statement that sets its scope, that the session is still live and the same principal
  // (src/access/scope.ts, session_check() of migration 0014), so that a revocation or a disabled user
  // takes effect at once, whichever process made it. The routes of a session still awaiting its
  // second factor (allowAwaiting) look it up every time.
  const cache = new Map<string, { user: SessionUser; until: number }>();
  return async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(BEARER)?.[1];
    const cookie = bearer ? undefined : getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    if (!token) throw appError(ErrorCode.Unauthenticated, 'signInRequired');
    const unsafe = UNSAFE.has(c.req.method);
    // A cross-site request is refused before the session is even looked up (or touched).
    if (!bearer && unsafe) refuseCrossSite(c, opts.origins);
    const hash = tokenHash(token);
    const now = Date.now();
    const hit = allowAwaiting ? undefined : cache.get(hash);
    const cached = hit !== undefined && hit.until > now && hit.user.principal.userId !== null;
    const user = cached ? hit.user : await sessionUser(database.db, token);
    if (!user) throw appError(ErrorCode.Unauthenticated, 'sessionOver');
    if (user.awaitingSecondFactor && !allowAwaiting) throw appError(ErrorCode.Unauthenticated, 'secondFactorRequired');
    if (!bearer && unsafe && !sameSecret(c.req.header(CSRF_HEADER), user.csrfToken)) throw appError(ErrorCode.Forbidden, 'csrfMissing');
    c.set('principal', user.principal);
    c.set('authMethod', bearer ? 'bearer' : 'cookie');
    c.set('session', user);
    c.set('sessionToken', token);
    if (!cached) {
      if (!allowAwaiting && !user.awaitingSecondFactor && user.principal.userId !== null) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(hash, { user, until: now + CACHE_MS });
      }
      await next();
      return;
    }
    const p = user.principal;
    const check = {
      tokenHash: hash,
      idleMinutes: IDLE_MINUTES,
      userId: p.userId!,
      role: p.role,
      stateCode: p.stateCode,
      organisation: p.organisation,
      onFailure: () => cache.delete(hash),
      answered: false,
      checked: false,
    };
    try {
      await requestSession.run(check, () => next());
    } finally {
      check.answered = true;
    }
    // No transaction of the request checked the session (it read nothing through a scope): checked
    // now, before the answer leaves, which is replaced by the refusal if the session has ended.
    if (!check.checked && !(await sessionStillLive(database.db, check))) {
      cache.delete(hash);
      throw appError(ErrorCode.Unauthenticated, 'sessionOver');
    }
  };
}

/**
 * Refuses a request another site made the browser send: `Sec-Fetch-Site` (sent by every current
 * browser) must say same-origin (or `none`: typed by the user), and `Origin`, where present, must be
 * one of ours. Requests without either header (non-browser clients) pass: they carry no ambient
 * cookie unless someone gave it to them. Defence in depth beside SameSite=Strict and the CSRF token.
 */
export function refuseCrossSite(c: Context, origins?: readonly string[]): void {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw appError(ErrorCode.Forbidden, 'crossSite');
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (origin !== new URL(c.req.url).origin && !origins?.includes(origin)) throw appError(ErrorCode.Forbidden, 'crossSite');
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
