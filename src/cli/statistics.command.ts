import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { isPathway, type Pathway } from '../rounds/pathway.ts';
import type { StatisticsSource } from '../statistics/statistics.ts';
import { formatOption, isoDate, langOption, lookups, positiveInt, reportCommand, stateCodeOf, withLookups } from './options.ts';
import { DATASET_FORMATS, isDatasetFormat, writeDataset } from './write-dataset.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../files/csv-source.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../statistics/statistics.present.ts')),
  ...(await import('../statistics/statistics.service.ts')),
  ...(await import('../statistics/reconciliation.ts')),
});

const year = (v: string) => {
  if (!/^\d{4}$/.test(v)) throw appError(ErrorCode.BadInput, 'statsYearInvalid', { p1: v });
  return Number(v);
};
const source = (v: string): StatisticsSource => {
  if (!lookups().statistics.isStatisticsSource(v)) throw appError(ErrorCode.BadInput, 'statsSource', { p1: v });
  return v;
};
const pathways = (v: string): Pathway[] =>
  v.split(',').map((p) => {
    const x = p.trim();
    if (!isPathway(x)) throw appError(ErrorCode.BadInput, 'statsPathway', { p1: x });
    return x;
  });

/**
 * `pathways stats import|list|show|remove|context` and `pathways report reconciliation`: reference
 * statistics (UNHCR, Eurostat) kept per source, and the platform's arrivals beside them.
 */
