import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { AnchorFiles } from '../audit/anchor.ts';
import { formatOption, positiveInt, stateCodeOf, withLookups } from './options.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../audit/audit.service.ts')),
  ...(await import('../audit/anchor.ts')),
  ...(await import('../access/scope.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../privacy/processing.records.ts')),
  ...(await import('../privacy/retention.ts')),
  ...(await import('../privacy/subject.service.ts')),
});

import type { CommandContext } from './context.ts';

export type { CommandContext } from './context.ts';

/** `pathways audit verify|seal|anchor|list`: the audit trail, for the operator and the auditors. */
export function registerAuditCommands(
  program: Command,
  ctx: CommandContext & { anchorFiles: (cmd: Command) => Promise<AnchorFiles> },
): void {
  withLookups(program);
  const audit = program.command('audit').description('the audit trail: verify its hash chains, list its lines');
  audit
    .command('verify')
    .description(
      'recompute every chain and seal of the audit trail and check them against every signed anchor; exit 1 if a line was changed or removed',
    )
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { format: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { assertAuditIntact, verifyAudit, anchorKey, readAnchors, inScope, renderTable } = await load();
        const files = await ctx.anchorFiles(cmd);
        const { anchors, forged } = readAnchors(files.anchorFile, anchorKey(files.keyFile).publicKey);
        const reports = await inScope(db, ctx.actor, (tx) => verifyAudit(tx, { anchors, forged }));
        // The seals' report holds no line of its own: shown as a row only when it has a problem.
        const seals = reports.find((r) => r.seals)!;
        const chains = reports.filter((r) => !r.seals);
        if (o.format === 'json') ctx.out(JSON.stringify(reports, null, 2));
        else
          ctx.out(
            renderTable({
              headers: [ctx.t()('audit.chain'), ctx.t()('audit.entries'), ctx.t()('audit.head'), ctx.t()('audit.problems')],
              rows: [...chains, ...(seals.problems.length > 0 ? [seals] : [])].map((r) => [
                r.chain,
                String(r.entries),
                r.head.slice(0, 16),
                r.problems.map((p) => `${p.problem}@${p.seq}`).join(' ') || '—',
              ]),
            }),
          );
        if (o.format !== 'json') ctx.out(ctx.t()('audit.sealReach', seals.seals!));
        assertAuditIntact(reports);
        if (o.format !== 'json')
          ctx.out(ctx.t()('audit.intact', { chains: chains.length, entries: chains.reduce((n, r) => n + r.entries, 0) }));
        if (o.format !== 'json') ctx.out(ctx.t()('audit.anchorsChecked', { anchors: anchors.length, file: files.anchorFile }));
      }),
    );
  audit
    .command('seal')
    .description(
      'seal the committed lines not sealed yet into the chain of seals, in batches (the server does so every second and when it stops)',
    )
    .action(async (_o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { sealAudit, inScope } = await load();
        const sealed = await inScope(db, ctx.actor, (tx) => sealAudit(tx));
        ctx.out(ctx.t()('audit.sealed', sealed));
      }),
    );
  audit
    .command('anchor')
    .description(
      "sign each chain's head and append it to the anchor file outside the database (the server does so hourly and when it stops)",
    )
    .action(async (_o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { writeAnchors, inScope } = await load();
        const files = await ctx.anchorFiles(cmd);
        const taken = await inScope(db, ctx.actor, (tx) => writeAnchors(tx, files));
        ctx.out(ctx.t()('audit.anchored', { anchors: taken.length, file: files.anchorFile }));
      }),
    );
  audit
    .command('list')
    .description("the newest lines of a scope's audit trail")
    .option('--state <state>', "a Member State's lines (default: the Commission's and the platform's own)")
    .option('--action <action>', 'only this action, e.g. case.read')
    .option('--limit <n>', 'how many (1–1000)', positiveInt, 50)
    .action(async (o: { state?: string; action?: string; limit: number }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { listAudit, renderTable } = await load();
        const lines = await db.transaction((tx) =>
          listAudit(tx, ctx.actor, {
            stateCode: o.state ? stateCodeOf(o.state) : null,
            limit: o.limit,
            ...(o.action ? { action: o.action } : {}),
          }),
        );
        ctx.out(
          renderTable({
            headers: [
              '#',
              ctx.t()('audit.at'),
              ctx.t()('audit.actor'),
              ctx.t()('audit.action'),
              ctx.t()('audit.subject'),
              ctx.t()('audit.records'),
            ],
            rows: lines.map((l) => [String(l.seq), l.at, `${l.actor} (${l.role ?? ''})`, l.action, l.subject, String(l.recordIds.length)]),
          }),
        );
      }),
    );
}

