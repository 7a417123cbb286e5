import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, rows, type Database } from '../db/db.ts';
import { inScope } from '../access/scope.ts';
import { operator } from '../access/principal.ts';
import { databaseKinds } from '../../test/databases.ts';
import { addAccount, identityTestApp } from '../../test/sessions.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { ADDRESS_LIMIT, LOCK_AFTER, LOCK_MINUTES, USERNAME_LIMIT, WINDOW_MINUTES, loginWithPassword } from './login.service.ts';
import { verifyPassword } from './password.ts';
import { IDLE_MINUTES } from './session.ts';
import { totpCode } from './totp.ts';
import { disableUser } from './user.service.ts';

const PASSWORD = 'correct horse battery staple';
let addressSeq = 0;
/** Each test signs in from its own addresses, so that one test's attempts never fill another's window. */
const newAddress = () => `198.51.100.${++addressSeq}`;

type App = ReturnType<typeof identityTestApp>;
interface Call {
  method?: string;
  body?: unknown;
  session?: string;
  csrf?: string;
  bearer?: string;
  headers?: Record<string, string>;
  address?: string;
}

function clientOf(app: App) {
  return async (path: string, init: Call = {}) => {
    const headers: Record<string, string> = {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.session ? { cookie: `${SESSION_COOKIE}=${init.session}` } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
      ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
      ...init.headers,
    };
    const res = await app.request(
      path,
      {
        method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      },
      { incoming: { socket: { remoteAddress: init.address ?? '192.0.2.1' } } },
    );
    const text = await res.text();
    const cookies = res.headers.getSetCookie();
    const session = cookies
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.split(';')[0]
      ?.slice(SESSION_COOKIE.length + 1);
    return {
      status: res.status,
      // biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as the client would, whatever the route
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as any,
      headers: res.headers,
      cookies,
      session,
    };
  };
}

