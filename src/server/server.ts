import { serve, type ServerType } from '@hono/node-server';
import { appError } from '../i18n/problem.ts';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { sql, type Database } from '../db/db.ts';
import { AppError, ErrorCode, httpStatusOf, isAppError } from '../errors/app-error.ts';
import { isLang } from '../i18n/i18n.ts';
import { listRounds } from '../rounds/round.service.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';

/**
 * The HTTP face of the platform. For now: health, the rounds, and the state of play as JSON;
 * the full API (identity, authorisation, audit of reads) is the API capability's.
 */
export function createApp(database: Database) {
  const app = new Hono();
  const { db } = database;

  app.get('/health', async (c) => {
    await db.execute(sql`SELECT 1`).catch(() => {
      throw appError(ErrorCode.DatabaseUnavailable, 'databaseSilent');
    });
    return c.json({ status: 'ok', database: database.kind });
  });

  app.get('/api/rounds', async (c) => c.json({ rounds: await listRounds(db) }));

  app.get('/api/rounds/:id/state-of-play', async (c) => {
    const lang = c.req.query('lang') ?? 'en';
    if (!isLang(lang)) throw appError(ErrorCode.BadInput, 'langInvalid', { lang });
    const pathways = c.req.queries('pathway');
    return c.json(await stateOfPlay({ db, roundId: c.req.param('id'), asOf: c.req.query('asOf') ?? c.req.query('as-of'), lang, pathways }));
  });

  app.get('/', (c) => c.redirect('/api/rounds/2020-2021/state-of-play'));

  app.notFound((c) => c.json({ code: ErrorCode.NotFound, message: `Nothing at ${c.req.path}. Try /health or /api/rounds.` }, 404));
  app.onError((e, c) => {
    if (isAppError(e)) return c.json({ code: e.code, message: e.message, details: e.details ?? {} }, httpStatusOf[e.code] as 400);
    console.error(e);
    return c.json({ code: ErrorCode.Internal, message: 'Something went wrong on our side; it has been logged.' }, 500);
  });
  return app;
}

export async function startServer(opts: { database: Database; port: number; host: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp(opts.database);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
