import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { inScope } from '../access/scope.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { shippedBy } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import { incentiveCsv, incentiveTables, incentiveWorkbook } from '../incentives/incentive.present.ts';
import { incentiveReport, makeClaim, refreshIncentives } from '../incentives/incentive.service.ts';
import { renderTable, toCsv } from '../presentation/table.ts';
import { incentiveDataset } from '../incentives/incentive.dataset.ts';
import { formatOption, isoDate, langOption, stateCodeOf } from './options.ts';
import { writeDataset } from './write-dataset.ts';
import type { CommandContext } from './privacy.command.ts';

/**
 * `pathways report incentives` (per person and in totals, as a table, CSV, JSON or an XLSX workbook
 * with a sheet per state), `pathways incentives claim` (a state's claim for a period) and
 * `pathways incentives refresh` (recompute after the round's rates changed).
 */
export function registerIncentiveCommands(program: Command, ctx: CommandContext): void {
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports');
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
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const s = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => refreshIncentives(tx, ctx.actor, { ...(stateCode ? { stateCode } : {}), reason: 'rates' })),
      );
      ctx.out(ctx.t()('incentives.refreshed', { computed: s.computed, changed: s.changed }));
    });
}
