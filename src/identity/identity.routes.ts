import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode, isAppError } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import {
  authenticate,
  authenticateAwaiting,
  refuseCrossSite,
  SESSION_COOKIE,
  type AuthenticateOptions,
  type SessionVariables,
} from './authenticate.ts';
import {
  changeOwnPassword,
  endSession,
  enrolTotp,
  issueApiToken,
  loginWithPassword,
  logout,
  signInExternal,
  verifyTotp,
  viewOf,
} from './login.service.ts';
import { flowKey, OidcClient, oidcSettingsFromConfig, openFlow, sealFlow, FLOW_MINUTES } from './oidc.ts';
import { PASSWORD_MAX } from './password.ts';
import { displayNames, NAMES_MAX } from './display-names.ts';

/** Where the identity routes are mounted: `app.route(AUTH_BASE, identityRoutes(database, opts))`. */
export const AUTH_BASE = '/api/auth';
/** The cookie that carries the OpenID Connect flow (state, nonce, PKCE verifier) to the callback. */
export const OIDC_FLOW_COOKIE = '__Host-pathways_oidc';

export interface IdentityRouteOptions extends AuthenticateOptions {
  /** Sign-in by OpenID Connect; absent or null: the OIDC routes answer 404. */
  oidc?: OidcClient | null;
  /** Key of the signed flow cookie (PATHWAYS_SECRET); without it a random key per process. */
  secret?: string | undefined;
  /**
   * The caller's address, for the rate limit and the audit trail. Default: the socket's peer
   * (@hono/node-server). Behind a reverse proxy, read its header here, and only there.
   */
  clientAddress?: (c: Context) => string;
  /** Where the browser goes once signed in by OpenID Connect: a path of this site. Default `/`. */
  afterSignIn?: string;
}

/** The options from the configuration: OpenID Connect when OIDC_ISSUER is set, the cookie key. */
export function identityOptionsFromConfig(config: Config): IdentityRouteOptions {
  const settings = oidcSettingsFromConfig(config);
  return {
    oidc: settings ? new OidcClient(settings) : null,
    secret: config.PATHWAYS_SECRET,
    ...(settings ? { origins: [new URL(settings.redirectUri).origin] } : {}),
  };
}

const credentials = z.object({
  username: z.string().min(1).max(200),
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX * 4),
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});
const totpCode = z.object({ code: z.string().regex(/^\d{6}$/) });
const passwordChange = z.object({ current: z.string().min(1).max(1024), new: z.string().min(1).max(1024) }).strict();

const peerAddress = (c: Context): string =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';

