import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { operator, type Principal, type Role } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import type { Database } from '../src/db/db.ts';
import { httpStatusOf, isAppError } from '../src/errors/app-error.ts';
import { authenticate, type AuthVariables } from '../src/identity/authenticate.ts';
import { AUTH_BASE, identityRoutes, type IdentityRouteOptions } from '../src/identity/identity.routes.ts';
import { createSession } from '../src/identity/session.ts';
import { createUser } from '../src/identity/user.service.ts';

/**
 * A real account and a real session for a test: the user is written like any other (argon2id
 * hash, audit line), the session is a row whose token the API checks like any other. The second
 * factor is marked passed, as after a real TOTP check (the identity tests prove that check).
 */
export async function signIn(
  database: Database,
  who: { role: Role; stateCode?: string | null; organisation?: string | null; username?: string },
): Promise<{ principal: Principal; token: string; headers: Record<string, string> }> {
  const username = who.username ?? `${who.role}-${who.stateCode ?? who.organisation ?? 'eu'}-${randomBytes(4).toString('hex')}`;
  const admin = operator('test-setup');
  return inScope(database.db, admin, async (tx) => {
    const { id } = await createUser(tx, admin, {
      username,
      displayName: username,
      role: who.role,
      stateCode: who.stateCode ?? null,
      organisation: who.organisation ?? null,
      password: null,
    });
    const session = await createSession(tx, id, { mfaPassed: true });
    const principal: Principal = {
      id: `user:${id}`,
      userId: id,
      username,
      role: who.role,
      stateCode: who.stateCode ?? null,
      organisation: who.organisation ?? null,
    };
    return { principal, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
  });
}

/** A local account with a password, written like any other; returns its id. */
export async function addAccount(
  database: Database,
  who: {
    username: string;
    password?: string | null;
    role: Role;
    stateCode?: string | null;
    organisation?: string | null;
    oidcIssuer?: string;
    oidcSubject?: string;
  },
): Promise<number> {
  const admin = operator('test-setup');
  const { id } = await inScope(database.db, admin, (tx) =>
    createUser(tx, admin, {
      username: who.username,
      displayName: who.username,
      role: who.role,
      stateCode: who.stateCode ?? null,
      organisation: who.organisation ?? null,
      password: who.password ?? null,
      oidcIssuer: who.oidcIssuer ?? null,
      oidcSubject: who.oidcSubject ?? null,
    }),
  );
  return id;
}

/**
 * The identity routes mounted as the API mounts them, with the one error shape, and two probes
 * behind the API's own middleware (`authenticate`): GET and POST /api/probe.
 */
export function identityTestApp(database: Database, opts: IdentityRouteOptions = {}) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError((e, c) => {
    if (isAppError(e)) return c.json({ code: e.code, message: e.message, details: e.details ?? {} }, httpStatusOf[e.code] as 400);
    console.error(e);
    return c.json({ code: 'internal', message: String(e) }, 500);
  });
  app.route(AUTH_BASE, identityRoutes(database, opts));
  app.use('/api/probe', authenticate(database, opts));
  app.get('/api/probe', (c) => c.json({ principal: c.var.principal, authMethod: c.var.authMethod }));
  app.post('/api/probe', (c) => c.json({ changed: true, principal: c.var.principal }));
  return app;
}

export type Session = Awaited<ReturnType<typeof signIn>>;
/** An answer of the API as the tests read it: JSON parsed where it is JSON, the text as it came. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as a client would, whatever the route
export type Answer = { status: number; headers: Headers; etag: string | null; body: any; text: string };

/**
 * A caller of an API app as a signed-in session: JSON bodies, a fresh Idempotency-Key on every POST
 * (the API requires one), any other header given (If-Match…).
 */
export function apiCaller(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }) {
  return async (who: Session, method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await app.request(path, {
      method,
      headers: {
        ...who.headers,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...headers,
      },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, headers: res.headers, etag: res.headers.get('etag'), body, text };
  };
}