describe.each(databaseKinds)('identity on $name', (kind) => {
  let database: Database;
  let call: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    database = await kind.open();
    call = clientOf(identityTestApp(database));
  });
  afterAll(async () => database?.close());

  const exec = (q: ReturnType<typeof sql>) => database.db.execute(q);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(database.db, q))[0]!;
  let userSeq = 0;
  const account = async (
    role: Parameters<typeof addAccount>[1]['role'] = 'commission_analyst',
    extra: { stateCode?: string; organisation?: string } = {},
  ) => {
    const username = `${role}.${kind.name}.${++userSeq}`;
    const id = await addAccount(database, { username, password: PASSWORD, role, ...extra });
    return { id, username };
  };
  const login = (username: string, password = PASSWORD, address = newAddress(), extra: Call = {}) =>
    call('/api/auth/login', { body: { username, password }, address, ...extra });
  /** Signs a personal-data role in and sets up its TOTP; returns the secret and the full session. */
  const enrolled = async (role: 'state_officer' | 'sponsor' = 'state_officer') => {
    const u = await account(role, role === 'state_officer' ? { stateCode: 'BE' } : { stateCode: 'BE', organisation: 'Caritas' });
    const first = await login(u.username);
    const enrol = await call('/api/auth/totp/enrol', { method: 'POST', session: first.session, csrf: first.body.csrfToken });
    const verify = await call('/api/auth/totp/verify', {
      body: { code: totpCode(enrol.body.secret, Date.now()) },
      session: first.session,
      csrf: first.body.csrfToken,
    });
    expect(verify.status).toBe(200);
    return { ...u, secret: enrol.body.secret as string, session: verify.session!, csrf: verify.body.csrfToken as string };
  };

  it('lets a signed-in user change their own password: the current one asked again, the other sessions ended, this one kept', async () => {
    const u = await account('commission_analyst');
    const other = await login(u.username);
    const me = await login(u.username);
    const change = (current: string, next: string, extra: Call = {}) =>
      call('/api/auth/password', { body: { current, new: next }, session: me.session, csrf: me.body.csrfToken, ...extra });
    const newPassword = `${PASSWORD} and then some`;
    // A cookie-authenticated change without its CSRF token is refused before anything.
    expect((await change(PASSWORD, newPassword, { csrf: 'wrong' })).status).toBe(403);
    const wrong = await change('not the current one', newPassword);
    expect(wrong).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await one<{ n: number }>(sql`SELECT failed_logins AS n FROM users WHERE id = ${u.id}`)).n).toBe(1);
    expect((await change(PASSWORD, 'too short')).status).toBe(400);
    const done = await change(PASSWORD, newPassword);
    expect(done).toMatchObject({ status: 200, body: { sessionsEnded: 1 } });
    expect((await call('/api/probe', { session: me.session })).status).toBe(200);
    expect((await call('/api/probe', { session: other.session })).status).toBe(401);
    expect((await login(u.username)).status).toBe(401);
    expect((await login(u.username, newPassword)).status).toBe(200);
    const lines = await rows<{ outcome: string }>(
      database.db,
      sql`SELECT details->>'outcome' AS outcome FROM audit_log WHERE action = 'auth.password' AND actor = ${`user:${u.id}`} ORDER BY id`,
    );
    expect(lines.map((l) => l.outcome)).toEqual(['wrong_current', 'changed']);
  });

  it('seals the TOTP secret at rest when PATHWAYS_SECRET is set, and still checks codes with it', async () => {
    const before = process.env.PATHWAYS_SECRET;
    process.env.PATHWAYS_SECRET = 'a pathways secret of more than thirty-two characters';
    try {
      const u = await enrolled('state_officer');
      const { stored } = await one<{ stored: string }>(sql`SELECT totp_secret AS stored FROM users WHERE username = ${u.username}`);
      expect(stored).toMatch(/^v1:/);
      expect(stored).not.toContain(u.secret);
      const again = await login(u.username);
      expect(again.body.secondFactor).toBe('required');
      const code = totpCode(u.secret, Date.now() + 30_000);
      const verify = await call('/api/auth/totp/verify', { body: { code }, session: again.session, csrf: again.body.csrfToken });
      expect(verify.status, JSON.stringify(verify.body)).toBe(200);
    } finally {
      if (before === undefined) delete process.env.PATHWAYS_SECRET;
      else process.env.PATHWAYS_SECRET = before;
    }
  });

  it('stores passwords as argon2id with OWASP’s parameters, and only the hash', async () => {
    const u = await account();
    const { hash } = await one<{ hash: string }>(sql`SELECT password_hash AS hash FROM users WHERE id = ${u.id}`);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(hash).not.toContain(PASSWORD);
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, `${PASSWORD}!`)).toBe(false);
  });

  it('signs a Commission analyst in with a password: a __Host- cookie, HttpOnly, Secure, SameSite=Strict, and no second factor', async () => {
    const u = await account('commission_analyst');
    const r = await login(u.username);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      user: { username: u.username, role: 'commission_analyst', stateCode: null, organisation: null },
      secondFactor: 'not_needed',
    });
    expect(r.headers.get('cache-control')).toBe('no-store');
    const cookie = r.cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    const attributes = cookie
      .split(/;\s*/)
      .slice(1)
      .map((a) => a.split('=')[0]!.toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite', 'path']));
    expect(cookie).toMatch(/;\s*SameSite=Strict/);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(attributes).not.toContain('domain');
    // Only the SHA-256 of the token is stored.
    const stored = await one<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sessions WHERE token_hash = ${createHash('sha256').update(r.session!).digest('hex')}`,
    );
    expect(stored.n).toBe(1);
    const raw = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM sessions WHERE token_hash = ${r.session!}`);
    expect(raw.n).toBe(0);
    const probe = await call('/api/probe', { session: r.session });
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({
      principal: { id: `user:${u.id}`, username: u.username, role: 'commission_analyst' },
      authMethod: 'cookie',
    });
  });

  it('answers a wrong password and an unknown username with the same status, message and (argon2) time', async () => {
    const u = await account();
    const wrong = await login(u.username, 'not the password at all');
    const unknown = await login(`nobody.${kind.name}.${userSeq}`, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.code).toBe('unauthenticated');
    expect(wrong.cookies).toEqual([]);
    // Timing: an unknown name pays for one argon2 check too (a dummy hash). Without it, it would
    // answer in a few milliseconds, a fraction of the known name's time.
    const time = async (username: string) => {
      const t0 = performance.now();
      await loginWithPassword(database.db, { username, password: 'x'.repeat(20), address: newAddress(), purpose: 'session' }).catch(
        () => {},
      );
      return performance.now() - t0;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const missing: number[] = [];
    const other = await account();
    for (let i = 0; i < 9; i++) {
      known.push(await time(other.username));
      missing.push(await time(`ghost.${kind.name}.${i}`));
    }
    // Measured here: about 1 with the dummy check (0.67 on a loaded machine), 0.37–0.47 without it.
    expect(median(missing) / median(known)).toBeGreaterThan(0.55);
  });

  it(`locks an account for ${LOCK_MINUTES} minutes after ${LOCK_AFTER} failures, even against the right password, and says so in the audit trail`, async () => {
    const u = await account();
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < LOCK_AFTER; i++) statuses.push((await login(u.username, `wrong password ${i}`, address)).status);
    expect(statuses).toEqual([...Array(LOCK_AFTER - 1).fill(401), 429]);
    const right = await login(u.username, PASSWORD, address);
    expect(right.status).toBe(429);
    expect(right.body.message).toMatch(/locked/);
    const retry = Number(right.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(LOCK_MINUTES * 60 - 30);
    expect(retry).toBeLessThanOrEqual(LOCK_MINUTES * 60);
    const row = await one<{ minutes: number }>(
      sql`SELECT extract(epoch FROM locked_until - now()) / 60 AS minutes FROM users WHERE id = ${u.id}`,
    );
    expect(Number(row.minutes)).toBeCloseTo(LOCK_MINUTES, 0);
    const audit = await rows<{ outcome: string; details: string }>(
      database.db,
      sql`SELECT details->>'outcome' AS outcome, details::text AS details FROM audit_log WHERE action = 'auth.login' AND subject = ${`user:${u.id}`} ORDER BY id`,
    );
    expect(audit.map((a) => a.outcome)).toEqual([...Array(LOCK_AFTER - 1).fill('failure'), 'lockout', 'locked']);
    for (const a of audit) expect(a.details).not.toMatch(/wrong password|correct horse/);
    // Fifteen minutes later (the lock moved into the past), the right password signs in and the count starts again.
    await exec(sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = ${u.id}`);
    expect((await login(u.username, PASSWORD, address)).status).toBe(200);
    expect((await one<{ n: number }>(sql`SELECT failed_logins AS n FROM users WHERE id = ${u.id}`)).n).toBe(0);
  });

  it('answers an unknown username exactly as a known one while it is guessed at, lock-out included', async () => {
    const u = await account();
    const sequence = async (username: string) => {
      const address = newAddress();
      const seen: string[] = [];
      for (let i = 0; i < LOCK_AFTER + 2; i++) {
        const r = await login(username, `guess ${i}`, address);
        seen.push(`${r.status} ${r.body.message} ${r.headers.get('retry-after') ? 'retry' : ''}`);
      }
      return seen;
    };
    const known = await sequence(u.username);
    const unknown = await sequence(`absent.${kind.name}.${userSeq}`);
    expect(unknown).toEqual(known);
    expect(known.filter((s) => s.startsWith('429'))).toHaveLength(3);
    // The attempts on the unknown name are recorded like any (its name lowercased).
    const n = await one<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM login_attempts WHERE username = ${`absent.${kind.name}.${userSeq}`}`,
    );
    expect(n.n).toBe(LOCK_AFTER + 2);
    // The audit line of an unknown name keeps a hash of it, never the name typed.
    const line = await one<{ details: Record<string, unknown> }>(
      sql`SELECT details FROM audit_log WHERE action = 'auth.login' AND subject = 'user:unknown' ORDER BY id DESC LIMIT 1`,
    );
    expect(line.details).toMatchObject({ outcome: 'locked', method: 'password' });
    expect(line.details.usernameHash).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(line.details)).not.toContain('absent.');
  });

  it(`lets one address try ${ADDRESS_LIMIT} sign-ins in ${WINDOW_MINUTES} minutes, then answers 429 with Retry-After`, async () => {
    const address = newAddress();
    const t0 = Date.now();
    for (let i = 0; i < ADDRESS_LIMIT; i++) expect((await login(`spray.${kind.name}.${i}`, 'Winter2024!', address)).status).toBe(401);
    const limited = await login(`spray.${kind.name}.last`, 'Winter2024!', address);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_requests');
    const elapsed = Math.ceil((Date.now() - t0) / 1000);
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(WINDOW_MINUTES * 60 - elapsed - 2);
    expect(retry).toBeLessThanOrEqual(WINDOW_MINUTES * 60);
    // Another address is not held back; and once the window has passed, this one may try again.
    expect((await login(`spray.${kind.name}.other`, 'Winter2024!', newAddress())).status).toBe(401);
    await exec(sql`UPDATE login_attempts SET at = at - make_interval(mins => ${WINDOW_MINUTES}) WHERE address = ${address}`);
    expect((await login(`spray.${kind.name}.later`, 'Winter2024!', address)).status).toBe(401);
  });

  it(`lets one username be tried ${USERNAME_LIMIT} times in ${WINDOW_MINUTES} minutes, from any addresses`, async () => {
    const u = await account();
    for (let i = 0; i < USERNAME_LIMIT; i++) expect((await login(u.username)).status).toBe(200);
    const limited = await login(u.username);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses every API call of a personal-data role until its TOTP is verified; enrol, verify, me and logout serve that half-state', async () => {
    const u = await account('state_officer', { stateCode: 'BE' });
    const first = await login(u.username);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ secondFactor: 'enrol', user: { role: 'state_officer', stateCode: 'BE' } });
    const half = { session: first.session, csrf: first.body.csrfToken as string };
    const refused = await call('/api/probe', { session: half.session });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/second factor/);
    expect((await call('/api/auth/me', { session: half.session })).body).toMatchObject({
      secondFactor: 'enrol',
      user: { username: u.username },
    });
    const enrol = await call('/api/auth/totp/enrol', { method: 'POST', ...half });
    expect(enrol.status).toBe(200);
    const secret = enrol.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(enrol.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      secret,
      issuer: 'Pathways',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    // A wrong code is refused; the right one passes and replaces the session (a new token).
    const wrongCode = String((Number(totpCode(secret, Date.now())) + 500_000) % 1_000_000).padStart(6, '0');
    expect((await call('/api/auth/totp/verify', { body: { code: wrongCode }, ...half })).status).toBe(401);
    const verified = await call('/api/auth/totp/verify', { body: { code: totpCode(secret, Date.now()) }, ...half });
    expect(verified.status).toBe(200);
    expect(verified.body.secondFactor).toBe('passed');
    expect(verified.session).toBeTruthy();
    expect(verified.session).not.toBe(half.session);
    expect((await call('/api/auth/me', { session: half.session })).status).toBe(401);
    const probe = await call('/api/probe', { session: verified.session });
    expect(probe.status).toBe(200);
    expect(probe.body.principal).toMatchObject({ role: 'state_officer', stateCode: 'BE' });
    expect((await one<{ on: boolean }>(sql`SELECT totp_enabled AS on FROM users WHERE id = ${u.id}`)).on).toBe(true);
    // Enrolment cannot be started again once done.
    expect((await call('/api/auth/totp/enrol', { method: 'POST', session: verified.session, csrf: verified.body.csrfToken })).status).toBe(
      409,
    );
    // The next sign-in asks for the code, not for enrolment; logging out of the half-state works.
    const second = await login(u.username);
    expect(second.body.secondFactor).toBe('required');
    expect((await call('/api/auth/logout', { method: 'POST', session: second.session, csrf: second.body.csrfToken })).status).toBe(204);
    expect((await call('/api/auth/me', { session: second.session })).status).toBe(401);
  });

  it('never accepts a TOTP code twice, and accepts the next step’s', async () => {
    const u = await enrolled();
    const used = (await one<{ step: number }>(sql`SELECT totp_last_step::float8 AS step FROM users WHERE id = ${u.id}`)).step;
    const again = await login(u.username);
    const replay = await call('/api/auth/totp/verify', {
      body: { code: totpCode(u.secret, used * 30_000) },
      session: again.session,
      csrf: again.body.csrfToken,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toMatch(/already used/);
    const next = await call('/api/auth/totp/verify', {
      body: { code: totpCode(u.secret, (used + 1) * 30_000) },
      session: again.session,
      csrf: again.body.csrfToken,
    });
    expect(next.status).toBe(200);
    // Through the token endpoint too: a code of a step already used gives no token.
    const token = await call('/api/auth/token', {
      body: { username: u.username, password: PASSWORD, totp: totpCode(u.secret, (used + 1) * 30_000) },
      address: newAddress(),
    });
    expect(token.status).toBe(401);
  });

  it(`locks the account after ${LOCK_AFTER} wrong codes and ends the session that guessed them`, async () => {
    const u = await enrolled('sponsor');
    const s = await login(u.username);
    const good = totpCode(u.secret, Date.now());
    const wrong = (i: number) => String((Number(good) + 1000 + i * 7919) % 1_000_000).padStart(6, '0');
    const seen: number[] = [];
    for (let i = 0; i < LOCK_AFTER; i++)
      seen.push((await call('/api/auth/totp/verify', { body: { code: wrong(i) }, session: s.session, csrf: s.body.csrfToken })).status);
    expect(seen).toEqual([...Array(LOCK_AFTER - 1).fill(401), 429]);
    expect((await call('/api/auth/me', { session: s.session })).status).toBe(401);
    expect((await login(u.username)).status).toBe(429);
  });

  it('gives an API token only with the second factor passed or not needed; a bearer needs no CSRF token', async () => {
    const analyst = await account('commission_analyst');
    const t = await call('/api/auth/token', { body: { username: analyst.username, password: PASSWORD }, address: newAddress() });
    expect(t.status).toBe(200);
    expect(t.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.cookies).toEqual([]);
    expect((await call('/api/probe', { method: 'POST', bearer: t.body.token })).status).toBe(200);

    const officer = await account('state_officer', { stateCode: 'NL' });
    const noEnrol = await call('/api/auth/token', { body: { username: officer.username, password: PASSWORD }, address: newAddress() });
    expect(noEnrol.status).toBe(401);
    expect(noEnrol.body.message).toMatch(/set up your authenticator app/);
    const u = await enrolled();
    const noCode = await call('/api/auth/token', { body: { username: u.username, password: PASSWORD }, address: newAddress() });
    expect(noCode.status).toBe(401);
    expect(noCode.body.message).toMatch(/second factor/);
    const withCode = await call('/api/auth/token', {
      body: { username: u.username, password: PASSWORD, totp: totpCode(u.secret, Date.now() + 30_000) },
      address: newAddress(),
    });
    expect(withCode.status).toBe(200);
    const probe = await call('/api/probe', { bearer: withCode.body.token });
    expect(probe.body).toMatchObject({ principal: { username: u.username, role: 'state_officer' }, authMethod: 'bearer' });
  });

  it('refuses a cookie-authenticated change without the session’s CSRF token, or from another site', async () => {
    const u = await account();
    const s = await login(u.username);
    const csrf = s.body.csrfToken as string;
    expect((await call('/api/probe', { method: 'POST', session: s.session })).status).toBe(403);
    expect(
      (await call('/api/probe', { method: 'POST', session: s.session, csrf: csrf.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) })).status,
    ).toBe(403);
    const ok = await call('/api/probe', {
      method: 'POST',
      session: s.session,
      csrf,
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(ok.status).toBe(200);
    const crossSite = await call('/api/probe', { method: 'POST', session: s.session, csrf, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.message).toMatch(/another site/);
    expect(
      (await call('/api/probe', { method: 'POST', session: s.session, csrf, headers: { origin: 'https://evil.example' } })).status,
    ).toBe(403);
    expect(
      (await call('/api/probe', { method: 'POST', session: s.session, csrf, headers: { 'sec-fetch-site': 'same-site' } })).status,
    ).toBe(403);
    // Reading is not a change: a GET with the cookie needs no token.
    expect((await call('/api/probe', { session: s.session })).status).toBe(200);
    // Signing in from another site's form is refused too (login CSRF).
    expect((await login(u.username, PASSWORD, newAddress(), { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('ends a session that expired, sat idle, was signed out, or whose user was disabled', async () => {
    const u = await account();
    const sessions = await Promise.all([1, 2, 3, 4, 5].map(async () => (await login(u.username)).session!));
    const hashOf = (t: string) => createHash('sha256').update(t).digest('hex');
    const [expired, idle, signedOut, fresh, lastOne] = sessions as [string, string, string, string, string];
    for (const s of sessions) expect((await call('/api/probe', { session: s })).status).toBe(200);
    await exec(sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${hashOf(expired)}`);
    await exec(
      sql`UPDATE sessions SET last_seen_at = now() - make_interval(mins => ${IDLE_MINUTES + 1}) WHERE token_hash = ${hashOf(idle)}`,
    );
    const csrf = (await call('/api/auth/me', { session: signedOut })).body.csrfToken;
    expect((await call('/api/auth/logout', { method: 'POST', session: signedOut, csrf })).status).toBe(204);
    for (const s of [expired, idle, signedOut]) {
      const r = await call('/api/probe', { session: s });
      expect(r.status).toBe(401);
      expect(r.body.message).toMatch(/session has ended/);
    }
    // Idle just under the limit is still alive.
    await exec(
      sql`UPDATE sessions SET last_seen_at = now() - make_interval(mins => ${IDLE_MINUTES - 1}) WHERE token_hash = ${hashOf(fresh)}`,
    );
    expect((await call('/api/probe', { session: fresh })).status).toBe(200);
    const admin = operator('test-admin');
    const r = await inScope(database.db, admin, (tx) => disableUser(tx, admin, u.username));
    expect(r.sessionsEnded).toBe(2);
    for (const s of [fresh, lastOne]) expect((await call('/api/probe', { session: s })).status).toBe(401);
    const disabled = await login(u.username);
    expect(disabled.status).toBe(401);
    expect(disabled.body.message).toMatch(/username or the password is wrong/);
  });

  it('gives a new session at each sign-in and ends the one the browser held', async () => {
    const u = await account();
    const first = await login(u.username);
    const second = await call('/api/auth/login', {
      body: { username: u.username, password: PASSWORD },
      session: first.session,
      address: newAddress(),
    });
    expect(second.status).toBe(200);
    expect(second.session).not.toBe(first.session);
    expect((await call('/api/probe', { session: first.session })).status).toBe(401);
    expect((await call('/api/probe', { session: second.session })).status).toBe(200);
  });

  it('refuses a body that is not {username, password} with 400 and never echoes the password', async () => {
    const r = await call('/api/auth/login', { body: { username: 'someone', password: 42 }, address: newAddress() });
    expect(r.status).toBe(400);
    expect(r.body.details.fields).toHaveProperty('password');
    const notJson = await call('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      address: newAddress(),
    });
    expect(notJson.status).toBe(400);
    // JSON only: a cross-site form can post text/plain that parses as JSON.
    const plain = await call('/api/auth/login', {
      body: { username: 'someone', password: 'whatever' },
      headers: { 'content-type': 'text/plain' },
      address: newAddress(),
    });
    expect(plain.status).toBe(400);
    const leaky = await call('/api/auth/login', { body: { username: '', password: 'hunter2-secret' }, address: newAddress() });
    expect(leaky.status).toBe(400);
    expect(JSON.stringify(leaky.body)).not.toContain('hunter2');
  });
});
