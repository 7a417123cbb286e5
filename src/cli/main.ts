import { Command, CommanderError } from 'commander';
import type { Principal } from '../access/principal.ts';
import type { ApiClient } from '../api/client.ts';
import type { Config } from '../config/config.ts';
import { previewConfig } from '../config/defaults.ts';
import { databaseError } from '../db/database-error.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode, exitCodeOf, isAppError, type RowProblem } from '../errors/app-error.ts';
import { isLang, translator } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import type { Lang } from '../reference/country.ts';
import { caseHelp, registerCaseCommands } from './cases.command.ts';
import type { CliContext, Io } from './context.ts';
import { registerDemoCommands } from './demo.command.ts';
import { registerEvaluationCommands } from './evaluation.command.ts';
import { registerFederationCommands } from './federation.command.ts';
import { registerIncentiveCommands } from './incentives.command.ts';
import { CLI_LANGS, langOption, stateCodeOf, UnknownLang } from './options.ts';
import { registerPipelineCommands } from './pipeline.command.ts';
import { registerPlacementCommands } from './placement.command.ts';
import { registerPledgeCommands } from './pledges.command.ts';
import { registerAuditCommands, registerPrivacyCommands } from './privacy.command.ts';
import { registerProgrammeCommands } from './programmes.command.ts';
import { registerRoundCommands } from './rounds.command.ts';
import { registerServerCommands } from './server.command.ts';
import { registerSponsorshipCommands } from './sponsorship.command.ts';
import { registerStateOfPlayCommands } from './state-of-play.command.ts';
import { registerStatisticsCommands } from './statistics.command.ts';
import { registerUserCommands } from './users.command.ts';

/*
 * The command line: the global options, the language, each feature's commands (src/cli/*.command.ts)
 * and the printing of errors. It starts on commander and the configuration alone: the database, the
 * server, the API's client and each feature's services are imported by the command that uses them,
 * so that `pathways --help` answers at once.
 */

const defaultIo: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
  tty: Boolean(process.stderr.isTTY),
};

