import type { Command } from 'commander';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { formatOption, isoDate, stateCodeOf, withLookups } from './options.ts';
import type { CommandContext } from './privacy.command.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../federation/federation.service.ts')),
  ...(await import('../federation/federation.present.ts')),
  ...(await import('../federation/return.ts')),
  ...(await import('../federation/send-return.ts')),
  ...(await import('../presentation/table.ts')),
});

export interface FederationCommandContext extends CommandContext {
  /** PATHWAYS_RETURN_KEY: the file of the state's private key, when --key is not given. */
  returnKey: string | undefined;
}

const fingerprintArg = (v: string) => {
  if (!/^[0-9a-f]{64}$/.test(v)) throw appError(ErrorCode.BadInput, 'federationKeyNotFound', { fingerprint: v });
  return v;
};
const httpUrl = (v: string) => {
  if (!/^https?:\/\/\S+$/.test(v)) throw appError(ErrorCode.BadInput, 'returnUrlInvalid', { url: v });
  return v;
};

/**
 * `pathways returns …`: the federation of returns (P 26, P 27). On a Member State's instance: make a
 * key, send the state's signed return to the Commission, list what was sent with the receipts. On
 * the Commission's: register and revoke the states' keys, see who reported for which day, and the
 * state of play built from the returns received.
 */
