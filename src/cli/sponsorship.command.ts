import { Option, type Command } from 'commander';
import { SPONSOR_STATUSES, type SponsorStatus } from '../sponsorship/sponsor.ts';
import { formatOption, stateCodeOf, withLookups } from './options.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../sponsorship/sponsor.service.ts')),
  ...(await import('../sponsorship/sponsorship.service.ts')),
});

/**
 * `pathways sponsors list` (a state's sponsors, by status) and `pathways sponsorships breakdowns`
 * (a state's sponsorships that broke down, with their reasons and what the state took over). Both
 * read through the same services as the API, in the operator's scope, audited.
 */
export function registerSponsorshipCommands(program: Command, ctx: CommandContext): void {
  withLookups(program);
  const format = () => formatOption(['table', 'csv', 'json']);
  const print = async (o: { format: string }, headers: string[], rows: (string | number | null)[][], json: unknown) => {
    const { renderTable, toCsv } = await load();
    ctx.out(
      o.format === 'json'
        ? JSON.stringify(json, null, 2)
        : o.format === 'csv'
          ? toCsv(headers, rows)
          : renderTable({ headers, rows: rows.map((r) => r.map((v) => (v === null ? '—' : String(v)))) }),
    );
  };

  program
    .command('sponsors')
    .description('community sponsors (P 13–18, R 26–30)')
    .command('list')
    .description("a Member State's sponsors, by name")
    .requiredOption('--state <state>', 'the Member State')
    .addOption(new Option('--status <status>', 'only sponsors in this status').choices([...SPONSOR_STATUSES]))
    .addOption(format())
    .action(async (o: { state: string; status?: SponsorStatus; format: string }, cmd: Command) => {
      const { inScope, listSponsors } = await load();
      const stateCode = stateCodeOf(o.state);
      const list = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => listSponsors({ db: tx, actor: ctx.actor, stateCode, status: o.status })),
      );
      const t = ctx.t();
      await print(
        o,
        [
          'id',
          t('sponsorship.cli.name'),
          t('sponsorship.cli.kind'),
          t('sponsorship.cli.region'),
          t('sponsorship.cli.householdSize'),
          t('sponsorship.cli.status'),
        ],
        list.map((s) => [s.id, s.name, s.kind, s.region || null, s.householdSize, s.status]),
        list,
      );
    });

  program
    .command('sponsorships')
    .description('sponsorships of households by sponsors')
    .command('breakdowns')
    .description("a Member State's sponsorships that broke down: the reason, and the phases the state took over (the safety net, P 15)")
    .requiredOption('--state <state>', 'the Member State')
    .addOption(format())
    .action(async (o: { state: string; format: string }, cmd: Command) => {
      const { inScope, listSponsorships } = await load();
      const stateCode = stateCodeOf(o.state);
      const list = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => listSponsorships({ db: tx, actor: ctx.actor, stateCode, status: 'broken_down' })),
      );
      const t = ctx.t();
      await print(
        o,
        [
          'id',
          t('sponsorship.cli.case'),
          t('sponsorship.cli.sponsor'),
          t('sponsorship.cli.endedOn'),
          t('sponsorship.cli.reason'),
          t('sponsorship.cli.takenOver'),
        ],
        list.map((s) => [s.id, s.caseRef, s.sponsorName, s.endedOn, s.endReason, s.safetyNet?.phases.join(', ') ?? null]),
        list,
      );
      if (o.format === 'table') ctx.out(t('sponsorship.cli.breakdowns', { n: list.length, state: stateCode }));
    });
}
