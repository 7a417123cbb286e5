import { type Command, Option } from 'commander';
import type { Readable } from 'node:stream';
import { ROLES, type Principal, type Role } from '../access/principal.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { formatOption, stateCodeOf, withLookups } from './options.ts';

/** The services and presenters, imported when a command runs (not for `pathways --help`). */
const load = async () => ({
  ...(await import('../access/scope.ts')),
  ...(await import('../presentation/table.ts')),
  ...(await import('../identity/authenticate.ts')),
  ...(await import('../identity/password.ts')),
  ...(await import('../identity/session.ts')),
  ...(await import('../identity/user.service.ts')),
});

/** What the user commands need of the command line (src/cli/main.ts). */
export interface UserCommandContext {
  io: { out: (s: string) => void; err: (s: string) => void; tty: boolean };
  withDb: <T>(cmd: Command, work: (d: Database) => Promise<T>) => Promise<T>;
  /** The translator of the language chosen (known only once the options are parsed). */
  t: () => Translate;
  actor: Principal;
  /** Where a password is read from (`--password-stdin`, or typed at a terminal). Default: process.stdin. */
  stdin?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/**
 * `pathways users add|list|disable`. A new local account gets its password from standard input
 * (`--password-stdin`) or, at a terminal, typed twice without echo. Roles that read personal data
 * set up their authenticator app (TOTP) themselves at first sign-in: the command never sees the
 * secret, so no administrator ever holds another person's second factor.
 */
export function registerUserCommands(program: Command, ctx: UserCommandContext): void {
  withLookups(program);
  const { io, t } = ctx;
  const users = program.command('users').description('accounts of the platform: add, list, disable, password, reset-totp');

  users
    .command('add')
    .description('add an account (local with a password, or OpenID Connect with --oidc-issuer and --oidc-subject)')
    .requiredOption('--username <username>', 'the name to sign in with')
    .requiredOption('--name <name>', 'the person’s name, as shown')
    .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
    .option(
      '--state <code>',
      'the Member State: required for state_officer and state_admin, and for referral_partner and sponsor (the state of the referral agreement or of the registration; an auditor of a state too)',
    )
    .option(
      '--organisation <org>',
      'the organisation: required for referral_partner and sponsor (for a sponsor, the organisation code it was recorded with)',
    )
    .option('--oidc-issuer <url>', 'the OpenID Connect issuer the person signs in with (EU Login)')
    .option('--oidc-subject <sub>', 'the person’s subject at that issuer')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        o: {
          username: string;
          name: string;
          role: Role;
          state?: string;
          organisation?: string;
          oidcIssuer?: string;
          oidcSubject?: string;
          passwordStdin?: boolean;
        },
        cmd: Command,
      ) => {
        const { inScope, secondFactorRequired, checkAccountFields, createUser } = await load();
        const stateCode = o.state === undefined ? null : stateCodeOf(o.state);
        // Said before the password is asked for (the service checks the same again).
        checkAccountFields({
          role: o.role,
          stateCode,
          organisation: o.organisation ?? null,
          oidcIssuer: o.oidcIssuer ?? null,
          oidcSubject: o.oidcSubject ?? null,
        });
        const password = await passwordFor(o, ctx);
        await ctx.withDb(cmd, ({ db }) =>
          inScope(db, ctx.actor, (tx) =>
            createUser(tx, ctx.actor, {
              username: o.username,
              displayName: o.name,
              role: o.role,
              stateCode,
              organisation: o.organisation ?? null,
              password,
              oidcIssuer: o.oidcIssuer ?? null,
              oidcSubject: o.oidcSubject ?? null,
            }),
          ),
        );
        io.out(t()('users.added', { username: o.username, role: o.role }));
        if (secondFactorRequired(o.role, false)) io.out(t()('users.enrolAtFirstLogin', { username: o.username }));
      },
    );

  users
    .command('list')
    .description('list the accounts (of one Member State with --state)')
    .option('--state <code>', 'only the accounts of this Member State')
    .addOption(formatOption(['table', 'json']))
    .action(async (o: { state?: string; format: string }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { inScope, renderTable, listUsers } = await load();
        const stateCode = o.state === undefined ? null : stateCodeOf(o.state);
        const list = await inScope(db, ctx.actor, (tx) => listUsers(tx, ctx.actor, { stateCode }));
        if (o.format === 'json') return io.out(JSON.stringify(list, null, 2));
        if (list.length === 0) return io.out(t()('users.none'));
        const tr = t();
        io.out(
          renderTable({
            headers: [
              tr('users.username'),
              tr('users.name'),
              tr('users.role'),
              tr('users.state'),
              tr('users.organisation'),
              tr('users.signIn'),
              tr('users.secondFactor'),
              tr('users.status'),
            ],
            rows: list.map((u) => [
              u.username,
              u.displayName,
              u.role,
              u.stateCode ?? '',
              u.organisation ?? '',
              [u.password ? tr('users.signIn.password') : '', u.oidc ? tr('users.signIn.oidc') : ''].filter(Boolean).join(', '),
              tr(u.totpEnabled ? 'users.totp.on' : 'users.totp.off'),
              tr(u.disabled ? 'users.status.disabled' : u.locked ? 'users.status.locked' : 'users.status.active'),
            ]),
          }),
        );
      }),
    );

  users
    .command('disable')
    .description('disable an account and end its sessions at once')
    .argument('<username>', 'the account')
    .action(async (username: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { inScope, disableUser } = await load();
        const r = await inScope(db, ctx.actor, (tx) => disableUser(tx, ctx.actor, username));
        io.out(t()('users.disabled', { username, sessions: r.sessionsEnded }));
      }),
    );

  users
    .command('password')
    .description('set an account’s password (asked at a terminal, or --password-stdin); its sessions end')
    .argument('<username>', 'the account')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { passwordStdin?: boolean }, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { inScope, setPassword } = await load();
        const password = (await passwordFor({ username, ...(o.passwordStdin ? { passwordStdin: true } : {}) }, ctx))!;
        const r = await inScope(db, ctx.actor, (tx) => setPassword(tx, ctx.actor, username, password));
        io.out(t()('users.passwordSet', { username, sessions: r.sessionsEnded }));
      }),
    );

  users
    .command('reset-totp')
    .description('forget an account’s authenticator (a lost phone): it enrols again at the next sign-in; its sessions end')
    .argument('<username>', 'the account')
    .action(async (username: string, _o: unknown, cmd: Command) =>
      ctx.withDb(cmd, async ({ db }) => {
        const { inScope, resetTotp } = await load();
        const r = await inScope(db, ctx.actor, (tx) => resetTotp(tx, ctx.actor, username));
        io.out(t()('users.totpReset', { username, sessions: r.sessionsEnded }));
      }),
    );
}

