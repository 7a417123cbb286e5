import type { Command } from 'commander';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { isPathway } from '../rounds/pathway.ts';
import type { CliContext } from './context.ts';
import { formatOption, langOption, reportCommand, withLookups } from './options.ts';
import { checkedAsOf } from './output.ts';
import { DATASET_FORMATS, isDatasetFormat, writeDataset } from './write-dataset.ts';

/** `pathways report state-of-play`: the Commission's state of play of a round (on the database or a running instance). */
export function registerStateOfPlayCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  reportCommand(program)
    .command('state-of-play')
    .description("the Commission's state of play of a round: pledged, arrived, share delivered, by country of departure")
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .option('--as-of <date>', 'count arrivals up to this day (YYYY-MM-DD); default today')
    .option('--pathway <pathway...>', "pathways to count (default: the round's)")
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json', ...DATASET_FORMATS]))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .action(async (o: { round: string; asOf?: string; pathway?: string[]; format: string; output?: string }, cmd: Command) => {
      const { sop, round } = await ctx.either(
        cmd,
        async ({ db }) => {
          const [{ stateOfPlay }, { getRound }] = await Promise.all([
            import('../state-of-play/state-of-play.service.ts'),
            import('../rounds/round.service.ts'),
          ]);
          return {
            sop: await stateOfPlay({ db, roundId: o.round, asOf: o.asOf, lang: ctx.lang(), pathways: o.pathway }),
            round: await getRound(db, o.round),
          };
        },
        async (api, r) => {
          const bad = o.pathway?.find((p) => !isPathway(p));
          if (bad) throw appError(ErrorCode.BadInput, 'notPathway', { p1: bad });
          const sop = await r.remoteStateOfPlay(api, { round: o.round, asOf: checkedAsOf(o.asOf), pathways: o.pathway, lang: ctx.lang() });
          return { sop, round: await r.remoteRound(api, o.round) };
        },
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(sop, null, 2));
      if (isDatasetFormat(o.format)) {
        const { stateOfPlayDataset } = await import('../state-of-play/state-of-play.dataset.ts');
        return writeDataset({ format: o.format, dataset: stateOfPlayDataset(sop, ctx.t()), t: ctx.t(), out: ctx.out, output: o.output });
      }
      const [{ stateOfPlayCsvRows, stateOfPlayTable }, { renderTable, toCsv }] = await Promise.all([
        import('../state-of-play/state-of-play.present.ts'),
        import('../presentation/table.ts'),
      ]);
      if (o.format === 'csv') {
        const { headers, rows } = stateOfPlayCsvRows(sop);
        return ctx.out(toCsv(headers, rows));
      }
      const view = stateOfPlayTable(sop, round.sources, ctx.lang());
      ctx.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });
}
