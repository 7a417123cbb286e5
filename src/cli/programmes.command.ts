import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { formatOption, isoDate, langOption, reportCommand, stateCodeOf, withLookups } from './options.ts';
import { writeDataset } from './write-dataset.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../programmes/returns.present.ts')),
  ...(await import('../programmes/returns.service.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../programmes/returns.dataset.ts')),
});

/** `pathways report admissions`: the returns of point 27 for a round's period or from–to, as a table, CSV, JSON or XLSX. */
export function registerProgrammeCommands(program: Command, ctx: CommandContext): void {
  withLookups(program);
  const report = reportCommand(program);
  report
    .command('admissions')
    .description(
      'the returns of point 27: persons admitted under humanitarian admission and each complementary pathway, per state, pathway and programme, with totals',
    )
    .option('--round <id>', 'the round or Union Plan whose period to count (or --from and --to)')
    .option('--from <date>', 'first day (YYYY-MM-DD)', isoDate)
    .option('--to <date>', 'last day (YYYY-MM-DD)', isoDate)
    .option('--state <state>', 'only this Member State')
    .addOption(formatOption(['table', 'csv', 'json', 'xlsx', 'hxl', 'sdmx']))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .addOption(langOption())
    .action(async (o: { round?: string; from?: string; to?: string; state?: string; format: string; output?: string }, cmd: Command) => {
      const { inScope, returnsCsv, returnsTables, returnsWorkbook, admissionsReport, renderTable, toCsv, returnsDataset } = await load();
      if (o.format === 'xlsx' && !o.output) throw appError(ErrorCode.BadInput, 'outputNeeded', { p1: 'xlsx' });
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          admissionsReport({
            db: tx,
            actor: ctx.actor,
            ...(o.round !== undefined && { round: o.round }),
            ...(o.from !== undefined && { from: o.from }),
            ...(o.to !== undefined && { to: o.to }),
            ...(stateCode && { stateCode }),
          }),
        ),
      );
      const t = ctx.t();
      let text: string | Buffer;
      if (o.format === 'hxl' || o.format === 'sdmx')
        return writeDataset({ format: o.format, dataset: returnsDataset(r, t), t, out: ctx.out, output: o.output });
      if (o.format === 'json') text = JSON.stringify(r, null, 2);
      else if (o.format === 'csv') {
        const { headers, rows } = returnsCsv(r);
        text = toCsv(headers, rows);
      } else if (o.format === 'xlsx') text = await returnsWorkbook(r, t);
      else {
        const view = returnsTables(r, t);
        text = [
          view.title,
          '',
          renderTable(view.byPathway),
          '',
          renderTable(view.byProgramme),
          ...(view.notes.length ? ['', ...view.notes] : []),
        ].join('\n');
      }
      if (o.output) {
        writeFileSync(o.output, text);
        ctx.out(t('returns.written', { file: o.output }));
      } else ctx.out(String(text));
    });
}
