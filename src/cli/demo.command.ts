import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { positiveInt, withLookups } from './options.ts';
import { counts, printImport } from './output.ts';

/** `pathways demo`: seeded, reproducible synthetic data in every area, through each area's services. */
export function registerDemoCommands(program: Command, ctx: CliContext): void {
  withLookups(program);
  program
    .command('demo')
    .description(
      'load realistic synthetic data (seeded, reproducible) into the 2020–2021 round: households with their whole case histories, and every other pathway and area',
    )
    .requiredOption('--persons <n>', 'number of persons', positiveInt)
    .option('--seed <s>', 'seed', positiveInt, 2020)
    .action(async (o: { persons: number; seed: number }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const [{ loadDemo }, { loadPathwaysDemo }, { withProgress }] = await Promise.all([
          import('../demo/load-demo.ts'),
          import('../demo/pathways-demo.ts'),
          import('./progress.ts'),
        ]);
        const { io, actor } = ctx;
        const s = await withProgress(io.tty, ctx.t()('persons.progress'), (bar) =>
          loadDemo({ db, actor, persons: o.persons, seed: o.seed, onProgress: (p) => bar.update(p.fraction, p.rows) }),
        );
        printImport(s, io, ctx.lang());
        const more = await withProgress(io.tty, ctx.t()('demo.pathwaysProgress'), (bar) =>
          loadPathwaysDemo({ db, actor, persons: o.persons, seed: o.seed, onProgress: (f) => bar.update(f, 0) }),
        );
        io.out(ctx.t()('demo.pathways', counts(more, ctx.lang())));
      }),
    );
}
