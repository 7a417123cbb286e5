import { Command, CommanderError, Option } from 'commander';
import { appError } from '../i18n/problem.ts';
import { readFileSync } from 'node:fs';
import { cliActor } from '../audit/audit.ts';
import { advanceCase, parseAction } from '../cases/advance-case.ts';
import { importCaseEvents } from '../cases/case-events.import.ts';
import { getCase, listCases, stateOfCase } from '../cases/case.service.ts';
import { holdCases, resumeCases, type CaseScope } from '../cases/hold-cases.ts';
import { MODALITIES, STAGES, type Modality } from '../cases/stage.ts';
import { pipelineCsvRows, pipelineTable } from '../pipeline/pipeline.present.ts';
import { pipeline } from '../pipeline/pipeline.service.ts';
import { findCountry } from '../reference/country.ts';
import { importCasesFile, importPersonsFile, type PersonImportSummary } from '../cases/person.import.ts';
import { RELATIONSHIPS } from '../cases/person-row.ts';
import { loadConfig, type Config } from '../config/config.ts';
import { type Database } from '../db/db.ts';
import { openSeededDatabase } from '../seed/seed.ts';
import { loadDemo } from '../demo/load-demo.ts';
import { loadPathwaysDemo } from '../demo/pathways-demo.ts';
import { forecastTable, processingTimesTables } from '../evaluation/evaluation.present.ts';
import { forecastReport, processingTimesReport } from '../evaluation/evaluation.service.ts';
import { ErrorCode, exitCodeOf, isAppError, type RowProblem } from '../errors/app-error.ts';
import { formatCount, isLang, translator } from '../i18n/i18n.ts';
import { pledgeCsvRows, pledgeJson, pledgeTable } from '../pledges/pledge.present.ts';
import { importPledges, pledgeListing } from '../pledges/pledge.service.ts';
import type { Lang } from '../reference/country.ts';
import { renderTable, toCsv } from '../presentation/table.ts';
import { addRound, getRound, listRounds } from '../rounds/round.service.ts';
import { scheduleAnchors, scheduleRetention, startServer } from '../server/server.ts';
import { anchorFiles } from '../audit/anchor.ts';
import { createLogger } from '../server/logger.ts';
import { sealingConfigured } from '../identity/secret-box.ts';
import { identityOptionsFromConfig } from '../identity/identity.routes.ts';
import { stateOfPlayCsvRows, stateOfPlayTable } from '../state-of-play/state-of-play.present.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { progressBar } from './progress.ts';
import { DATASET_FORMATS, isDatasetFormat, writeDataset } from './write-dataset.ts';
import { pipelineDataset } from '../pipeline/pipeline.dataset.ts';
import { stateOfPlayDataset } from '../state-of-play/state-of-play.dataset.ts';
import { databaseError } from '../db/database-error.ts';
import { CLI_LANGS, formatOption, langOption, portNumber, positiveInt, stateCodeOf, UnknownLang } from './options.ts';
import {
  remoteAdvance,
  remoteBulk,
  remoteCase,
  remoteCases,
  remoteForecast,
  remotePipeline,
  remotePledges,
  remoteProcessingTimes,
  remoteRound,
  remoteRounds,
  remoteStateOfPlay,
  serverClient,
} from './remote.ts';
import type { ApiClient } from '../api/client.ts';
import { caseDetailView, caseListTable } from '../cases/case.present.ts';
import { isStatus } from '../cases/stage.ts';
import { roundsTable } from '../rounds/round.present.ts';
import { isPathway, isValidIsoDate } from '../rounds/round.ts';
import { announceFirstAdministrator, registerUserCommands } from './users.command.ts';
import { registerAuditCommands, registerPrivacyCommands } from './privacy.command.ts';
import { registerIncentiveCommands } from './incentives.command.ts';
import { registerProgrammeCommands } from './programmes.command.ts';
import { registerSponsorshipCommands } from './sponsorship.command.ts';
import { registerPlacementCommands } from './placement.command.ts';
import { registerStatisticsCommands } from './statistics.command.ts';
import { registerFederationCommands } from './federation.command.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is a terminal (progress bars only there). */
  tty: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
  tty: Boolean(process.stderr.isTTY),
};

