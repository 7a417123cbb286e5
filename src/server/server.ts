import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApi } from '../api/api.ts';
import type { IdentityRouteOptions } from '../identity/identity.routes.ts';
import { onApiError, onNotFound } from '../api/errors.ts';
import { sql, type Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * The HTTP face of the platform: health (for the load balancer: no session, no data) and the API
 * (src/api/), with its OpenAPI document at /api/openapi.json and its reference page at /api/docs.
 */
export function createApp(database: Database, opts: { identity?: IdentityRouteOptions } = {}) {
  const app = createApi(database, opts);

  app.get('/health', async (c) => {
    await database.db.execute(sql`SELECT 1`).catch(() => {
      throw appError(ErrorCode.DatabaseUnavailable, 'databaseSilent');
    });
    c.header('cache-control', 'no-store');
    return c.json({ status: 'ok', database: database.kind });
  });

  app.get('/', (c) => c.redirect('/api/docs'));

  app.notFound(onNotFound);
  app.onError(onApiError);
  return app;
}

export async function startServer(opts: {
  database: Database;
  port: number;
  host: string;
  /** Sign-in options (OpenID Connect, the cookie key): `identityOptionsFromConfig(config)`. */
  identity?: IdentityRouteOptions;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp(opts.database, opts.identity ? { identity: opts.identity } : {});
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES'
          ? appError(ErrorCode.Configuration, e.code === 'EADDRINUSE' ? 'portInUse' : 'portDenied', { host: opts.host, port: opts.port })
          : e,
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections of clients would hold the close open until they time out.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