const SESSION_FLAGS = { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' } as const;

/**
 * The sign-in routes (plain Hono; the API mounts them under /api/auth):
 *   POST /login {username, password, totp?} → session cookie + {user, csrfToken, secondFactor, expiresAt}
 *   POST /token {username, password, totp?} → {token, expiresAt} (second factor passed or not needed)
 *   POST /totp/enrol → {secret, otpauthUrl};  POST /totp/verify {code} → new session, second factor passed
 *   POST /logout;  GET /me;  GET /methods → {password, oidc} (what the sign-in page offers);  GET /oidc/login → the provider;  GET /oidc/callback → session cookie
 * Enrol, verify, me and logout accept a session still awaiting its second factor; nothing else does.
 */
export function identityRoutes(database: Database, opts: IdentityRouteOptions = {}) {
  const app = new Hono<{ Variables: SessionVariables }>();
  const { db } = database;
  const addressOf = opts.clientAddress ?? peerAddress;
  const awaiting = authenticateAwaiting(database, opts);
  const signedIn = authenticate(database, opts) as unknown as typeof awaiting;
  const key = flowKey(opts.secret);
  const afterSignIn = opts.afterSignIn && /^\/(?![/\\])/.test(opts.afterSignIn) ? opts.afterSignIn : '/';

  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  const startSession = async (c: Context, token: string) => {
    const prior = getCookie(c, SESSION_COOKIE);
    if (prior && prior !== token) await endSession(db, prior);
    setCookie(c, SESSION_COOKIE, token, SESSION_FLAGS);
  };

  app.post('/login', async (c) => {
    refuseCrossSite(c, opts.origins);
    const input = await bodyOf(c, credentials);
    const s = await retryAfter(c, () => loginWithPassword(db, { ...input, address: addressOf(c), purpose: 'session' }));
    await startSession(c, s.session.token);
    return c.json({ user: s.user, csrfToken: s.session.csrfToken, secondFactor: s.secondFactor, expiresAt: s.session.expiresAt });
  });

  app.post('/token', async (c) => {
    const input = await bodyOf(c, credentials);
    const t = await retryAfter(c, () => issueApiToken(db, { ...input, address: addressOf(c) }));
    return c.json({ token: t.token, expiresAt: t.expiresAt });
  });

  app.post('/totp/enrol', awaiting, async (c) => c.json(await enrolTotp(db, { sessionToken: c.var.sessionToken })));

  app.post('/totp/verify', awaiting, async (c) => {
    const { code } = await bodyOf(c, totpCode);
    const v = await retryAfter(c, () => verifyTotp(db, { sessionToken: c.var.sessionToken, code, address: addressOf(c) }));
    const bearer = c.var.authMethod === 'bearer';
    if (!bearer) setCookie(c, SESSION_COOKIE, v.session.token, SESSION_FLAGS);
    return c.json({
      secondFactor: v.secondFactor,
      csrfToken: v.session.csrfToken,
      expiresAt: v.session.expiresAt,
      ...(bearer ? { token: v.session.token } : {}),
    });
  });

  app.post('/password', signedIn, async (c) => {
    const input = await bodyOf(c, passwordChange);
    const r = await changeOwnPassword(db, { sessionToken: c.var.sessionToken, current: input.current, next: input.new });
    return c.json(r);
  });

  app.post('/logout', awaiting, async (c) => {
    await logout(db, { sessionToken: c.var.sessionToken });
    if (c.var.authMethod === 'cookie') setCookie(c, SESSION_COOKIE, '', { ...SESSION_FLAGS, maxAge: 0 });
    return c.body(null, 204);
  });

  app.get('/me', awaiting, (c) => {
    const s = c.var.session;
    return c.json({
      user: viewOf(s.principal),
      secondFactor: s.secondFactor,
      expiresAt: s.expiresAt,
      // The web interface reads its CSRF token here after a sign-in by redirect (OpenID Connect).
      ...(c.var.authMethod === 'cookie' ? { csrfToken: s.csrfToken } : {}),
    });
  });

  // The display names of the people the pages name by id (`?ids=user:3,user:5`): for anyone signed in, within its state.
  app.get('/names', signedIn, async (c) => {
    const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean).slice(0, NAMES_MAX);
    return c.json({ names: await displayNames(database, c.var.session.principal, ids) });
  });

  // What the sign-in page offers (no session needed, nothing about anyone).
  app.get('/methods', (c) => c.json({ password: true, oidc: !!opts.oidc }));

  app.get('/oidc/login', async (c) => {
    if (!opts.oidc) throw appError(ErrorCode.NotFound, 'oidcNotConfigured');
    const { url, flow } = await opts.oidc.start();
    // Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
    setCookie(c, OIDC_FLOW_COOKIE, sealFlow(flow, key), {
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: FLOW_MINUTES * 60,
    });
    return c.redirect(url.toString(), 302);
  });

  app.get('/oidc/callback', async (c) => {
    if (!opts.oidc) throw appError(ErrorCode.NotFound, 'oidcNotConfigured');
    const flow = openFlow(getCookie(c, OIDC_FLOW_COOKIE), key);
    setCookie(c, OIDC_FLOW_COOKIE, '', { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 0 });
    if (!flow) throw appError(ErrorCode.Unauthenticated, 'oidcFlowMissing');
    const identity = await opts.oidc.finish(new URL(c.req.url), flow);
    const s = await signInExternal(db, { ...identity, address: addressOf(c) });
    await startSession(c, s.session.token);
    if (c.req.header('accept')?.includes('application/json')) {
      return c.json({ user: s.user, csrfToken: s.session.csrfToken, secondFactor: s.secondFactor, expiresAt: s.session.expiresAt });
    }
    // A page of this site moves the browser on, rather than a redirect: after a cross-site arrival,
    // browsers withhold SameSite=Strict cookies along the redirect chain, and the new session with them.
    c.header('Content-Security-Policy', "default-src 'none'");
    const to = afterSignIn.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    return c.html(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>Pathways</title><a href="${to}">Pathways</a>`,
    );
  });

  return app;
}

/** The JSON body, checked by its schema: 400 with the problem per field (never the values). */
async function bodyOf<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  // JSON only: a cross-site HTML form can post text/plain that happens to parse as JSON.
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? ''))
    throw appError(ErrorCode.BadInput, 'authBodyInvalid', { p1: 'Content-Type: application/json' });
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw appError(ErrorCode.BadInput, 'authBodyInvalid', { p1: 'not JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || '(body)', i.message]));
    throw appError(ErrorCode.BadInput, 'authBodyInvalid', { p1: Object.keys(fields).join(', ') }, { fields });
  }
  return parsed.data;
}

/** Puts `Retry-After` on a 429 (its seconds are in the error's details). */
async function retryAfter<T>(c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const seconds =
      isAppError(e) && e.code === ErrorCode.TooManyRequests ? (e.details as { retryAfter?: unknown } | undefined)?.retryAfter : undefined;
    if (typeof seconds === 'number') c.header('Retry-After', String(seconds));
    throw e;
  }
}
