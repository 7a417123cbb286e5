import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { operator, type Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { sessionUser } from './session.ts';

export const SESSION_COOKIE = '__Host-pathways_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The identity scope: reads users and sessions, no person's data. */
export const IDENTITY_SCOPE: Principal = { ...operator('identity'), id: 'identity', role: 'system_admin' };

export type AuthVariables = { principal: Principal; authMethod: 'bearer' | 'cookie' };

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who is calling: a bearer token (API clients, the command line) or the session cookie (the web
 * interface). No session → 401. A role that reads personal data and has not passed its second
 * factor → 401 with `second_factor_required`. A cookie-authenticated change must carry the
 * session's CSRF token in `X-CSRF-Token` (the synchroniser-token pattern) → 403 otherwise.
 */
export function authenticate(database: Database): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+([A-Za-z0-9_-]{20,200})$/)?.[1];
    const cookie = bearer ? undefined : getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    if (!token) throw appError(ErrorCode.Unauthenticated, 'signInRequired');
    const user = await inScope(database.db, IDENTITY_SCOPE, (tx) => sessionUser(tx, token));
    if (!user) throw appError(ErrorCode.Unauthenticated, 'sessionOver');
    if (user.awaitingSecondFactor) throw appError(ErrorCode.Unauthenticated, 'secondFactorRequired');
    if (!bearer && UNSAFE.has(c.req.method) && c.req.header(CSRF_HEADER) !== user.csrfToken) {
      throw appError(ErrorCode.Forbidden, 'csrfMissing');
    }
    c.set('principal', user.principal);
    c.set('authMethod', bearer ? 'bearer' : 'cookie');
    await next();
  };
}