/** Runs the CLI with the given arguments; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: Io = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    return report(e, io, 'en');
  }
  let lang: Lang = config.PATHWAYS_LANG;
  const program = new Command('pathways')
    .description("Pathways: the EU's legal pathways to protection — pledges, persons and the Commission's state of play.")
    .option('--data <dir>', 'folder of the embedded database (ignored when DATABASE_URL is set)', config.PATHWAYS_DATA)
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

  const withDb = async <T>(cmd: Command, work: (d: Database) => Promise<T>): Promise<T> => {
    const opts = cmd.optsWithGlobals() as { data: string; lang?: string; server?: string };
    if (opts.lang && isLang(opts.lang)) lang = opts.lang;
    if (opts.server ?? config.PATHWAYS_SERVER) throw appError(ErrorCode.BadInput, 'localOnly', { command: commandPath(cmd) });
    // The command line on the database's own machine acts as the operator, across every state.
    const database = await openSeededDatabase({ url: config.DATABASE_URL, appUrl: config.DATABASE_APP_URL, dataDir: opts.data, scope: '*' });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };
  /**
   * The commands that also work against a running instance (`--server`): the client, or null for
   * the local mode. Either way the same presenters print the data.
   */
  const remoteOf = (cmd: Command): ApiClient | null => {
    const opts = cmd.optsWithGlobals() as { lang?: string; server?: string; tokenFile?: string };
    if (opts.lang && isLang(opts.lang)) lang = opts.lang;
    return serverClient({ server: opts.server ?? config.PATHWAYS_SERVER, tokenFile: opts.tokenFile, token: config.PATHWAYS_TOKEN, lang });
  };
  const either = async <T>(cmd: Command, local: (d: Database) => Promise<T>, remote: (api: ApiClient) => Promise<T>): Promise<T> => {
    const api = remoteOf(cmd);
    return api ? remote(api) : withDb(cmd, local);
  };
  /** Over the API a case's state cannot be looked up across states: it must be named. */
  const stateForServer = (state: string | undefined): string => {
    if (!state) throw appError(ErrorCode.BadInput, 'serverNeedsState');
    return stateCodeOf(state);
  };
  const actor = cliActor(config.PATHWAYS_ACTOR);
  const t = () => translator(lang);
  registerAuditCommands(program, {
    withDb,
    actor,
    out: io.out,
    t,
    lang: () => lang,
    anchorFiles: (cmd) => anchorFiles(config, (cmd.optsWithGlobals() as { data: string }).data),
  });
  registerPrivacyCommands(program, {
    withDb,
    actor,
    out: io.out,
    t,
    lang: () => lang,
    sponsorRetentionMonths: config.PATHWAYS_SPONSOR_RETENTION_MONTHS,
    uploadRetentionHours: config.PATHWAYS_UPLOAD_RETENTION_HOURS,
  });
  registerUserCommands(program, { io, withDb, t, actor });

  const rounds = program.command('rounds').description('pledging rounds and Union Plans');
  rounds
    .command('list')
    .description('list the rounds')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { format: string }, cmd: Command) => {
      const all = await either(cmd, ({ db }) => listRounds(db), remoteRounds);
      io.out(o.format === 'json' ? JSON.stringify(all, null, 2) : renderTable(roundsTable(all, lang)));
    });
  rounds
    .command('add')
    .description(
      'add a round from a JSON file {id, title, legal_basis, start, end, target?, previous?, priorities?, incentives?, sources?}',
    )
    .argument('<file>', 'round file (JSON)')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const input = readJson(file);
        const round = await db.transaction((tx) => addRound({ db: tx, actor, input }));
        io.out(t()('rounds.added', { id: round.id, title: round.title, start: round.start, end: round.end }));
      }),
    );

  const pledges = program.command('pledges').description("Member States' pledges");
  pledges
    .command('list')
    .description('list the pledges of a round, as the Annex prints them')
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json']))
    .action(async (o: { round: string; format: string }, cmd: Command) => {
      const { json, listing } = await either(
        cmd,
        async ({ db }) => {
          const l = await pledgeListing(db, o.round);
          return { json: pledgeJson(l, lang), listing: async () => l };
        },
        (api) => remotePledges(api, o.round, lang),
      );
      if (o.format === 'json') return io.out(JSON.stringify(json, null, 2));
      if (o.format === 'csv') {
        const { headers, rows } = pledgeCsvRows(await listing(), lang);
        return io.out(toCsv(headers, rows));
      }
      const view = pledgeTable(await listing(), lang);
      io.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });
  pledges
    .command('import')
    .description('import pledges from CSV: member_state,pathway,places,carry_over,country_of_departure,note[,target_group]')
    .argument('<file>', 'pledge CSV file')
    .requiredOption('--round <id>', 'round id')
    .action(async (file: string, o: { round: string }, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const s = await importPledges({ db, actor, roundId: o.round, path: file, record: true });
        io.out(t()('pledges.imported', counts(s, lang)));
      }),
    );

  const persons = program.command('persons').description('persons and their cases');
  persons
    .command('import')
    .description(
      'import persons from CSV: case_ref,person_ref,member_state,pathway,round,citizenship,sex,birth_year,country_of_departure,arrived_on',
    )
    .argument('<file>', 'person CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const s = await withProgress(io, t()('persons.progress'), (bar) =>
          importPersonsFile({ db, actor, path: file, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, lang);
      }),
    );

  const cases = program.command('cases').description("a Member State's resettlement cases: households from referral to integration");
  cases
    .command('list')
    .description('the cases of a state')
    .requiredOption('--state <code>', 'Member State (protocol code, ISO code or name)')
    .option('--stage <stage>', 'only cases in this stage or status')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { state: string; stage?: string; format: string }, cmd: Command) => {
      const list = await either(
        cmd,
        ({ db }) => db.transaction((tx) => listCases({ db: tx, actor, stateCode: stateCodeOf(o.state), status: o.stage })),
        (api) => {
          const stateCode = stateCodeOf(o.state);
          if (o.stage !== undefined && !isStatus(o.stage)) throw appError(ErrorCode.BadInput, 'notStatus', { p1: o.stage });
          return remoteCases(api, stateCode, o.stage);
        },
      );
      io.out(o.format === 'json' ? JSON.stringify(list, null, 2) : renderTable(caseListTable(list, lang)));
    });
  cases
    .command('show')
    .description('one case: household, needs, history')
    .argument('<case_ref>', 'the case reference')
    .option('--state <code>', 'Member State, where two states use the reference')
    .addOption(formatOption(['table', 'json']))
    .action(async (caseRef: string, o: { state?: string; format: string }, cmd: Command) => {
      const detail = await either(
        cmd,
        ({ db }) =>
          db.transaction(async (tx) =>
            getCase({ db: tx, actor, stateCode: await stateOfCase(tx, caseRef, o.state && stateCodeOf(o.state)), caseRef }),
          ),
        async (api) => (await remoteCase(api, stateForServer(o.state), caseRef)).detail,
      );
      if (o.format === 'json') return io.out(JSON.stringify(detail, null, 2));
      const view = caseDetailView(detail);
      io.out([view.heading, '', renderTable(view.members), '', renderTable(view.history)].join('\n'));
    });
  cases
    .command('advance')
    .description('move a case: to a stage, or hold, resume, withdraw')
    .argument('<case_ref>', 'the case reference')
    .requiredOption('--to <stage>', `a stage (${STAGES.join(', ')}) or hold, resume, withdraw`)
    .option('--reason <text>', 'why (required to reject, defer, hold or withdraw)')
    .addOption(new Option('--modality <modality>', 'how the case was reviewed').choices([...MODALITIES]))
    .option('--on <date>', 'the day it happened (YYYY-MM-DD); default today')
    .option('--state <code>', 'Member State, where two states use the reference')
    .option('--version <n>', 'the version you read; refused if the case changed since', positiveInt)
    .option('--members <refs>', 'a split decision: the members accepted (person refs, comma-separated); the others are not')
    .action(
      async (
        caseRef: string,
        o: { to: string; reason?: string; modality?: Modality; on?: string; state?: string; version?: number; members?: string },
        cmd: Command,
      ) => {
        const members =
          o.members !== undefined
            ? o.members
                .split(',')
                .map((m) => m.trim())
                .filter(Boolean)
            : undefined;
        const r = await either(
          cmd,
          ({ db }) =>
            db.transaction(async (tx) =>
              advanceCase({
                db: tx,
                actor,
                caseRef,
                stateCode: await stateOfCase(tx, caseRef, o.state && stateCodeOf(o.state)),
                action: parseAction(o.to),
                reason: o.reason,
                modality: o.modality,
                on: o.on,
                expectedVersion: o.version,
                ...(members !== undefined ? { acceptedMembers: members } : {}),
              }),
            ),
          (api) =>
            remoteAdvance(api, {
              state: stateForServer(o.state),
              ref: caseRef,
              action: parseAction(o.to),
              reason: o.reason,
              modality: o.modality,
              on: o.on,
              version: o.version,
              members,
            }),
        );
        io.out(t()('cases.moved', { ref: caseRef, from: r.from, to: r.to, version: r.version, arrived: r.arrived }));
      },
    );
  cases
    .command('import')
    .description(
      'import cases and their members from CSV or XLSX: the person columns, and priority, primary_category, secondary_category, referring_partner, partner_ref, linked_cases, relationship, needs, referred_on' +
        ` (relationship, each member's to the principal applicant: ${RELATIONSHIPS.join(', ')}; an example file: the template of the Imports page)`,
    )
    .argument('<file>', 'case file (.csv or .xlsx)')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const s = await withProgress(io, t()('persons.progress'), (bar) =>
          importCasesFile({ db, actor, path: file, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, lang);
      }),
    );
  cases
    .command('events')
    .description('the history of cases')
    .command('import')
    .description('back-fill moves of cases from CSV: case_ref,stage,date,actor,reason[,member_state,modality]')
    .argument('<file>', 'event CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const s = await withProgress(io, t()('persons.progress'), (bar) =>
          importCaseEvents({ db, actor, path: file, onProgress: (rows, fraction) => bar.update(fraction, rows) }),
        );
        io.out(t()('events.imported', { rows: s.moved, rowsText: formatCount(s.moved, lang), cases: formatCount(s.cases, lang) }));
      }),
    );
  const scopeOptions = (c: Command) =>
    c
      .option('--state <code>', 'the cases of one Member State')
      .option('--departure <country>', 'the cases departing from one country')
      .option('--all', 'every case')
      .option('--on <date>', 'the day it happened (YYYY-MM-DD); default today');
  const scopeOf = (o: { state?: string; departure?: string; all?: boolean }): CaseScope => ({
    stateCode: o.state ? stateCodeOf(o.state) : undefined,
    countryOfDeparture: o.departure ? countryCodeOf(o.departure) : undefined,
    all: o.all,
  });
  /** Over the API, a hold or resumption is one state's (its officers' policy): --all is the operator's, on the database's machine. */
  const remoteScope = (o: { state?: string; departure?: string; all?: boolean }) => {
    if (o.all) throw appError(ErrorCode.BadInput, 'localOnly', { command: 'cases hold/resume --all' });
    return { state: stateForServer(o.state), countryOfDeparture: o.departure ? countryCodeOf(o.departure) : undefined };
  };
  scopeOptions(cases.command('hold').description('put cases on hold (for one state, one country of departure, or all)'))
    .requiredOption('--reason <text>', 'why')
    .action(async (o: { state?: string; departure?: string; all?: boolean; reason: string; on?: string }, cmd: Command) => {
      const r = await either(
        cmd,
        ({ db }) => db.transaction((tx) => holdCases({ db: tx, actor, scope: scopeOf(o), reason: o.reason, on: o.on ?? today() })),
        (api) => remoteBulk(api, 'hold', { ...remoteScope(o), reason: o.reason, on: o.on ?? today() }),
      );
      io.out(t()('cases.held', { total: r.total }));
    });
  scopeOptions(cases.command('resume').description('resume cases on hold, each at the stage it was held from'))
    .option('--reason <text>', 'why')
    .action(async (o: { state?: string; departure?: string; all?: boolean; reason?: string; on?: string }, cmd: Command) => {
      const r = await either(
        cmd,
        ({ db }) => db.transaction((tx) => resumeCases({ db: tx, actor, scope: scopeOf(o), reason: o.reason, on: o.on ?? today() })),
        (api) => remoteBulk(api, 'resume', { ...remoteScope(o), reason: o.reason, on: o.on ?? today() }),
      );
      io.out(t()('cases.resumed', { total: r.total }));
    });

  const reports = program.command('report').description('reports');
  reports
    .command('pipeline')
    .description('where the cases of a round stand, per state: in review, accepted, departing, arrived, on hold, rejected, withdrawn')
    .requiredOption('--round <id>', 'round id')
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json', ...DATASET_FORMATS]))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .action(async (o: { round: string; format: string; output?: string }, cmd: Command) => {
      const p = await either(
        cmd,
        ({ db }) => pipeline({ db, roundId: o.round }),
        (api) => remotePipeline(api, o.round),
      );
      if (o.format === 'json') return io.out(JSON.stringify(p, null, 2));
      if (isDatasetFormat(o.format))
        return writeDataset({ format: o.format, dataset: pipelineDataset(p, t()), t: t(), out: io.out, output: o.output });
      if (o.format === 'csv') {
        const { headers, rows } = pipelineCsvRows(p);
        return io.out(toCsv(headers, rows));
      }
      const view = pipelineTable(p, lang);
      io.out([view.title, '', renderTable(view.table)].join('\n'));
    });
  reports
    .command('processing-times')
    .description('days spent in each stage and from referral to arrival (median, 90th percentile), and drop-outs (P 10)')
    .requiredOption('--round <id>', 'round id')
    .option(
      '--by <dimensions>',
      `group by any of ${['state', 'round', 'pathway', 'priority', 'modality'].join(', ')} (comma-separated); default state`,
      'state',
    )
    .option('--as-of <date>', 'as things stood at the end of this day')
    .addOption(langOption())
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { round: string; by: string; asOf?: string; format: string }, cmd: Command) => {
      const list = await either(
        cmd,
        ({ db }) =>
          processingTimesReport({
            db,
            roundId: o.round,
            groupBy: o.by
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
            asOf: o.asOf,
          }),
        (api) => remoteProcessingTimes(api, { round: o.round, by: o.by, asOf: checkedAsOf(o.asOf) }),
      );
      if (o.format === 'json') return io.out(JSON.stringify(list, null, 2));
      io.out(
        processingTimesTables(list, lang)
          .map((v) => [v.title, '', renderTable(v.table), '', ...v.notes].join('\n'))
          .join('\n\n'),
      );
    });
  reports
    .command('forecast')
    .description("the arrivals expected by the end of the round's period, per state and for the EU, with an 80 % interval")
    .requiredOption('--round <id>', 'round id')
    .option('--as-of <date>', 'make the forecast as things stood on this day (default today, or the round end)')
    .option('--iterations <n>', 'simulated futures', positiveInt, 200)
    .option('--seed <s>', 'seed of the simulation', positiveInt, 1)
    .addOption(langOption())
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { round: string; asOf?: string; iterations: number; seed: number; format: string }, cmd: Command) => {
      const r = await either(
        cmd,
        ({ db }) => forecastReport({ db, roundId: o.round, asOf: o.asOf, iterations: o.iterations, seed: o.seed }),
        (api) => remoteForecast(api, { round: o.round, asOf: checkedAsOf(o.asOf), iterations: o.iterations, seed: o.seed }),
      );
      if (o.format === 'json')
        return io.out(JSON.stringify({ round: r.round.id, target: r.round.target, pledged: r.pledged, ...r.forecast }, null, 2));
      const view = forecastTable(r, lang);
      io.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });
  reports
    .command('state-of-play')
    .description("the Commission's state of play of a round: pledged, arrived, share delivered, by country of departure")
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .option('--as-of <date>', 'count arrivals up to this day (YYYY-MM-DD); default today')
    .option('--pathway <pathway...>', "pathways to count (default: the round's)")
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json', ...DATASET_FORMATS]))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .action(async (o: { round: string; asOf?: string; pathway?: string[]; format: string; output?: string }, cmd: Command) => {
      const { sop, round } = await either(
        cmd,
        async ({ db }) => ({
          sop: await stateOfPlay({ db, roundId: o.round, asOf: o.asOf, lang, pathways: o.pathway }),
          round: await getRound(db, o.round),
        }),
        async (api) => {
          const bad = o.pathway?.find((p) => !isPathway(p));
          if (bad) throw appError(ErrorCode.BadInput, 'notPathway', { p1: bad });
          const sop = await remoteStateOfPlay(api, { round: o.round, asOf: checkedAsOf(o.asOf), pathways: o.pathway, lang });
          return { sop, round: await remoteRound(api, o.round) };
        },
      );
      if (o.format === 'json') return io.out(JSON.stringify(sop, null, 2));
      if (isDatasetFormat(o.format))
        return writeDataset({ format: o.format, dataset: stateOfPlayDataset(sop, t()), t: t(), out: io.out, output: o.output });
      if (o.format === 'csv') {
        const { headers, rows } = stateOfPlayCsvRows(sop);
        return io.out(toCsv(headers, rows));
      }
      const view = stateOfPlayTable(sop, round.sources, lang);
      io.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });

  registerIncentiveCommands(program, { withDb, actor, out: io.out, t, lang: () => lang });
  registerProgrammeCommands(program, { withDb, actor, out: io.out, t, lang: () => lang });
  registerSponsorshipCommands(program, { withDb, actor, out: io.out, t, lang: () => lang });
  registerPlacementCommands(program, { withDb, actor, out: io.out, t, lang: () => lang });
  registerStatisticsCommands(program, { withDb, actor, out: io.out, t, lang: () => lang });
  registerFederationCommands(program, { withDb, actor, out: io.out, t, lang: () => lang, returnKey: config.PATHWAYS_RETURN_KEY });
  program
    .command('demo')
    .description(
      'load realistic synthetic data (seeded, reproducible) into the 2020–2021 round: households with their whole case histories, and every other pathway and area',
    )
    .requiredOption('--persons <n>', 'number of persons', positiveInt)
    .option('--seed <s>', 'seed', positiveInt, 2020)
    .action(async (o: { persons: number; seed: number }, cmd: Command) =>
      withDb(cmd, async ({ db }) => {
        const s = await withProgress(io, t()('persons.progress'), (bar) =>
          loadDemo({ db, actor, persons: o.persons, seed: o.seed, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, lang);
        const more = await withProgress(io, t()('demo.pathwaysProgress'), (bar) =>
          loadPathwaysDemo({ db, actor, persons: o.persons, seed: o.seed, onProgress: (f) => bar.update(f, 0) }),
        );
        io.out(t()('demo.pathways', counts(more, lang)));
      }),
    );

  program
    .command('serve')
    .description('serve the platform over HTTP: the API (reference at /api/docs, document at /api/openapi.json) and /health')
    .option('--port <port>', 'port (0 picks a free one)', portNumber, config.PORT)
    .option('--host <host>', 'address to listen on', config.HOST)
    .action(async (o: { port: number; host: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as { data: string; lang?: string };
      if (opts.lang && isLang(opts.lang)) lang = opts.lang;
      // Without its own login the application switches to its role on the owner's connections, and an
      // injected RESET ROLE would make it the owner again: refused in production, loudly warned elsewhere.
      if (config.DATABASE_URL && !config.DATABASE_APP_URL) {
        if (env.NODE_ENV === 'production') throw appError(ErrorCode.Configuration, 'appUrlRequired');
        io.err(t()('serve.appUrlMissing'));
      }
      const database = await openSeededDatabase({ url: config.DATABASE_URL, appUrl: config.DATABASE_APP_URL, dataDir: opts.data });
      await announceFirstAdministrator(database, io, t()).catch(async (e: unknown) => {
        await database.close();
        throw e;
      });
      const logger = createLogger();
      const server = await startServer({ database, port: o.port, host: o.host, identity: identityOptionsFromConfig(config), logger }).catch(
        async (e: unknown) => {
          await database.close(); // releases the folder's lock too
          throw e;
        },
      );
      const stopRetention = scheduleRetention(
        database,
        logger,
        config.PATHWAYS_SPONSOR_RETENTION_MONTHS,
        config.PATHWAYS_UPLOAD_RETENTION_HOURS,
      );
      const stopAnchors = scheduleAnchors(database, logger, anchorFiles(config, opts.data));
      io.out(t()('serve.listening', { url: server.url, location: database.location }));
      if (!sealingConfigured(config.PATHWAYS_SECRET)) io.err(t()('serve.secretMissing'));
      await new Promise<void>((resolve) => {
        const stop = async () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          stopRetention();
          await server.close();
          await stopAnchors();
          await database.close();
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

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

function printImport(s: PersonImportSummary, io: Io, lang: Lang) {
  const t = translator(lang);
  io.out(t('persons.imported', counts(s, lang)));
  if (s.outsideAnyRound > 0) io.err(t('persons.outsideRound', { n: s.outsideAnyRound }));
}

/** Counts for a message: each formatted as the language prints numbers, and `rows` kept as a number for the plural. */
function counts(s: object, lang: Lang): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'number') out[k] = formatCount(v, lang);
  const rows = (s as { rows?: number }).rows ?? 0;
  return { ...out, rows, rowsText: formatCount(rows, lang) };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw appError(ErrorCode.NotFound, 'cannotRead', { p1: file, p2: (e as Error).message });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw appError(ErrorCode.BadInput, 'notJson', { p1: file, p2: (e as Error).message });
  }
}

const today = () => new Date().toISOString().slice(0, 10);

/** An --as-of checked as the services check it, so that --server says the same as the local mode. */
function checkedAsOf(asOf: string | undefined): string | undefined {
  if (asOf !== undefined && !isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  return asOf;
}

/** "cases list", for messages. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Runs long work with a progress bar on a terminal, and takes the bar away however the work ends. */
async function withProgress<T>(io: Io, label: string, work: (bar: ReturnType<typeof progressBar>) => Promise<T>): Promise<T> {
  const bar = progressBar(io.tty, label);
  try {
    return await work(bar);
  } finally {
    bar.stop();
  }
}

function countryCodeOf(input: string): string {
  const c = findCountry(input);
  if (!c.ok)
    throw c.reason === 'ambiguous'
      ? appError(ErrorCode.BadInput, 'countryAmbiguous', { input, candidates: c.candidates.join(' / ') })
      : appError(ErrorCode.BadInput, 'countryUnknown', { input });
  return c.country.iso3;
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
