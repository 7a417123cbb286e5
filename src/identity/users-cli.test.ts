import { Command } from 'commander';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.ts';
import { tempDir } from '../../test/files.ts';
import { operator } from '../access/principal.ts';
import { announceFirstAdministrator, registerUserCommands } from '../cli/users.command.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { translator } from '../i18n/i18n.ts';
import { loginWithPassword } from './login.service.ts';
import { PASSWORD_MIN } from './password.ts';

const PASSWORD = 'a long enough pass phrase for the test';

describe.each(databaseKinds)('pathways users, on $name', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  /** Runs `pathways users …` against the test database, with `input` on standard input. */
  async function users(args: string[], input?: string) {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command('pathways').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    registerUserCommands(program, {
      io: { out: (s) => out.push(`${s}\n`), err: (s) => err.push(`${s}\n`), tty: false },
      withDb: (_cmd, work) => work(database),
      t: () => translator('en'),
      actor: operator('cli-test'),
      stdin: Readable.from(input === undefined ? [] : [input]),
    });
    let error: unknown;
    await program.parseAsync(['node', 'pathways', 'users', ...args]).catch((e: unknown) => (error = e));
    return { out: out.join(''), err: err.join(''), error: error as { messageKey?: string; code?: string } | undefined };
  }
  const signIn = (username: string, password = PASSWORD) =>
    loginWithPassword(database.db, { username, password, address: `cli-test-${Math.random()}`, purpose: 'session' });

  it('adds a local account with the password from standard input; a personal-data role is told to set up TOTP at first sign-in', async () => {
    const r = await users(
      ['add', '--username', 'officer.be', '--name', 'Anna Peeters', '--role', 'state_officer', '--state', 'Belgium', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(r.error).toBeUndefined();
    expect(r.out).toContain('User officer.be added (state_officer).');
    expect(r.out).toMatch(/officer\.be sets up an authenticator app \(TOTP\) at the first sign-in/);
    // The line ending standard input is not part of the password.
    const s = await signIn('officer.be');
    expect(s).toMatchObject({ user: { username: 'officer.be', role: 'state_officer', stateCode: 'BE' }, secondFactor: 'enrol' });
    const analyst = await users(
      ['add', '--username', 'analyst', '--name', 'Eva', '--role', 'commission_analyst', '--password-stdin'],
      PASSWORD,
    );
    expect(analyst.out).not.toMatch(/TOTP/);
  });

  it('refuses a short password, a missing one, a state role without a state, and half an OpenID Connect identity', async () => {
    const short = await users(
      ['add', '--username', 'short', '--name', 'S', '--role', 'commission_analyst', '--password-stdin'],
      'x'.repeat(PASSWORD_MIN - 1),
    );
    expect(short.error?.messageKey).toBe('passwordTooShort');
    const none = await users(['add', '--username', 'nopass', '--name', 'N', '--role', 'commission_analyst']);
    expect(none.error?.messageKey).toBe('passwordNeeded');
    const stateless = await users(['add', '--username', 'stateless', '--name', 'S', '--role', 'state_admin', '--password-stdin'], PASSWORD);
    expect(stateless.error?.messageKey).toBe('userNeedsState');
    const half = await users(['add', '--username', 'half', '--name', 'H', '--role', 'auditor', '--oidc-issuer', 'https://idp.example']);
    expect(half.error?.messageKey).toBe('oidcPair');
    const badRole = await users(['add', '--username', 'x', '--name', 'X', '--role', 'superuser', '--password-stdin'], PASSWORD);
    expect(badRole.error).toBeDefined();
    const [{ n }] = (await rows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM users WHERE username IN ('short', 'nopass', 'stateless', 'half', 'x')`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('adds an OpenID Connect account without a password, and lists accounts (of one state with --state)', async () => {
    const r = await users([
      'add',
      '--username',
      'eu.login',
      '--name',
      'Jean',
      '--role',
      'state_admin',
      '--state',
      'FR',
      '--oidc-issuer',
      'https://ecas.example/cas/oauth2',
      '--oidc-subject',
      'n00abcd',
    ]);
    expect(r.error).toBeUndefined();
    await users(
      ['add', '--username', 'officer.fr', '--name', 'Marie', '--role', 'state_officer', '--state', 'FR', '--password-stdin'],
      PASSWORD,
    );
    const all = JSON.parse((await users(['list', '--format', 'json'])).out) as {
      username: string;
      stateCode: string | null;
      password: boolean;
      oidc: boolean;
    }[];
    expect(all.find((u) => u.username === 'eu.login')).toMatchObject({ stateCode: 'FR', password: false, oidc: true });
    const fr = JSON.parse((await users(['list', '--state', 'FR', '--format', 'json'])).out) as { username: string }[];
    expect(fr.map((u) => u.username).sort()).toEqual(['eu.login', 'officer.fr']);
    const table = (await users(['list', '--state', 'FR'])).out;
    expect(table).toMatch(/eu\.login\s+Jean\s+state_admin\s+FR\s+OpenID Connect\s+not set up\s+active/);
    // A password sign-in of an OpenID Connect account fails like any wrong password.
    await expect(signIn('eu.login')).rejects.toMatchObject({ messageKey: 'invalidCredentials' });
  });

  it('disables an account: its sessions end at once and it cannot sign in again', async () => {
    await users(['add', '--username', 'leaver', '--name', 'L', '--role', 'commission_analyst', '--password-stdin'], PASSWORD);
    await signIn('leaver');
    await signIn('leaver');
    const r = await users(['disable', 'leaver']);
    expect(r.out).toContain('User leaver disabled; 2 sessions ended.');
    await expect(signIn('leaver')).rejects.toMatchObject({ messageKey: 'invalidCredentials' });
    expect((await users(['list', '--format', 'json'])).out).toMatch(/"username": "leaver"[^}]*"disabled": true/);
    expect((await users(['disable', 'nobody-here'])).error?.messageKey).toBe('userNotFound');
  });

  it('sets a password (sessions end, the old one no longer signs in) and forgets an authenticator (enrolment asked again)', async () => {
    await users(['add', '--username', 'forgetful', '--name', 'F', '--role', 'commission_analyst', '--password-stdin'], PASSWORD);
    await signIn('forgetful');
    const newPassword = `${PASSWORD} but newer`;
    const r = await users(['password', 'forgetful', '--password-stdin'], newPassword);
    expect(r.out).toContain('The password of forgetful is set; 1 session ended.');
    await expect(signIn('forgetful')).rejects.toMatchObject({ messageKey: 'invalidCredentials' });
    await expect(signIn('forgetful', newPassword)).resolves.toMatchObject({ user: { username: 'forgetful' } });
    expect((await users(['password', 'forgetful', '--password-stdin'], 'short')).error?.code).toBe('bad_input');

    await users(
      ['add', '--username', 'phone-lost', '--name', 'P', '--role', 'state_officer', '--state', 'NL', '--password-stdin'],
      PASSWORD,
    );
    // As if enrolled: a secret and TOTP on; sign-in then asks for a code.
    await database.db.execute(sql`UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled = true WHERE username = 'phone-lost'`);
    await expect(signIn('phone-lost')).resolves.toMatchObject({ secondFactor: 'required' });
    const reset = await users(['reset-totp', 'phone-lost']);
    expect(reset.out).toContain('The authenticator of phone-lost is forgotten');
    await expect(signIn('phone-lost')).resolves.toMatchObject({ secondFactor: 'enrol' });
    expect((await users(['reset-totp', 'nobody-here'])).error?.messageKey).toBe('userNotFound');
  });

  it('creates the first administrator once, on an empty database, with a password that signs in and asks for TOTP enrolment', async () => {
    const fresh = await kind.open();
    try {
      const out: string[] = [];
      await announceFirstAdministrator(fresh, { out: (s) => out.push(s) }, translator('en'));
      expect(out).toHaveLength(1);
      const password = out[0]!.match(/password\n\n {4}(\S+)\n/)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(out[0]).toMatch(/authenticator app \(TOTP\)/);
      const s = await loginWithPassword(fresh.db, { username: 'admin', password: password!, address: 'first-run', purpose: 'session' });
      expect(s).toMatchObject({ user: { username: 'admin', role: 'system_admin' }, secondFactor: 'enrol' });
      await announceFirstAdministrator(fresh, { out: (s2) => out.push(s2) }, translator('en'));
      expect(out).toHaveLength(1);
      const admins = await rows<{ n: number }>(fresh.db, sql`SELECT count(*)::int AS n FROM users`);
      expect(admins[0]!.n).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('pathways users, through the command line', () => {
  const data = join(tempDir(), 'db');

  it('is registered: add, list and disable run from `pathways`', async () => {
    // Imported here: the whole command line (and the server behind it) loads only for this test.
    const run = (await import('../../test/cli-run.ts')).cliRunner(data, 'cli-test', { keepOpen: false });
    const add = await run(
      'users',
      'add',
      '--username',
      'sponsor.one',
      '--name',
      'Sponsor',
      '--role',
      'sponsor',
      '--state',
      'NL',
      '--organisation',
      'Caritas',
      '--oidc-issuer',
      'https://idp.example',
      '--oidc-subject',
      's-1',
    );
    expect(add).toMatchObject({ code: 0 });
    expect(add.out).toContain('User sponsor.one added (sponsor).');
    const list = await run('users', 'list', '--format', 'json');
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ username: 'sponsor.one', organisation: 'Caritas', role: 'sponsor' })]);
    expect(await run('users', 'disable', 'sponsor.one')).toMatchObject({ code: 0 });
    const missing = await run('users', 'add', '--username', 'x', '--name', 'X', '--role', 'commission_analyst');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--password-stdin/);
  });
});