export function registerFederationCommands(program: Command, ctx: FederationCommandContext): void {
  withLookups(program);
  const returns = program
    .command('returns')
    .description("a Member State's signed returns to the Commission (points 26 and 27): keys, sending, receipts, the Commission's view");

  returns
    .command('keygen')
    .description("make the state's Ed25519 key pair: the private key to a file (mode 0600), the public key printed for the Commission")
    .requiredOption('--out <file>', 'file for the private key (PEM); never overwritten')
    .action(async (o: { out: string }) => {
      const { fingerprintOf } = await load();
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(o.out, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw appError(ErrorCode.BadInput, 'keyFileExists', { file: o.out });
        throw e;
      }
      ctx.out(ctx.t()('federation.cli.keygen', { file: o.out, fingerprint: fingerprintOf(publicKey) }));
      ctx.out(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    });

  returns
    .command('register-key')
    .description("the Commission registers a state's public key: returns signed with it are accepted as that state's")
    .requiredOption('--state <state>', 'Member State (protocol code, ISO code or name)')
    .requiredOption('--public-key <file>', 'the public key (PEM) the state sent')
    .action(async (o: { state: string; publicKey: string }, cmd: Command) => {
      const { inScope, registerKey } = await load();
      const stateCode = stateCodeOf(o.state);
      const pem = readFileSync(o.publicKey, 'utf8');
      const key = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => registerKey({ db: tx, actor: ctx.actor, stateCode, publicKey: pem })),
      );
      ctx.out(ctx.t()('federation.cli.registered', { fingerprint: key.fingerprint, state: key.state }));
    });

  returns
    .command('revoke-key')
    .description('the Commission revokes a key: returns signed with it are refused from then on')
    .argument('<fingerprint>', "the key's fingerprint (64 hexadecimal digits)", fingerprintArg)
    .action(async (fingerprint: string, _o: unknown, cmd: Command) => {
      const { inScope, revokeKey } = await load();
      const key = await ctx.withDb(cmd, ({ db }) => inScope(db, ctx.actor, (tx) => revokeKey({ db: tx, actor: ctx.actor, fingerprint })));
      ctx.out(ctx.t()('federation.cli.revoked', { fingerprint: key.fingerprint, state: key.state }));
    });

  returns
    .command('keys')
    .description('the keys registered, per state, revoked or not')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { format: string }, cmd: Command) => {
      const { inScope, listKeys, keysTable, renderTable } = await load();
      const keys = await ctx.withDb(cmd, ({ db }) => inScope(db, ctx.actor, (tx) => listKeys({ db: tx, actor: ctx.actor })));
      ctx.out(o.format === 'json' ? JSON.stringify(keys, null, 2) : renderTable(keysTable(keys, ctx.lang())));
    });

  returns
    .command('send')
    .description("build the state's return from this database, sign it, send it to the Commission, check and record the receipt")
    .requiredOption('--to <url>', "the Commission's instance (its base URL)", httpUrl)
    .requiredOption('--round <id>', 'round id, e.g. 2020-2021')
    .requiredOption('--state <state>', 'the Member State whose return it is')
    .option('--as-of <date>', 'the day the figures are counted to (YYYY-MM-DD); default today', isoDate)
    .option('--key <file>', 'private key (PEM) to sign with; default PATHWAYS_RETURN_KEY')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { to: string; round: string; state: string; asOf?: string; key?: string; format: string }, cmd: Command) => {
      const { returnSigningKey, sendReturn } = await load();
      const keyFile = o.key ?? ctx.returnKey;
      if (!keyFile) throw appError(ErrorCode.BadInput, 'returnKeyMissing');
      let pem: string;
      try {
        pem = readFileSync(keyFile, 'utf8');
      } catch {
        throw appError(ErrorCode.BadInput, 'returnKeyFile', { file: keyFile });
      }
      const key = returnSigningKey(pem, keyFile);
      const stateCode = stateCodeOf(o.state);
      const sent = await ctx.withDb(cmd, ({ db }) =>
        sendReturn({
          db,
          actor: ctx.actor,
          to: o.to,
          stateCode,
          roundId: o.round,
          asOf: o.asOf ?? new Date().toISOString().slice(0, 10),
          key,
          lang: ctx.lang(),
        }),
      );
      const t = ctx.t();
      if (o.format === 'json') ctx.out(JSON.stringify(sent, null, 2));
      else {
        ctx.out(t('federation.cli.sent', { state: sent.state, round: sent.round, asOf: sent.asOf, to: sent.to, outcome: sent.outcome }));
        if (sent.receipt)
          ctx.out(t('federation.cli.receipt', { id: sent.receipt.id, receivedAt: sent.receipt.receivedAt, digest: sent.receipt.digest }));
      }
      if (sent.outcome === 'refused') throw appError(ErrorCode.Unprocessable, 'returnRefused', { error: sent.error ?? '' });
    });

  returns
    .command('list')
    .description("the returns: on a state's instance those sent, with their receipts; on the Commission's the matrix of those received")
    .option('--state <state>', 'only this Member State')
    .option('--round <id>', 'only this round (returns received)')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { state?: string; round?: string; format: string }, cmd: Command) => {
      const { inScope, listSent, returnsMatrix, matrixTable, sentTable, renderTable } = await load();
      const stateCode = o.state ? stateCodeOf(o.state) : undefined;
      const { sent, received } = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, async (tx) => ({
          sent: await listSent({ db: tx, actor: ctx.actor, stateCode }),
          received: await returnsMatrix({ db: tx, actor: ctx.actor, round: o.round }),
        })),
      );
      const receivedOf = {
        ...received,
        states: received.states.filter((s) => Object.keys(s.reported).length > 0 && (!stateCode || s.state === stateCode)),
      };
      if (o.format === 'json') return ctx.out(JSON.stringify({ sent, received: receivedOf }, null, 2));
      const parts: string[] = [];
      if (sent.length) parts.push(renderTable(sentTable(sent, ctx.lang())));
      if (receivedOf.states.length) parts.push(renderTable(matrixTable(receivedOf, ctx.lang())));
      ctx.out(parts.length ? parts.join('\n\n') : ctx.t()('federation.cli.noReturns'));
    });

  returns
    .command('status')
    .description("the Commission's view: which states reported for which day (the latest receipt per day), every state of the round named")
    .option('--round <id>', 'the round (its states are all listed, reported or not)')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { round?: string; format: string }, cmd: Command) => {
      const { inScope, returnsMatrix, matrixTable, renderTable } = await load();
      const m = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) => returnsMatrix({ db: tx, actor: ctx.actor, round: o.round })),
      );
      ctx.out(
        o.format === 'json'
          ? JSON.stringify(m, null, 2)
          : m.dates.length
            ? renderTable(matrixTable(m, ctx.lang()))
            : ctx.t()('federation.cli.noReturns'),
      );
    });

  returns
    .command('state-of-play')
    .description(
      "the Commission's state of play built from the returns received: per state its latest return on or before the day; a state without one is not reported",
    )
    .requiredOption('--round <id>', 'round id')
    .option('--as-of <date>', 'the day (YYYY-MM-DD); default today', isoDate)
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { round: string; asOf?: string; format: string }, cmd: Command) => {
      const { inScope, stateOfPlayFromReturns, returnsStateOfPlayTable, renderTable } = await load();
      const sop = await ctx.withDb(cmd, ({ db }) =>
        inScope(db, ctx.actor, (tx) =>
          stateOfPlayFromReturns({ db: tx, actor: ctx.actor, roundId: o.round, asOf: o.asOf, lang: ctx.lang() }),
        ),
      );
      if (o.format === 'json') return ctx.out(JSON.stringify(sop, null, 2));
      const view = returnsStateOfPlayTable(sop, ctx.lang());
      ctx.out([view.title, '', renderTable(view.table)].join('\n'));
    });
}
