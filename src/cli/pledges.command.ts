import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { formatOption, langOption, withLookups } from './options.ts';
import { counts } from './output.ts';

/** `pathways pledges list|import`: a round's pledges as the Annex prints them (also on a running instance), and their import. */
export function registerPledgeCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  const pledges = program.command('pledges').description("Member States' pledges");
  pledges
    .command('list')
    .description('list the pledges of a round, as the Annex prints them')
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .addOption(langOption())
    .addOption(formatOption(['table', 'csv', 'json']))
    .action(async (o: { round: string; format: string }, cmd: Command) => {
      const present = () => import('../pledges/pledge.present.ts');
      const { json, listing } = await ctx.either(
        cmd,
        async ({ db }) => {
          const [{ pledgeListing }, { pledgeJson }] = await Promise.all([import('../pledges/pledge.service.ts'), present()]);
          const l = await pledgeListing(db, o.round);
          return { json: pledgeJson(l, ctx.lang()), listing: async () => l };
        },
        (api, r) => r.remotePledges(api, o.round, ctx.lang()),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(json, null, 2));
      const [{ pledgeCsvRows, pledgeTable }, { renderTable, toCsv }] = await Promise.all([present(), import('../presentation/table.ts')]);
      const lang = ctx.lang();
      if (o.format === 'csv') {
        const { headers, rows } = pledgeCsvRows(await listing(), lang);
        return ctx.out(toCsv(headers, rows));
      }
      const view = pledgeTable(await listing(), lang);
      ctx.out([view.title, '', renderTable(view.table), '', ...view.notes].join('\n'));
    });
  pledges
    .command('import')
    .description('import pledges from CSV: member_state,pathway,places,carry_over,country_of_departure,note[,target_group]')
    .argument('<file>', 'pledge CSV file')
    .requiredOption('--round <id>', 'round id')
    .action(async (file: string, o: { round: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { importPledges } = await import('../pledges/pledge.service.ts');
        const s = await importPledges({ db, actor: ctx.actor, roundId: o.round, path: file, record: true });
        ctx.out(ctx.t()('pledges.imported', counts(s, ctx.lang())));
      }),
    );
}
