import type { Command } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { CliContext } from './context.ts';
import { portNumber, withLookups } from './options.ts';

/** `pathways serve`: the platform over HTTP, with the daily retention job, the audit sealer and the hourly anchors, until SIGINT or SIGTERM. */
export function registerServerCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  const { preview, env, io } = ctx;
  program
    .command('serve')
    .description('serve the platform over HTTP: the API (reference at /api/docs, document at /api/openapi.json) and /health')
    .option('--port <port>', 'port (0 picks a free one)', portNumber, preview.PORT)
    .option('--host <host>', 'address to listen on', preview.HOST)
    .action(async (o: { port: number; host: string }, cmd: Command) => {
      const opts = ctx.readGlobals(cmd);
      const { config } = ctx;
      // Without its own login the application switches to its role on the owner's connections, and an
      // injected RESET ROLE would make it the owner again: refused in production, loudly warned elsewhere.
      if (config.DATABASE_URL && !config.DATABASE_APP_URL) {
        if (env.NODE_ENV === 'production') throw appError(ErrorCode.Configuration, 'appUrlRequired');
        io.err(ctx.t()('serve.appUrlMissing'));
      }
      const [{ openSeededDatabase }, { announceFirstAdministrator }, server, { createLogger }, { anchorFiles }, identity, secrets] =
        await Promise.all([
          import('../seed/seed.ts'),
          import('./users.command.ts'),
          import('../server/server.ts'),
          import('../server/logger.ts'),
          import('../audit/anchor.ts'),
          import('../identity/identity.routes.ts'),
          import('../identity/secret-box.ts'),
        ]);
      const database = await openSeededDatabase({ url: config.DATABASE_URL, appUrl: config.DATABASE_APP_URL, dataDir: opts.data });
      await announceFirstAdministrator(database, io, ctx.t()).catch(async (e: unknown) => {
        await database.close();
        throw e;
      });
      const logger = createLogger();
      const running = await server
        .startServer({ database, port: o.port, host: o.host, identity: identity.identityOptionsFromConfig(config), logger })
        .catch(async (e: unknown) => {
          await database.close(); // releases the folder's lock too
          throw e;
        });
      const stopRetention = server.scheduleRetention(
        database,
        logger,
        config.PATHWAYS_SPONSOR_RETENTION_MONTHS,
        config.PATHWAYS_UPLOAD_RETENTION_HOURS,
      );
      const stopSealer = server.scheduleSealer(database, logger, config.PATHWAYS_AUDIT_SEAL_MS);
      const stopAnchors = server.scheduleAnchors(database, logger, anchorFiles(config, opts.data));
      io.out(ctx.t()('serve.listening', { url: running.url, location: database.location }));
      if (!secrets.sealingConfigured(config.PATHWAYS_SECRET)) io.err(ctx.t()('serve.secretMissing'));
      await new Promise<void>((resolve) => {
        const stop = async () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          stopRetention();
          await running.close();
          await stopSealer();
          await stopAnchors();
          await database.close();
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
