import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { authenticate } from '../identity/authenticate.ts';
import { AUTH_BASE, identityRoutes, type IdentityRouteOptions } from '../identity/identity.routes.ts';
import { appError } from '../i18n/problem.ts';
import { adminRoutes } from './admin.routes.ts';
import { casesRoutes } from './cases.routes.ts';
import { complementaryRoutes } from './complementary.routes.ts';
import { onApiError, onNotFound, validationHook } from './errors.ts';
import { federationRoutes } from './federation.routes.ts';
import { RETURNS_PATH } from '../federation/send-return.ts';
import { exportsRoutes } from './exports.routes.ts';
import { importsRoutes, UPLOAD_LIMIT } from './imports.routes.ts';
import { STATISTICS_UPLOAD_PATH, statisticsRoutes } from './statistics.routes.ts';
import { placementRoutes } from './placement.routes.ts';
import { incentivesRoutes } from './incentives.routes.ts';
import { apiDocument, docsPage, registerSecuritySchemes } from './openapi.ts';
import { OPEN_DATA_BASE, openDataRoutes } from './open-data.routes.ts';
import { pledgesRoutes } from './pledges.routes.ts';
import { programmesRoutes } from './programmes.routes.ts';
import { reportsRoutes } from './reports.routes.ts';
import type { ApiEnv } from './router.ts';
import { roundsRoutes } from './rounds.routes.ts';
import { sponsorshipRoutes } from './sponsorship.routes.ts';
import { viewsRoutes } from './views.routes.ts';

/** The paths under /api that need no session: the description of the API. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/api/openapi.json', '/api/docs']);
/**
 * What needs no session: the description, signing in (src/identity/identity.routes.ts: those routes
 * check sessions themselves, where they need one), the open data, and a Member State's return, which
 * is authenticated by its signature (src/federation/).
 */
const isPublic = (method: string, path: string) =>
  PUBLIC_PATHS.has(path) ||
  path === AUTH_BASE ||
  path.startsWith(`${AUTH_BASE}/`) ||
  path.startsWith(OPEN_DATA_BASE) ||
  (method === 'POST' && path === RETURNS_PATH);

/** The POSTs whose body is a file, given the file limit instead of the JSON one. */
const FILE_UPLOADS: ReadonlySet<string> = new Set(['/api/imports', STATISTICS_UPLOAD_PATH]);

/** Strict-Transport-Security on every answer: a year, subdomains too. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** A JSON media type (`application/json`, `application/problem+json`, …), as the body validators take it. */
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * A JSON body must be UTF-8 (RFC 8259 §8.1): bytes that are not are refused (400), never read with
 * U+FFFD in their place (what `Request.json()` would do) and stored as something the sender did
 * not send.
 */
const strictUtf8Json: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !JSON_TYPE.test(c.req.header('content-type') ?? '')) return next();
  // Read from a copy: a route may still put its own, smaller limit on the body (the federation's
  // returns), which needs the request's stream unread.
  const bytes = await c.req.raw.clone().arrayBuffer();
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw appError(ErrorCode.BadInput, 'jsonNotUtf8');
  }
  return next();
};

/** A JSON body above this is refused (413) before it is read; file uploads have their own limit. */
export const JSON_LIMIT = 1024 * 1024;

/**
 * The HTTP API: every resource's operations, behind the authentication middleware (a bearer token
 * or the session cookie), each authorised by its named policy and run in the caller's database
 * scope. Every answer under /api is `Cache-Control: no-store` (they carry personal data, or may),
 * except the public description of the API.
 */
export function createApi(database: Database, opts: { identity?: IdentityRouteOptions | false } = {}): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook as never });
  app.onError(onApiError);
  app.notFound(onNotFound);

  // Every answer of the server, pages, API, health and errors alike. Browsers heed it only when it
  // comes over HTTPS (RFC 6797 §8.1): the platform is served behind a TLS-terminating proxy.
  app.use('*', async (c, next) => {
    await next();
    c.header('strict-transport-security', HSTS);
  });
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('cache-control', PUBLIC_PATHS.has(c.req.path) ? 'no-cache' : 'no-store');
    c.header('x-content-type-options', 'nosniff');
    c.header('vary', 'Accept-Language, Authorization, Cookie');
  });
  const limits = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: () => {
        throw appError(ErrorCode.PayloadTooLarge, 'bodyTooLarge', { max: Math.round(max / 1024) });
      },
    });
  const uploadLimit = limits(UPLOAD_LIMIT);
  const jsonLimit = limits(JSON_LIMIT);
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && FILE_UPLOADS.has(c.req.path) ? uploadLimit(c, next) : jsonLimit(c, next)));
  app.use('/api/*', strictUtf8Json);
  const auth = authenticate(database) as MiddlewareHandler<ApiEnv>;
  app.use('/api/*', (c, next) => (isPublic(c.req.method, c.req.path) ? next() : auth(c, next)));

  if (opts.identity !== false) app.route(AUTH_BASE, identityRoutes(database, opts.identity ?? {}) as never);
  for (const routes of [
    roundsRoutes,
    pledgesRoutes,
    casesRoutes,
    reportsRoutes,
    importsRoutes,
    adminRoutes,
    viewsRoutes,
    incentivesRoutes,
    sponsorshipRoutes,
    programmesRoutes,
    complementaryRoutes,
    exportsRoutes,
    openDataRoutes,
    federationRoutes,
    statisticsRoutes,
    placementRoutes,
  ])
    app.route('/', routes(database));

  registerSecuritySchemes(app as never);
  let document: ReturnType<typeof apiDocument> | undefined;
  let page: ReturnType<typeof docsPage> | undefined;
  const doc = () => (document ??= apiDocument(app as never));
  app.get('/api/openapi.json', (c) => c.json(doc()));
  app.get('/api/docs', (c) => {
    page ??= docsPage(doc() as never);
    c.header('content-security-policy', page.csp);
    return c.html(page.html);
  });
  return app;
}

/** The OpenAPI document, without a database (for `npm run api:types` and the tests): no handler runs. */
export function openApiDocument() {
  const noDatabase = new Proxy({} as Database, {
    get: () => {
      throw new Error('The API was built for its document only: no database');
    },
  });
  return apiDocument(createApi(noDatabase, { identity: false }) as never);
}
