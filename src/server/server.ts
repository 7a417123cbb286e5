import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { operator } from '../access/principal.ts';
import { inOperatorScope } from '../access/scope.ts';
import { writeAnchors, type AnchorFiles } from '../audit/anchor.ts';
import { sealAudit } from '../audit/audit.service.ts';
import { runStorageLimitation, vacuumEmbedded } from '../privacy/retention.ts';
import { requestLogger } from './logger.ts';
import type { AddressInfo } from 'node:net';
import { createApi } from '../api/api.ts';
import type { IdentityRouteOptions } from '../identity/identity.routes.ts';
import { onApiError, onNotFound } from '../api/errors.ts';
import { pingDatabase, type Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { mountWeb } from '../web/web.routes.ts';

/**
 * The HTTP face of the platform: health (for the load balancer: no session, no data), the API
 * (src/api/), with its OpenAPI document at /api/openapi.json and its reference page at /api/docs,
 * and the web interface (src/web/ serves the build of web/).
 */
/** How long `/health` waits for the database before it answers that the database is busy. */
export const HEALTH_PROBE_WAIT_MS = 250;

export function createApp(database: Database, opts: { identity?: IdentityRouteOptions } = {}) {
  const app = createApi(database, opts);

  // One probe of the database at a time. The embedded database has one connection: while an import's
  // transaction holds it, a probe waits, and the answer says the database is busy instead of waiting
  // with it (the process is alive and working; a load balancer must not take it out of service).
  let probe: Promise<void> | null = null;
  app.get('/health', async (c) => {
    probe ??= pingDatabase(database.db).finally(() => {
      probe = null;
    });
    const answer = await Promise.race([
      probe.then(
        () => 'ok' as const,
        () => 'failed' as const,
      ),
      new Promise<'busy'>((resolve) => setTimeout(resolve, HEALTH_PROBE_WAIT_MS, 'busy').unref()),
    ]);
    if (answer === 'failed') throw appError(ErrorCode.DatabaseUnavailable, 'databaseSilent');
    c.header('cache-control', 'no-store');
    return c.json(answer === 'busy' ? { status: 'ok', database: database.kind, busy: true } : { status: 'ok', database: database.kind });
  });

  mountWeb(app);

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
  /** Structured request logs (no personal data: src/server/logger.ts); none when absent. */
  logger?: Logger;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const api = createApp(opts.database, opts.identity ? { identity: opts.identity } : {});
  let app: { fetch: typeof api.fetch } = api;
  if (opts.logger) {
    const outer = new Hono();
    outer.use(requestLogger(opts.logger));
    outer.route('/', api);
    app = outer;
  }
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

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The retention job (GDPR art. 5(1)(e)): once at start and then every day, the closed cases of rounds
 * past their retention period are anonymised (src/privacy/retention.ts), and old sign-in attempts and
 * ended sessions removed (src/identity/housekeeping.ts); ended sponsors and closed family reunification
 * requests are anonymised `sponsorMonths` after (PATHWAYS_SPONSOR_RETENTION_MONTHS); uploads not committed are
 * deleted `uploadHours` after (PATHWAYS_UPLOAD_RETENTION_HOURS), and the embedded database vacuumed. Returns the stop function.
 */
export function scheduleRetention(database: Database, logger: Logger, sponsorMonths: number, uploadHours = 24): () => void {
  const actor = operator('retention-job');
  const run = () =>
    inOperatorScope(database, actor, (tx) =>
      runStorageLimitation(tx, actor, new Date().toISOString().slice(0, 10), sponsorMonths, uploadHours),
    )
      .then(async (r) => ({ ...r, vacuumed: await vacuumEmbedded(database) }))
      .then((r) =>
        logger.info(
          {
            job: 'retention',
            rounds: r.rounds,
            sponsors: r.sponsors,
            familyRequests: r.familyRequests,
            openPastRetention: r.openPastRetention,
            uploads: r.uploads,
            vacuumed: r.vacuumed,
            purged: { ...r.identity, idempotencyKeys: r.idempotencyKeys },
          },
          'retention job done',
        ),
      )
      .catch((e: Error) => logger.error({ job: 'retention', error: e.name }, 'retention job failed'));
  const first = setTimeout(run, 5_000);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Anchors of the audit trail's chain heads outside the database (src/audit/anchor.ts): every hour,
 * and once more when the server stops (the returned function, awaited before the database closes).
 */
export function scheduleAnchors(database: Database, logger: Logger, files: AnchorFiles, everyMs = HOUR_MS): () => Promise<void> {
  const run = () =>
    inOperatorScope(database, operator('audit-anchor'), (tx) => writeAnchors(tx, files))
      .then((taken) => logger.info({ job: 'audit-anchor', anchors: taken.length }, 'audit anchors written'))
      .catch((e: Error) => logger.error({ job: 'audit-anchor', error: e.name, message: e.message }, 'audit anchors failed'));
  const hourly = setInterval(run, everyMs);
  hourly.unref();
  return async () => {
    clearInterval(hourly);
    await run();
  };
}

/**
 * The audit trail's sealer (issue 17, migration 0014): every `everyMs` the committed lines not sealed
 * yet are sealed, in the operator's scope, on a connection of its own (never one a request waits for);
 * once more when the server stops (the returned function, awaited before the database closes). A
 * line whose seal a kill -9 prevented is sealed by the next run, here or `pathways audit seal`.
 */
export function scheduleSealer(database: Database, logger: Logger, everyMs = 1000): () => Promise<void> {
  const actor = operator('audit-sealer');
  let running: Promise<void> | null = null;
  const run = () =>
    (running ??= inOperatorScope(database, actor, (tx) => sealAudit(tx))
      .then((r) => {
        if (r.batches > 0) logger.debug({ job: 'audit-seal', batches: r.batches, lines: r.lines, unsealed: r.unsealed }, 'audit sealed');
      })
      .catch((e: Error) => logger.error({ job: 'audit-seal', error: e.name, message: e.message }, 'audit seal failed'))
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(run, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await run();
  };
}
