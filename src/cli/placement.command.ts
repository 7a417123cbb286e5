import type { Command } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { TIME_LIMIT } from '../placement/decision.ts';
import { formatOption, positiveInt, stateCodeOf, withLookups } from './options.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../placement/placement.present.ts')),
  ...(await import('../placement/placement.service.ts')),
  ...(await import('./progress.ts')),
});

/**
 * `pathways placement places import|list`, `pathways placement solve` (the optimiser, with a progress
 * bar on a terminal, waiting for its end) and `pathways placement confirm` (decisions on a run's
 * proposal). The same services as the API, in the operator's scope, audited.
 */
export function registerPlacementCommands(program: Command, ctx: CommandContext): void {
  withLookups(program);
  const placement = program
    .command('placement')
    .description('placing households at receiving places: proposal by the optimiser, decision by a caseworker');
  const places = placement.command('places').description("a Member State's receiving places");
  places
    .command('import <file>')
    .description('add or change places by code from a CSV or JSON file, all or none')
    .requiredOption('--state <state>', 'the Member State')
    .action(async (file: string, o: { state: string }, cmd: Command) => {
      const { inScope, importPlaces, readPlacesFile } = await load();
      const stateCode = stateCodeOf(o.state);
      const list = await readPlacesFile(file);
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => importPlaces({ db: tx, actor: ctx.actor, stateCode, places: list, source: file })),
      );
      ctx.out(ctx.t()('placement.cli.imported', { created: r.created, changed: r.changed }));
    });
  places
    .command('list')
    .description("a Member State's places with their capacities")
    .requiredOption('--state <state>', 'the Member State')
    .action(async (o: { state: string }, cmd: Command) => {
      const { inScope, placesTable, listPlaces } = await load();
      const stateCode = stateCodeOf(o.state);
      const list = await ctx.withDb(cmd, ({ db }) => inScope(db, ctx.actor, (tx) => listPlaces({ db: tx, actor: ctx.actor, stateCode })));
      ctx.out(placesTable(list, ctx.t()));
    });

  placement
    .command('solve')
    .description(
      "propose places for a round's accepted households not yet placed: objective, LP bound, gap, binding capacities, each household's why",
    )
    .requiredOption('--round <id>', 'the round')
    .requiredOption('--state <state>', 'the Member State')
    .option('--places <file>', 'import these places first (CSV or JSON)')
    .option('--time-limit <seconds>', `time limit (${TIME_LIMIT.min}–${TIME_LIMIT.max})`, positiveInt, TIME_LIMIT.default)
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { round: string; state: string; places?: string; timeLimit: number; format: string }, cmd: Command) => {
      const { inScope, runText, getRun, importPlaces, readPlacesFile, startRun, progressBar } = await load();
      const stateCode = stateCodeOf(o.state);
      if (o.timeLimit > TIME_LIMIT.max) throw appError(ErrorCode.BadInput, 'placementTimeLimit', { p1: TIME_LIMIT.max });
      const file = o.places ? await readPlacesFile(o.places) : null;
      const run = await ctx.withDb(cmd, async ({ db }) => {
        if (file)
          await inScope(db, ctx.actor, (tx) => importPlaces({ db: tx, actor: ctx.actor, stateCode, places: file, source: o.places! }));
        const bar = progressBar(o.format === 'table' && process.stderr.isTTY === true, 'placement');
        const t0 = Date.now();
        const tick = setInterval(() => bar.update((Date.now() - t0) / (o.timeLimit * 1000), 0), 250);
        try {
          const { done } = await startRun({ db, actor: ctx.actor, stateCode, roundId: o.round, timeLimitSeconds: o.timeLimit });
          const ended = await done;
          return inScope(db, ctx.actor, (tx) => getRun({ db: tx, actor: ctx.actor, stateCode, id: ended.id }));
        } finally {
          clearInterval(tick);
          bar.stop();
        }
      });
      ctx.out(o.format === 'json' ? JSON.stringify(run, null, 2) : runText(run, ctx.t()));
      if (run.status === 'failed') process.exitCode = 1;
    });

  placement
    .command('confirm')
    .description(
      "record decisions on a run's proposal: every placed household as proposed (--all), or given ones at a place of your choice",
    )
    .requiredOption('--run <id>', 'the run', positiveInt)
    .requiredOption('--state <state>', 'the Member State')
    .option('--all', 'confirm every household the run placed, as proposed')
    .option('--household <ref=place...>', 'a household and the place decided (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--reason <text>', 'why (for a change by hand)')
    .action(async (o: { run: number; state: string; all?: boolean; household?: string[]; reason?: string }, cmd: Command) => {
      const { inScope, placementsTable, decide, getRun } = await load();
      const stateCode = stateCodeOf(o.state);
      if (!o.all === !o.household?.length) throw appError(ErrorCode.BadInput, 'placementConfirmWhat');
      const pairs = (o.household ?? []).map((h) => {
        const [caseRef, place] = h.split('=');
        if (!caseRef || !place) throw appError(ErrorCode.BadInput, 'placementConfirmWhat');
        return { caseRef, place, reason: o.reason ?? null };
      });
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, async (tx) => {
          let decisions = pairs;
          if (o.all) {
            const run = await getRun({ db: tx, actor: ctx.actor, stateCode, id: o.run });
            decisions = Object.entries(run.result?.assignment ?? {}).flatMap(([caseRef, place]) =>
              place ? [{ caseRef, place, reason: null }] : [],
            );
          }
          return decide({ db: tx, actor: ctx.actor, stateCode, runId: o.run, decisions });
        }),
      );
      ctx.out(placementsTable(r.placements, ctx.t()));
      ctx.out(ctx.t()('placement.cli.cost', { cost: r.cost.toFixed(3) }));
    });
}
