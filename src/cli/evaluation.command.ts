import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { formatOption, langOption, positiveInt, reportCommand, withLookups } from './options.ts';
import { checkedAsOf } from './output.ts';

/**
 * `pathways report processing-times` and `pathways report forecast`: monitoring and evaluation
 * (P 10), on the database or a running instance.
 */
export function registerEvaluationCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  const reports = reportCommand(program);
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
      const list = await ctx.either(
        cmd,
        async ({ db }) =>
          (await import('../evaluation/evaluation.service.ts')).processingTimesReport({
            db,
            roundId: o.round,
            groupBy: o.by
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
            asOf: o.asOf,
          }),
        (api, r) => r.remoteProcessingTimes(api, { round: o.round, by: o.by, asOf: checkedAsOf(o.asOf) }),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(list, null, 2));
      const [{ processingTimesTables }, { renderTable }] = await Promise.all([
        import('../evaluation/evaluation.present.ts'),
        import('../presentation/table.ts'),
      ]);
      ctx.out(
        processingTimesTables(list, ctx.lang())
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
      const r = await ctx.either(
        cmd,
        async ({ db }) =>
          (await import('../evaluation/evaluation.service.ts')).forecastReport({
            db,
            roundId: o.round,
            asOf: o.asOf,
            iterations: o.iterations,
            seed: o.seed,
          }),
        (api, remote) => remote.remoteForecast(api, { round: o.round, asOf: checkedAsOf(o.asOf), iterations: o.iterations, seed: o.seed }),
      );
      if (o.format === 'json')
        return ctx.out(JSON.stringify({ round: r.round.id, target: r.round.target, pledged: r.pledged, ...r.forecast }, null, 2));
      const [{ forecastTable }, { renderTable }] = await Promise.all([
        import('../evaluation/evaluation.present.ts'),
        import('../presentation/table.ts'),
      ]);
      const view = forecastTable(r, ctx.lang());
      ctx.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });
}