export function registerStatisticsCommands(program: Command, ctx: CommandContext): void {
  withLookups(program);
  const stats = program
    .command('stats')
    .description('reference statistics of UNHCR and Eurostat, each kept with its source, extraction date and definitions');
  stats
    .command('import')
    .description(
      "import a publisher's file: UNHCR's resettlement arrivals by origin (CSV), or a Eurostat table (SDMX-CSV 2.0/1.0 or Eurostat's TSV)",
    )
    .argument('<source>', 'unhcr or eurostat', source)
    .argument('<file>', 'the file')
    .option('--extracted-on <date>', 'the day the figures were extracted from the publisher (YYYY-MM-DD); unknown when not given', isoDate)
    .option('--code <code>', "the publisher's code of the table (Eurostat: e.g. migr_asyresa), where the file does not say it")
    .addOption(langOption())
    .action(async (src: StatisticsSource, file: string, o: { extractedOn?: string; code?: string }, cmd: Command) => {
      const { inScope, fileSize, importStatistics } = await load();
      fileSize(file);
      const bytes = readFileSync(file);
      const out = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          importStatistics({
            db: tx,
            actor: ctx.actor,
            source: src,
            file: { name: file, bytes },
            ...(o.extractedOn && { extractedOn: o.extractedOn }),
            ...(o.code && { code: o.code }),
          }),
        ),
      );
      const t = ctx.t();
      const d = out.dataset;
      if (out.duplicate) ctx.out(t('stats.duplicate', { id: d.id, source: d.source, code: d.code, figures: d.figures }));
      else {
        ctx.out(
          t('stats.imported', {
            id: d.id,
            source: d.source,
            code: d.code,
            figures: d.figures,
            extracted: d.extractedOn ?? t('stats.unknown'),
          }),
        );
        if (out.notKept.rows)
          ctx.out(
            t('stats.notKept', {
              rows: out.notKept.rows,
              by: Object.entries(out.notKept.by)
                .map(([k, n]) => `${k} ${n}`)
                .join(', '),
            }),
          );
      }
    });
  stats
    .command('list')
    .description('the datasets imported, with source, extraction date and definitions')
    .addOption(formatOption(['table', 'json']))
    .addOption(langOption())
    .action(async (o: { format: string }, cmd: Command) => {
      const { inScope, renderTable, datasetsTable, listDatasets } = await load();
      const all = await ctx.withDb(cmd, ({ db }) => inScope(db, ctx.actor, (tx) => listDatasets(tx, ctx.actor)));
      const t = ctx.t();
      if (o.format === 'json') return ctx.out(JSON.stringify(all, null, 2));
      if (!all.length) return ctx.out(t('stats.noDatasets'));
      ctx.out([renderTable(datasetsTable(all, t)), '', ...all.map((d) => `#${d.id} ${d.title}: ${d.definitions}`)].join('\n'));
    });
  stats
    .command('show')
    .description("a source's figures as it gives them: by country of origin (UNHCR) or citizenship (Eurostat)")
    .requiredOption('--source <source>', 'unhcr or eurostat', source)
    .option('--state <state>', 'only this state (country of arrival)')
    .option('--year <year>', 'only this year', year)
    .option('--dataset <id>', 'only this dataset', positiveInt)
    .addOption(formatOption(['table', 'csv', 'json']))
    .addOption(langOption())
    .action(async (o: { source: StatisticsSource; state?: string; year?: number; dataset?: number; format: string }, cmd: Command) => {
      const { inScope, renderTable, toCsv, datasetsTable, figuresCsv, figuresTable, statisticsFigures } = await load();
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          statisticsFigures({
            db: tx,
            actor: ctx.actor,
            source: o.source,
            ...(stateCode && { stateCode }),
            ...(o.year !== undefined && { year: o.year }),
            ...(o.dataset !== undefined && { datasetId: o.dataset }),
          }),
        ),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(r, null, 2));
      if (o.format === 'csv') {
        const { headers, rows } = figuresCsv(r.figures);
        return ctx.out(toCsv(headers, rows));
      }
      const t = ctx.t();
      if (!r.datasets.length) return ctx.out(t('stats.noDatasets'));
      ctx.out([renderTable(datasetsTable(r.datasets, t)), '', renderTable(figuresTable(r.figures, t))].join('\n'));
    });
  stats
    .command('remove')
    .description('remove a dataset and its figures')
    .argument('<id>', 'dataset id', positiveInt)
    .addOption(langOption())
    .action(async (id: number, _o: unknown, cmd: Command) => {
      const { inScope, removeDataset } = await load();
      const d = await ctx.withDb(cmd, ({ db }) => inScope(db, ctx.actor, (tx) => removeDataset({ db: tx, actor: ctx.actor, id })));
      ctx.out(ctx.t()('stats.removed', { id: d.id, source: d.source, code: d.code, figures: d.figures }));
    });
  stats
    .command('context')
    .description(
      "the EU context figures of an imported UNHCR dataset (the EU's share, the countries with arrivals) beside the Recommendation's own",
    )
    .option('--dataset <id>', 'this UNHCR dataset (default: the newest)', positiveInt)
    .addOption(formatOption(['table', 'json']))
    .addOption(langOption())
    .action(async (o: { dataset?: number; format: string }, cmd: Command) => {
      const { inScope, renderTable, contextTables, statisticsContext } = await load();
      const c = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          statisticsContext({ db: tx, actor: ctx.actor, ...(o.dataset !== undefined && { datasetId: o.dataset }) }),
        ),
      );
      const t = ctx.t();
      if (o.format === 'json') return ctx.out(JSON.stringify(c, null, 2));
      if (!c) return ctx.out(t('stats.noContext'));
      const v = contextTables(c, t, ctx.lang());
      ctx.out([v.title, '', renderTable(v.years), '', renderTable(v.document), '', ...v.notes].join('\n'));
    });

  const report = reportCommand(program);
  report
    .command('reconciliation')
    .description(
      "per state, the platform's arrivals of a calendar year beside UNHCR's and Eurostat's figures, with the differences and what explains them",
    )
    .requiredOption('--year <year>', 'the calendar year', year)
    .option('--state <state>', 'only this state')
    .option('--pathways <list>', 'the platform pathways counted, comma-separated (default: resettlement)', pathways)
    .addOption(formatOption(['table', 'csv', 'json', ...DATASET_FORMATS]))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .addOption(langOption())
    .action(async (o: { year: number; state?: string; pathways?: Pathway[]; format: string; output?: string }, cmd: Command) => {
      const { inScope, renderTable, toCsv, reconciliationCsv, reconciliationTable, reconciliationReport, reconciliationDataset } =
        await load();
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          reconciliationReport({
            db: tx,
            actor: ctx.actor,
            year: o.year,
            ...(stateCode && { stateCode }),
            ...(o.pathways && { pathways: o.pathways }),
          }),
        ),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(r, null, 2));
      if (isDatasetFormat(o.format)) {
        return writeDataset({
          format: o.format,
          dataset: reconciliationDataset(r, ctx.lang()),
          t: ctx.t(),
          out: ctx.out,
          output: o.output,
        });
      }
      if (o.format === 'csv') {
        const { headers, rows } = reconciliationCsv(r);
        return ctx.out(toCsv(headers, rows));
      }
      const v = reconciliationTable(r, ctx.t(), ctx.lang());
      ctx.out([v.title, '', renderTable(v.table), '', ...v.explanations, '', ...v.notes].join('\n'));
    });
}
