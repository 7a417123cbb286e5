import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { formatOption, withLookups } from './options.ts';
import { readJson } from './output.ts';

/** `pathways rounds list|add`: pledging rounds and Union Plans, on the database or a running instance (list). */
export function registerRoundCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  const rounds = program.command('rounds').description('pledging rounds and Union Plans');
  rounds
    .command('list')
    .description('list the rounds')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { format: string }, cmd: Command) => {
      const all = await ctx.either(
        cmd,
        async ({ db }) => (await import('../rounds/round.service.ts')).listRounds(db),
        (api, r) => r.remoteRounds(api),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(all, null, 2));
      const [{ renderTable }, { roundsTable }] = await Promise.all([
        import('../presentation/table.ts'),
        import('../rounds/round.present.ts'),
      ]);
      ctx.out(renderTable(roundsTable(all, ctx.lang())));
    });
  rounds
    .command('add')
    .description(
      'add a round from a JSON file {id, title, legal_basis, start, end, target?, previous?, priorities?, incentives?, sources?}',
    )
    .argument('<file>', 'round file (JSON)')
    .action(async (file: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { addRound } = await import('../rounds/round.service.ts');
        const input = readJson(file);
        const round = await db.transaction((tx) => addRound({ db: tx, actor: ctx.actor, input }));
        ctx.out(ctx.t()('rounds.added', { id: round.id, title: round.title, start: round.start, end: round.end }));
      }),
    );
}
