import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { shippedBy } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import { formatOption, isoDate, langOption, reportCommand, stateCodeOf, withLookups } from './options.ts';
import { writeDataset } from './write-dataset.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../incentives/incentive.present.ts')),
  ...(await import('../incentives/incentive.service.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../incentives/incentive.dataset.ts')),
});

/**
 * `pathways report incentives` (per person and in totals, as a table, CSV, JSON or an XLSX workbook
 * with a sheet per state), `pathways incentives claim` (a state's claim for a period) and
 * `pathways incentives refresh` (recompute after the round's rates changed).
 */
export function registerIncentiveCommands(program: Command, ctx: CommandContext): void {
  withLookups(program);
  const report = reportCommand(program);
  report
    .command('incentives')
    .description(
      "a round's AMIF incentives: per person (pseudonymous references), rate, amount and evidence, with totals per state and the grand total",
    )
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .option('--state <state>', 'only this Member State')
    .addOption(formatOption(['table', 'csv', 'json', 'xlsx', 'hxl', 'sdmx']))
    .option('--output <file>', 'write to this file (needed for xlsx)')
    .addOption(langOption())
    .action(async (o: { round: string; state?: string; format: string; output?: string }, cmd: Command) => {
      const { inScope, incentiveCsv, incentiveTables, incentiveWorkbook, incentiveReport, renderTable, toCsv, incentiveDataset } =
        await load();
      if (o.format === 'xlsx' && !o.output) throw appError(ErrorCode.BadInput, 'outputNeeded', { p1: 'xlsx' });
      const stateCode = o.state ? stateCodeOf(o.state) : null;
      // The language is known once the command's options are read (in withDb): the translator is taken there.
      const r = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => incentiveReport(tx, ctx.actor, { roundId: o.round, stateCode, t: ctx.t() })),
      );
      const t = ctx.t();
      let text: string | Buffer;
      if (o.format === 'hxl' || o.format === 'sdmx')
        return writeDataset({ format: o.format, dataset: incentiveDataset(r, t), t, out: ctx.out, output: o.output });
      if (o.format === 'json') text = JSON.stringify(r, null, 2);
      else if (o.format === 'csv') {
        const { headers, rows } = incentiveCsv(r, t);
        text = toCsv(headers, rows);
      } else if (o.format === 'xlsx') text = await incentiveWorkbook(r, t);
      else
        text = [
          shippedBy(t, shippedKeys.roundTitle(r.round), r.title),
          '',
          ...incentiveTables(r, t).map(renderTable).join('\n\n').split('\n'),
        ].join('\n');
      if (o.output) {
        writeFileSync(o.output, text);
        ctx.out(t('incentives.written', { file: o.output }));
      } else ctx.out(String(text));
    });

  const incentives = program.command('incentives').description('AMIF incentives: claims, recomputation');
  incentives
    .command('claim')
    .description("claim a state's incentives of the persons arrived in a period (a period overlapping an earlier claim is refused)")
    .requiredOption('--round <id>', 'round id')
    .requiredOption('--state <state>', 'the Member State')
    .requiredOption('--from <date>', 'first day of the period (YYYY-MM-DD)', isoDate)
    .requiredOption('--to <date>', 'last day of the period (YYYY-MM-DD)', isoDate)
    .action(async (o: { round: string; state: string; from: string; to: string }, cmd: Command) => {
      const { inScope, makeClaim } = await load();
      const stateCode = stateCodeOf(o.state);
      const c = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => makeClaim(tx, ctx.actor, { roundId: o.round, stateCode, from: o.from, to: o.to })),
      );
      ctx.out(
        ctx.t()('incentives.claimMade', { id: c.id, state: c.stateCode, from: c.from, to: c.to, persons: c.persons, amount: c.amount }),
      );
    });
  incentives
    .command('refresh')
    .description("recompute every arrived person's incentive (after a round's rates changed); each change gets a line of history")
    .option('--state <state>', 'only this Member State')
    .action(async (o: { state?: string }, cmd: Command) => {
      const { inScope, refreshIncentives } = await load();
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const s = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => refreshIncentives(tx, ctx.actor, { ...(stateCode ? { stateCode } : {}), reason: 'rates' })),
      );
      ctx.out(ctx.t()('incentives.refreshed', { computed: s.computed, changed: s.changed }));
    });
}