/** `pathways privacy …`: a data subject's rights, retention, the records of processing. */
export function registerPrivacyCommands(
  program: Command,
  ctx: CommandContext & { sponsorRetentionMonths: number; uploadRetentionHours: number },
): void {
  withLookups(program);
  const privacy = program
    .command('privacy')
    .description("data protection: a subject's access and erasure, retention, records of processing");
  privacy
    .command('export')
    .description('everything held on one household member, and who accessed it (GDPR art. 15), as JSON')
    .requiredOption('--state <state>', 'the Member State holding the case')
    .requiredOption('--case <ref>', 'case reference')
    .requiredOption('--person <ref>', 'person reference')
    .option('--out <file>', 'write to a file instead of the terminal')
    .action(async (o: { state: string; case: string; person: string; out?: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { exportSubject } = await load();
        const data = await db.transaction((tx) =>
          exportSubject(tx, ctx.actor, { stateCode: stateCodeOf(o.state), caseRef: o.case, personRef: o.person }, ctx.t()),
        );
        const text = JSON.stringify(data, null, 2);
        if (o.out) {
          writeFileSync(o.out, text, { mode: 0o600 });
          ctx.out(ctx.t()('privacy.exported', { file: o.out }));
        } else ctx.out(text);
      }),
    );
  privacy
    .command('erase')
    .description('anonymise a closed, withdrawn or rejected case (GDPR art. 17); the counts stay')
    .requiredOption('--state <state>', 'the Member State holding the case')
    .requiredOption('--case <ref>', 'case reference')
    .requiredOption('--reason <text>', 'the request (who, when)')
    .action(async (o: { state: string; case: string; reason: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { eraseSubject } = await load();
        const r = await db.transaction((tx) =>
          eraseSubject(tx, ctx.actor, { stateCode: stateCodeOf(o.state), caseRef: o.case, reason: o.reason }),
        );
        ctx.out(ctx.t()('privacy.erased', { cases: r.cases, persons: r.persons }));
      }),
    );
  privacy
    .command('retention')
    .description(
      'anonymise the closed cases of rounds past their retention period, ended sponsors and closed family reunification requests past PATHWAYS_SPONSOR_RETENTION_MONTHS, delete uploads not committed within PATHWAYS_UPLOAD_RETENTION_HOURS (the server does this daily)',
    )
    .option('--today <date>', 'the day to judge by (YYYY-MM-DD)', new Date().toISOString().slice(0, 10))
    .action(async (o: { today: string }, cmd: Command) =>
      ctx.withDb(cmd, async (database) => {
        const { runStorageLimitation, vacuumEmbedded } = await load();
        const r = await database.db.transaction((tx) =>
          runStorageLimitation(tx, ctx.actor, o.today, ctx.sponsorRetentionMonths, ctx.uploadRetentionHours),
        );
        await vacuumEmbedded(database);
        ctx.out(ctx.t()('privacy.purged', { attempts: r.identity.loginAttempts, sessions: r.identity.sessions, keys: r.idempotencyKeys }));
        for (const x of r.rounds)
          ctx.out(ctx.t()('privacy.retained', { round: x.roundId, until: x.retainUntil, cases: x.cases, persons: x.persons }));
        ctx.out(ctx.t()('privacy.retentionDone', { rounds: r.rounds.length, open: r.openPastRetention }));
        ctx.out(
          ctx.t()('privacy.retainedSponsors', { months: ctx.sponsorRetentionMonths, sponsors: r.sponsors, requests: r.familyRequests }),
        );
        ctx.out(ctx.t()('privacy.uploadsDeleted', { hours: ctx.uploadRetentionHours, uploads: r.uploads.deleted }));
      }),
    );
  privacy
    .command('records')
    .description('the records of processing activities (GDPR art. 30), from configuration and the rounds')
    .addOption(formatOption(['md', 'json'], 'md'))
    .action(async (o: { format: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { processingRecords, processingRecordsMarkdown } = await load();
        const records = await db.transaction((tx) => processingRecords(tx, ctx.sponsorRetentionMonths, ctx.lang()));
        ctx.out(o.format === 'json' ? JSON.stringify(records, null, 2) : processingRecordsMarkdown(records, ctx.lang()));
      }),
    );
}