/**
 * First run of `pathways serve`: with no account at all, creates the administrator `admin` and prints
 * its random password once. The administrator sets up TOTP at first sign-in (the role needs it).
 */
export async function announceFirstAdministrator(database: Database, io: { out: (s: string) => void }, t: Translate): Promise<void> {
  const { IDENTITY_SCOPE, inScope, ensureFirstAdministrator } = await load();
  const by: Principal = { ...IDENTITY_SCOPE, id: 'system:first-run' };
  const created = await inScope(database.db, by, (tx) => ensureFirstAdministrator(tx, by));
  if (created) io.out(t('users.firstAdmin', created));
}

async function passwordFor(
  o: { username: string; oidcIssuer?: string; passwordStdin?: boolean },
  ctx: UserCommandContext,
): Promise<string | null> {
  const { checkNewPassword } = await load();
  const stdin = ctx.stdin ?? process.stdin;
  let password: string;
  if (o.passwordStdin) password = await readAll(stdin);
  else if (o.oidcIssuer) return null;
  else if (stdin.isTTY && stdin.setRawMode) {
    password = await promptHidden(ctx.t()('users.passwordPrompt', { username: o.username }), stdin);
    checkNewPassword(password);
    if ((await promptHidden(ctx.t()('users.passwordRepeat'), stdin)) !== password) throw appError(ErrorCode.BadInput, 'passwordMismatch');
  } else throw appError(ErrorCode.BadInput, 'passwordNeeded');
  checkNewPassword(password);
  return password;
}

/** All of standard input, less the one line ending a shell's `echo` or a file adds. */
async function readAll(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text.replace(/\r?\n$/, '');
}

/** Reads a line at the terminal without showing it. */
function promptHidden(question: string, input: Readable & { setRawMode?: (raw: boolean) => unknown }): Promise<string> {
  process.stderr.write(question);
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(value);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(appError(ErrorCode.BadInput, 'passwordNeeded'));
        }
        value = ch === '\u007f' || ch === '\b' ? [...value].slice(0, -1).join('') : value + ch;
      }
    };
    input.on('data', onData);
  });
}