/** Runs the CLI with the given arguments; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: Io = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The help shows the configuration's values as set; a command validates it first (and loads zod
  // for that), so that `pathways --help` starts on commander and the catalogues alone.
  const preview = previewConfig(env);
  let validated: Config | undefined;
  const config = (): Config => {
    if (!validated) throw new Error('the configuration is read before a command runs');
    return validated;
  };
  let lang: Lang = preview.PATHWAYS_LANG;
  const program = new Command('pathways')
    .description("Pathways: the EU's legal pathways to protection — pledges, persons and the Commission's state of play.")
    .option('--data <dir>', 'folder of the embedded database (ignored when DATABASE_URL is set)', preview.PATHWAYS_DATA)
    .addOption(langOption())
    .option(
      '--server <url>',
      'talk to a running instance instead of the database (env PATHWAYS_SERVER); the token from PATHWAYS_TOKEN or --token-file',
    )
    .option('--token-file <file>', 'file holding the session token for --server')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // A mistake in the options is said in a line or two, not followed by the whole help.
    .showHelpAfterError('(add --help for the usage)');

  const readGlobals = (cmd: Command) => {
    const opts = cmd.optsWithGlobals() as { data: string; lang?: string };
    if (opts.lang && isLang(opts.lang)) lang = opts.lang;
    return opts;
  };
  const withDb = async <T>(cmd: Command, work: (d: Database) => Promise<T>): Promise<T> => {
    const opts = readGlobals(cmd) as { data: string; server?: string };
    if (opts.server ?? config().PATHWAYS_SERVER) throw appError(ErrorCode.BadInput, 'localOnly', { command: commandPath(cmd) });
    if (io.database) return work(io.database);
    // The command line on the database's own machine acts as the operator, across every state.
    const { openSeededDatabase } = await import('../seed/seed.ts');
    const database = await openSeededDatabase({
      url: config().DATABASE_URL,
      appUrl: config().DATABASE_APP_URL,
      dataDir: opts.data,
      scope: '*',
      // A command holds no server's event loop: the embedded database runs in this thread, which opens
      // and closes it about 0.6 s sooner than a worker (the server keeps the worker, issue 19).
      thread: false,
    });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };
  /** The client of a running instance (`--server`), or null for the local mode. */
  const remoteOf = async (cmd: Command) => {
    const opts = cmd.optsWithGlobals() as { lang?: string; server?: string; tokenFile?: string };
    if (opts.lang && isLang(opts.lang)) lang = opts.lang;
    const server = opts.server ?? config().PATHWAYS_SERVER;
    const remote = server ? await import('./remote.ts') : null;
    const api: ApiClient | null = remote
      ? remote.serverClient({ server, tokenFile: opts.tokenFile, token: config().PATHWAYS_TOKEN, lang })
      : null;
    return remote && api ? { remote, api } : null;
  };

  // The operator the command line acts as: read (with the audit module) when a command runs, not for --help.
  let actor: Principal | undefined;
  program.hook('preAction', async () => {
    // The language was read from the same variables for the help (previewConfig); a valid
    // configuration cannot name another.
    validated ??= (await import('../config/config.ts')).loadConfig(env);
    actor ??= (await import('../audit/audit-line.service.ts')).cliActor(validated.PATHWAYS_ACTOR);
  });
  const ctx: CliContext = {
    io,
    get config(): Config {
      return config();
    },
    preview,
    env,
    out: io.out,
    t: () => translator(lang),
    lang: () => lang,
    get actor(): Principal {
      if (!actor) throw new Error('the actor is read before a command runs');
      return actor;
    },
    withDb,
    either: async (cmd, local, remote) => {
      const r = await remoteOf(cmd);
      return r ? remote(r.api, r.remote) : withDb(cmd, local);
    },
    stateForServer: (state) => {
      if (!state) throw appError(ErrorCode.BadInput, 'serverNeedsState');
      return stateCodeOf(state);
    },
    readGlobals,
  };

  /** The context with what one feature's commands need besides (the actor stays read when a command runs). */
  const and = <E extends object>(extra: E): CliContext & E =>
    Object.defineProperties(Object.create(ctx) as CliContext, Object.getOwnPropertyDescriptors(extra)) as CliContext & E;
  registerAuditCommands(
    program,
    and({
      anchorFiles: async (cmd: Command) =>
        (await import('../audit/anchor.ts')).anchorFiles(config(), (cmd.optsWithGlobals() as { data: string }).data),
    }),
  );
  registerPrivacyCommands(
    program,
    and({
      get sponsorRetentionMonths() {
        return config().PATHWAYS_SPONSOR_RETENTION_MONTHS;
      },
      get uploadRetentionHours() {
        return config().PATHWAYS_UPLOAD_RETENTION_HOURS;
      },
    }),
  );
  registerUserCommands(program, ctx);
  registerRoundCommands(program, ctx);
  registerPledgeCommands(program, ctx);
  registerCaseCommands(program, ctx, await caseHelp(argv));
  registerPipelineCommands(program, ctx);
  registerEvaluationCommands(program, ctx);
  registerStateOfPlayCommands(program, ctx);
  registerIncentiveCommands(program, ctx);
  registerProgrammeCommands(program, ctx);
  registerSponsorshipCommands(program, ctx);
  registerPlacementCommands(program, ctx);
  registerStatisticsCommands(program, ctx);
  registerFederationCommands(
    program,
    and({
      get returnKey() {
        return config().PATHWAYS_RETURN_KEY;
      },
    }),
  );
  registerDemoCommands(program, ctx);
  registerServerCommands(program, ctx);

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof UnknownLang) {
      const tr = translator(lang);
      io.err(`${tr('error.prefix')}: ${tr('error.langUnknown', { p1: e.value, choices: CLI_LANGS.join(', ') })}`);
      return 2;
    }
    return report(e, io, lang);
  }
}

/** "cases list", for messages. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const MAX_LISTED = 200;

/** Prints an error for a person: what went wrong, every bad row, what to do. Returns the exit code. */
function report(thrown: unknown, io: Io, lang: Lang): number {
  const t = translator(lang);
  const e = isAppError(thrown) ? thrown : (databaseError(thrown) ?? thrown);
  if (isAppError(e)) {
    io.err(`${t('error.prefix')}: ${e.messageKey ? t(`error.${e.messageKey}`, e.params) : e.message}`);
    if (Array.isArray(e.details) && e.details.length > 0) {
      const problems = e.details as RowProblem[];
      io.err(t('problems.header', { n: problems.length }));
      for (const p of problems.slice(0, MAX_LISTED)) {
        const reason = p.code ? t(`problem.${p.code}`, p.params) : p.reason;
        io.err(`  ${t('problems.row', { row: p.row, column: p.column || '-', value: p.value, reason })}`);
      }
      if (problems.length > MAX_LISTED) {
        io.err(`  ${t('problems.more', { n: problems.length - MAX_LISTED })}`);
        io.err(JSON.stringify(problems.slice(MAX_LISTED)));
      }
    }
    return exitCodeOf[e.code];
  }
  // An unexpected failure: say so plainly, with enough to report it, but never a megabyte of SQL parameters.
  const err = e as Error & { cause?: unknown };
  const cause = err?.cause instanceof Error ? `\n  cause: ${err.cause.message}` : '';
  io.err(`${t('error.prefix')}: ${String(err?.stack ?? err).slice(0, 2000)}${cause}`);
  return exitCodeOf.internal;
}
