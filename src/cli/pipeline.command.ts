import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { formatOption, langOption, reportCommand, withLookups } from './options.ts';
import { DATASET_FORMATS, isDatasetFormat, writeDataset } from './write-dataset.ts';

/** `pathways report pipeline`: where a round's cases stand, per state (on the database or a running instance). */
export function registerPipelineCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  reportCommand(program)
    .command('pipeline')
    .description('where the cases of a round stand, per state: in review, accepted, departing, arrived, on hold, rejected, withdrawn')
    .requiredOption('--round <id>', 'round id')
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json', ...DATASET_FORMATS]))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .action(async (o: { round: string; format: string; output?: string }, cmd: Command) => {
      const p = await ctx.either(
        cmd,
        async ({ db }) => (await import('../pipeline/pipeline.service.ts')).pipeline({ db, roundId: o.round }),
        (api, r) => r.remotePipeline(api, o.round),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(p, null, 2));
      if (isDatasetFormat(o.format)) {
        const { pipelineDataset } = await import('../pipeline/pipeline.dataset.ts');
        return writeDataset({ format: o.format, dataset: pipelineDataset(p, ctx.t()), t: ctx.t(), out: ctx.out, output: o.output });
      }
      const [{ pipelineCsvRows, pipelineTable }, { renderTable, toCsv }] = await Promise.all([
        import('../pipeline/pipeline.present.ts'),
        import('../presentation/table.ts'),
      ]);
      if (o.format === 'csv') {
        const { headers, rows } = pipelineCsvRows(p);
        return ctx.out(toCsv(headers, rows));
      }
      const view = pipelineTable(p, ctx.lang());
      ctx.out([view.title, '', renderTable(view.table)].join('\n'));
    });
}
