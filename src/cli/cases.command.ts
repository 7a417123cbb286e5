import { type Command, Option } from 'commander';
import type { CaseScope } from '../cases/hold-cases.ts';
import { MODALITIES, type Modality, STAGES, isStatus } from '../cases/stage.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { formatCount } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import type { CliContext } from './context.ts';
import { countryCodeOf, formatOption, positiveInt, stateCodeOf, withLookups } from './options.ts';
import { printImport, today } from './output.ts';

/**
 * The relationships a case file takes, for `cases import`'s help: read from the import's own list
 * (which reads the country names) only when the command line names `cases`, the only way that help
 * is shown, so that other commands and `pathways --help` start without it.
 */
export async function caseHelp(argv: readonly string[]): Promise<{ relationships: readonly string[] } | undefined> {
  if (!argv.slice(2).includes('cases')) return undefined;
  const { RELATIONSHIPS } = await import('../cases/person-row.ts');
  return { relationships: RELATIONSHIPS };
}

/**
 * `pathways persons import` and `pathways cases …`: a Member State's cases from referral to
 * integration — list, show, advance (on the database or a running instance), import, back-fill
 * their history, hold and resume.
 */
export function registerCaseCommands(program: Command, ctx: CliContext, help?: { relationships: readonly string[] }): void {
  withLookups(program);
  const { io } = ctx;
  /** Long work with a progress bar (on a terminal) labelled by the message `label`. */
  const progress = async (label: string) => {
    const { withProgress } = await import('./progress.ts');
    return <T>(work: (bar: { update: (fraction: number | null, rows: number) => void }) => Promise<T>) =>
      withProgress(io.tty, ctx.t()(label), work);
  };

  const persons = program.command('persons').description('persons and their cases');
  persons
    .command('import')
    .description(
      'import persons from CSV: case_ref,person_ref,member_state,pathway,round,citizenship,sex,birth_year,country_of_departure,arrived_on',
    )
    .argument('<file>', 'person CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const [{ importPersonsFile }, withProgress] = await Promise.all([
          import('../cases/person.import.ts'),
          progress('persons.progress'),
        ]);
        const s = await withProgress((bar) =>
          importPersonsFile({ db, actor: ctx.actor, path: file, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, ctx.lang());
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
      const list = await ctx.either(
        cmd,
        async ({ db }) => {
          const { listCases } = await import('../cases/case.service.ts');
          return db.transaction((tx) => listCases({ db: tx, actor: ctx.actor, stateCode: stateCodeOf(o.state), status: o.stage }));
        },
        (api, r) => {
          const stateCode = stateCodeOf(o.state);
          if (o.stage !== undefined && !isStatus(o.stage)) throw appError(ErrorCode.BadInput, 'notStatus', { p1: o.stage });
          return r.remoteCases(api, stateCode, o.stage);
        },
      );
      if (o.format === 'json') return io.out(JSON.stringify(list, null, 2));
      const [{ renderTable }, { caseListTable }] = await Promise.all([
        import('../presentation/table.ts'),
        import('../cases/case.present.ts'),
      ]);
      io.out(renderTable(caseListTable(list, ctx.lang())));
    });
  cases
    .command('show')
    .description('one case: household, needs, history')
    .argument('<case_ref>', 'the case reference')
    .option('--state <code>', 'Member State, where two states use the reference')
    .addOption(formatOption(['table', 'json']))
    .action(async (caseRef: string, o: { state?: string; format: string }, cmd: Command) => {
      const detail = await ctx.either(
        cmd,
        async ({ db }) => {
          const { getCase, stateOfCase } = await import('../cases/case.service.ts');
          return db.transaction(async (tx) =>
            getCase({ db: tx, actor: ctx.actor, stateCode: await stateOfCase(tx, caseRef, o.state && stateCodeOf(o.state)), caseRef }),
          );
        },
        async (api, r) => (await r.remoteCase(api, ctx.stateForServer(o.state), caseRef)).detail,
      );
      if (o.format === 'json') return io.out(JSON.stringify(detail, null, 2));
      const [{ renderTable }, { caseDetailView }] = await Promise.all([
        import('../presentation/table.ts'),
        import('../cases/case.present.ts'),
      ]);
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
        const { parseAction } = await import('../cases/advance-case.ts');
        const r = await ctx.either(
          cmd,
          async ({ db }) => {
            const [{ advanceCase }, { stateOfCase }] = await Promise.all([
              import('../cases/advance-case.ts'),
              import('../cases/case.service.ts'),
            ]);
            return db.transaction(async (tx) =>
              advanceCase({
                db: tx,
                actor: ctx.actor,
                caseRef,
                stateCode: await stateOfCase(tx, caseRef, o.state && stateCodeOf(o.state)),
                action: parseAction(o.to),
                reason: o.reason,
                modality: o.modality,
                on: o.on,
                expectedVersion: o.version,
                ...(members !== undefined ? { acceptedMembers: members } : {}),
              }),
            );
          },
          (api, remote) =>
            remote.remoteAdvance(api, {
              state: ctx.stateForServer(o.state),
              ref: caseRef,
              action: parseAction(o.to),
              reason: o.reason,
              modality: o.modality,
              on: o.on,
              version: o.version,
              members,
            }),
        );
        io.out(ctx.t()('cases.moved', { ref: caseRef, from: r.from, to: r.to, version: r.version, arrived: r.arrived }));
      },
    );
  cases
    .command('import')
    .description(
      'import cases and their members from CSV or XLSX: the person columns, and priority, primary_category, secondary_category, referring_partner, partner_ref, linked_cases, relationship, needs, referred_on' +
        (help
          ? ` (relationship, each member's to the principal applicant: ${help.relationships.join(', ')}; an example file: the template of the Imports page)`
          : ''),
    )
    .argument('<file>', 'case file (.csv or .xlsx)')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const [{ importCasesFile }, withProgress] = await Promise.all([import('../cases/person.import.ts'), progress('persons.progress')]);
        const s = await withProgress((bar) =>
          importCasesFile({ db, actor: ctx.actor, path: file, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, ctx.lang());
      }),
    );
  cases
    .command('events')
    .description('the history of cases')
    .command('import')
    .description('back-fill moves of cases from CSV: case_ref,stage,date,actor,reason[,member_state,modality]')
    .argument('<file>', 'event CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const [{ importCaseEvents }, withProgress] = await Promise.all([
          import('../cases/case-events.import.ts'),
          progress('persons.progress'),
        ]);
        const s = await withProgress((bar) =>
          importCaseEvents({ db, actor: ctx.actor, path: file, onProgress: (rows, fraction) => bar.update(fraction, rows) }),
        );
        const lang = ctx.lang();
        io.out(ctx.t()('events.imported', { rows: s.moved, rowsText: formatCount(s.moved, lang), cases: formatCount(s.cases, lang) }));
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
    return { state: ctx.stateForServer(o.state), countryOfDeparture: o.departure ? countryCodeOf(o.departure) : undefined };
  };
  scopeOptions(cases.command('hold').description('put cases on hold (for one state, one country of departure, or all)'))
    .requiredOption('--reason <text>', 'why')
    .action(async (o: { state?: string; departure?: string; all?: boolean; reason: string; on?: string }, cmd: Command) => {
      const r = await ctx.either(
        cmd,
        async ({ db }) => {
          const { holdCases } = await import('../cases/hold-cases.ts');
          return db.transaction((tx) => holdCases({ db: tx, actor: ctx.actor, scope: scopeOf(o), reason: o.reason, on: o.on ?? today() }));
        },
        (api, remote) => remote.remoteBulk(api, 'hold', { ...remoteScope(o), reason: o.reason, on: o.on ?? today() }),
      );
      io.out(ctx.t()('cases.held', { total: r.total }));
    });
  scopeOptions(cases.command('resume').description('resume cases on hold, each at the stage it was held from'))
    .option('--reason <text>', 'why')
    .action(async (o: { state?: string; departure?: string; all?: boolean; reason?: string; on?: string }, cmd: Command) => {
      const r = await ctx.either(
        cmd,
        async ({ db }) => {
          const { resumeCases } = await import('../cases/hold-cases.ts');
          return db.transaction((tx) =>
            resumeCases({ db: tx, actor: ctx.actor, scope: scopeOf(o), reason: o.reason, on: o.on ?? today() }),
          );
        },
        (api, remote) => remote.remoteBulk(api, 'resume', { ...remoteScope(o), reason: o.reason, on: o.on ?? today() }),
      );
      io.out(ctx.t()('cases.resumed', { total: r.total }));
    });
}
