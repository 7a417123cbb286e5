import { createHash } from 'node:crypto';
import { recordAudit } from '../audit/audit-line.service.ts';
import { inScope } from '../access/scope.ts';
import type { Principal, Role } from '../access/principal.ts';
import type { Db, Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { IDENTITY_SCOPE } from './authenticate.ts';
import { checkNewPassword, hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import { openSession, revokeSession, secondFactorOf, sessionUser, tokenHash, type NewSession, type SecondFactor } from './session.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';
import { openSecret, sealSecret } from './secret-box.ts';
import {
  attemptWindowRetry,
  incrementFailedLogins,
  insertLoginAttempt,
  lockSignIn,
  markLoginAttemptSucceeded,
  resetFailedLogins,
  selectAccountForUpdate,
  selectPasswordHashForUpdate,
  selectRecentAttempts,
  setPendingTotpSecret,
  takeTotpStep,
  type AccountKey,
  type AccountRow,
} from './login.repository.ts';
import { markOtherSessionsRevoked, markUnverifiedSessionsRevoked } from './session.repository.ts';
import { updatePasswordHash } from './user.repository.ts';

/**
 * Signing in with a password (and a TOTP code), passing and setting up the second factor, signing
 * out. No HTTP here: the routes, the command line and the tests call these functions alike.
 *
 * Guessing is slowed three ways: an account is locked for 15 minutes after 5 failures in a row
 * (password or code); a source address gets 20 attempts and a username 10 in any 15 minutes
 * (`login_attempts`, a sliding window); and a username that does not exist answers exactly as one
 * that does — same message, one argon2 check either way, and a lock-out simulated from its attempts.
 */
export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;
export const WINDOW_MINUTES = 15;
export const ADDRESS_LIMIT = 20;
export const USERNAME_LIMIT = 10;
/** How far back the attempts on an unknown username are read to simulate its lock-out. */
const SIMULATED_HISTORY = 500;

/** The user as a sign-in presents it. */
export interface UserView {
  username: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
}

export interface SignedIn {
  principal: Principal;
  user: UserView;
  session: NewSession;
  secondFactor: SecondFactor;
}

export interface PasswordLogin {
  username: string;
  password: string;
  /** A TOTP code, when the client has one at hand (required for a bearer token of a 2FA role). */
  totp?: string | undefined;
  /** The source address, for the rate limit and the audit trail. */
  address: string;
  /** A browser session (may still await its second factor) or an API token (only with it passed). */
  purpose: 'session' | 'token';
  /** The time of the TOTP check (ms); tests only. */
  now?: number;
}

/** An account as a sign-in reads it, its TOTP secret opened (src/identity/secret-box.ts). */
type Account = AccountRow;

const principalOf = (a: Pick<Account, 'id' | 'username' | 'role' | 'stateCode' | 'organisation'>): Principal => ({
  id: `user:${a.id}`,
  userId: a.id,
  username: a.username,
  role: a.role,
  stateCode: a.stateCode,
  organisation: a.organisation,
});

export const viewOf = (p: Principal): UserView => ({
  username: p.username,
  role: p.role as Role,
  stateCode: p.stateCode,
  organisation: p.organisation,
});

const attemptKey = (username: string) => username.toLowerCase().slice(0, 200);
/** A name typed at the sign-in that is no account may be a password typed in the wrong field: only its hash is kept. */
const nameHash = (username: string) => createHash('sha256').update(attemptKey(username)).digest('hex').slice(0, 16);
const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
const tooMany = (retryAfter: number) =>
  appError(ErrorCode.TooManyRequests, 'tooManySignIns', { minutes: minutesOf(retryAfter) }, { retryAfter });
const locked = (retryAfter: number) =>
  appError(ErrorCode.TooManyRequests, 'accountLocked', { minutes: minutesOf(retryAfter) }, { retryAfter });

async function readAccount(db: Executor, key: AccountKey): Promise<Account | undefined> {
  const a = await selectAccountForUpdate(db, key);
  return a?.totpSecret ? { ...a, totpSecret: openSecret(a.totpSecret) } : a;
}

/**
 * Whether an account with these attempts would be locked now, by the rule `recordFailure` applies to
 * a real one: 5 failures in a row lock it for 15 minutes; attempts refused while locked change nothing;
 * a success starts the count again. Pure. Returns the seconds left, or null.
 */
export function simulatedLock(attempts: { at: number; succeeded: boolean }[], now: number): number | null {
  let failures = 0;
  let lockedUntil: number | null = null;
  for (const a of attempts) {
    if (lockedUntil !== null && a.at < lockedUntil) continue;
    if (a.succeeded) failures = 0;
    else if (++failures >= LOCK_AFTER) {
      lockedUntil = a.at + LOCK_MINUTES * 60_000;
      failures = 0;
    }
  }
  return lockedUntil !== null && lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : null;
}

/** The seconds until the window holds fewer than `limit` attempts matching `where`; null when it already does. */
async function windowFull(db: Executor, by: { address: string } | { username: string }, limit: number): Promise<number | null> {
  return (await attemptWindowRetry(db, by, limit, WINDOW_MINUTES)) ?? null;
}

/** One failure more on a real account; locks it at the fifth, and ends the sessions still awaiting a second factor. */
async function recordFailure(db: Executor, userId: number): Promise<number | null> {
  const lockedFor = await incrementFailedLogins(db, userId, LOCK_AFTER, LOCK_MINUTES);
  if (lockedFor !== null) await markUnverifiedSessionsRevoked(db, userId);
  return lockedFor;
}

async function recordSuccess(db: Executor, userId: number): Promise<void> {
  await resetFailedLogins(db, userId);
}

type LoginOutcome = 'success' | 'failure' | 'lockout' | 'locked';

async function auditLogin(
  db: Executor,
  e: {
    account: Account | undefined;
    username: string;
    outcome: LoginOutcome;
    method: string;
    address: string;
    reason?: string;
    secondFactor?: SecondFactor;
  },
) {
  await recordAudit(db, {
    actor: e.outcome === 'success' && e.account ? principalOf(e.account) : IDENTITY_SCOPE,
    action: 'auth.login',
    subject: e.account ? `user:${e.account.id}` : 'user:unknown',
    stateCode: e.account?.stateCode ?? null,
    recordIds: e.account ? [`user:${e.account.id}`] : [],
    details: {
      outcome: e.outcome,
      method: e.method,
      address: e.address,
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.secondFactor ? { secondFactor: e.secondFactor } : {}),
      ...(e.account ? {} : { usernameHash: nameHash(e.username) }),
    },
  });
}

type Checked =
  | { kind: 'refused'; error: ReturnType<typeof appError> }
  | { kind: 'check'; attemptId: number; account: Account | undefined; previous: { at: number; succeeded: boolean }[] };

/**
 * Signs in with a username and a password (and a TOTP code when given). Throws 401 with one
 * message whatever was wrong, 429 when rate-limited or locked (details.retryAfter, seconds).
 * The attempt, the failure count and the audit line are committed even when it refuses.
 */
export async function loginWithPassword(db: Db, input: PasswordLogin): Promise<SignedIn> {
  const key = attemptKey(input.username);
  const method = input.purpose === 'token' ? 'token' : 'password';

  // 1. The rate limits and the lock, and the attempt recorded, one sign-in per address and name at a time.
  const checked = await inScope<Checked>(db, IDENTITY_SCOPE, async (tx) => {
    await lockSignIn(tx, input.address, key);
    const byAddress = await windowFull(tx, { address: input.address }, ADDRESS_LIMIT);
    if (byAddress !== null) return { kind: 'refused', error: tooMany(byAddress) };
    const byName = await windowFull(tx, { username: key }, USERNAME_LIMIT);
    if (byName !== null) return { kind: 'refused', error: tooMany(byName) };
    const account = await readAccount(tx, { username: key });
    let previous: { at: number; succeeded: boolean }[] = [];
    let lockedFor: number | null;
    if (account) lockedFor = account.lockedFor;
    else {
      const history = await selectRecentAttempts(tx, key, SIMULATED_HISTORY);
      previous = history.reverse();
      lockedFor = simulatedLock(previous, Date.now());
    }
    const attemptId = await insertLoginAttempt(tx, key, input.address);
    if (lockedFor !== null) {
      await auditLogin(tx, { account, username: input.username, outcome: 'locked', method, address: input.address });
      return { kind: 'refused', error: locked(lockedFor) };
    }
    return { kind: 'check', attemptId, account, previous };
  });
  if (checked.kind === 'refused') throw checked.error;

  // 2. The password, outside any transaction: argon2 takes its time on purpose.
  const { account } = checked;
  const usable = account?.passwordHash && !account.disabled;
  const passwordOk = usable ? await verifyPassword(account.passwordHash!, input.password) : await verifyAgainstDummy(input.password);

  // 3. The outcome, committed whatever it is.
  const result = await inScope(db, IDENTITY_SCOPE, async (tx): Promise<{ ok: SignedIn } | { error: ReturnType<typeof appError> }> => {
    const failure = async (reason: string) => {
      let lockedFor: number | null;
      if (account) lockedFor = await recordFailure(tx, account.id);
      else lockedFor = simulatedLock([...checked.previous, { at: Date.now(), succeeded: false }], Date.now());
      await auditLogin(tx, {
        account,
        username: input.username,
        outcome: lockedFor === null ? 'failure' : 'lockout',
        method,
        address: input.address,
        reason,
      });
      return { error: lockedFor === null ? appError(ErrorCode.Unauthenticated, 'invalidCredentials') : locked(lockedFor) };
    };
    if (!passwordOk || !account)
      return failure(
        account?.disabled ? 'disabled' : account && !account.passwordHash ? 'no_password' : account ? 'password' : 'unknown_user',
      );

    let passed = false;
    if (input.totp !== undefined && account.totpEnabled && account.totpSecret) {
      const step = matchTotp(account.totpSecret, input.totp, input.now ?? Date.now());
      if (step === null || !(await takeTotpStep(tx, account.id, step))) return failure('totp');
      passed = true;
    }
    await markLoginAttemptSucceeded(tx, checked.attemptId);
    const secondFactor = secondFactorOf(account.role, account.totpEnabled, passed);
    const awaiting = secondFactor === 'required' || secondFactor === 'enrol';
    if (awaiting && input.purpose === 'token') {
      // The password was right; without the second factor there is no token. The failure count stays
      // as it is, so that a right password cannot be used to reset it between guesses of codes.
      await auditLogin(tx, {
        account,
        username: input.username,
        outcome: 'failure',
        method,
        address: input.address,
        reason: 'second_factor_missing',
        secondFactor,
      });
      return { error: appError(ErrorCode.Unauthenticated, secondFactor === 'enrol' ? 'totpEnrolFirst' : 'secondFactorRequired') };
    }
    if (!awaiting) await recordSuccess(tx, account.id);
    const session = await openSession(tx, account.id, secondFactor);
    await auditLogin(tx, { account, username: input.username, outcome: 'success', method, address: input.address, secondFactor });
    const principal = principalOf(account);
    return { ok: { principal, user: viewOf(principal), session, secondFactor } };
  });
  if ('error' in result) throw result.error;
  return result.ok;
}

/** An API token: a session that only a sign-in with the second factor passed (or not needed) gets. */
export async function issueApiToken(
  db: Db,
  input: Omit<PasswordLogin, 'purpose'>,
): Promise<{ token: string; expiresAt: string; user: UserView }> {
  const signedIn = await loginWithPassword(db, { ...input, purpose: 'token' });
  return { token: signedIn.session.token, expiresAt: signedIn.session.expiresAt, user: signedIn.user };
}

/**
 * Starts setting up TOTP for the user of a session that has none yet: a new secret, kept until a
 * code from it is verified. Starting again replaces it. Refused once TOTP is set up.
 */
export async function enrolTotp(db: Db, input: { sessionToken: string }): Promise<{ secret: string; otpauthUrl: string }> {
  const result = await inScope(db, IDENTITY_SCOPE, async (tx) => {
    const s = await sessionUser(tx, input.sessionToken);
    if (!s) return { error: appError(ErrorCode.Unauthenticated, 'sessionOver') };
    const secret = newTotpSecret();
    if (!(await setPendingTotpSecret(tx, s.principal.userId!, sealSecret(secret))))
      return { error: appError(ErrorCode.Conflict, 'totpAlreadyEnrolled') };
    await recordAudit(tx, {
      actor: s.principal,
      action: 'auth.totp',
      subject: s.principal.id,
      stateCode: s.principal.stateCode,
      recordIds: [s.principal.id],
      fields: ['totpSecret'],
      details: { outcome: 'enrolment_started' },
    });
    return { ok: { secret, otpauthUrl: totpUri(secret, s.principal.username) } };
  });
  if ('error' in result) throw result.error;
  return result.ok;
}

/**
 * Checks a TOTP code for the user of a session: on success the second factor counts as passed, TOTP
 * is set up if it was being set up, and the session is replaced by a new one (a new token: session
 * fixation). A wrong or reused code counts as a failed sign-in (5 lock the account).
 */
export async function verifyTotp(
  db: Db,
  input: { sessionToken: string; code: string; address: string; now?: number },
): Promise<{ principal: Principal; session: NewSession; secondFactor: SecondFactor; enrolled: boolean }> {
  const result = await inScope(db, IDENTITY_SCOPE, async (tx) => {
    const s = await sessionUser(tx, input.sessionToken);
    if (!s) return { error: appError(ErrorCode.Unauthenticated, 'sessionOver') };
    const account = (await readAccount(tx, { id: s.principal.userId! }))!;
    if (account.lockedFor !== null) return { error: locked(account.lockedFor) };
    if (account.totpEnabled && s.mfaPassed) return { error: appError(ErrorCode.Conflict, 'totpAlreadyPassed') };
    if (!account.totpSecret) return { error: appError(ErrorCode.Conflict, 'totpNotEnrolling') };
    const audit = (outcome: LoginOutcome, details: Record<string, unknown> = {}) =>
      recordAudit(tx, {
        actor: outcome === 'success' ? s.principal : IDENTITY_SCOPE,
        action: 'auth.totp',
        subject: s.principal.id,
        stateCode: s.principal.stateCode,
        recordIds: [s.principal.id],
        details: { outcome, address: input.address, ...details },
      });
    const step = matchTotp(account.totpSecret, input.code, input.now ?? Date.now());
    if (step === null || !(await takeTotpStep(tx, account.id, step))) {
      const lockedFor = await recordFailure(tx, account.id);
      await audit(lockedFor === null ? 'failure' : 'lockout', { reason: step === null ? 'wrong_code' : 'reused_code' });
      return { error: lockedFor === null ? appError(ErrorCode.Unauthenticated, 'totpInvalid') : locked(lockedFor) };
    }
    await recordSuccess(tx, account.id);
    await revokeSession(tx, input.sessionToken);
    const session = await openSession(tx, account.id, 'passed');
    const enrolled = !account.totpEnabled;
    await audit('success', { enrolled });
    return { ok: { principal: s.principal, session, secondFactor: 'passed' as const, enrolled } };
  });
  if ('error' in result) throw result.error;
  return result.ok;
}

/** Ends a session (and says so in the audit trail). Ending one that is already over is no error. */
export async function logout(db: Db, input: { sessionToken: string }): Promise<void> {
  await inScope(db, IDENTITY_SCOPE, async (tx) => {
    const s = await sessionUser(tx, input.sessionToken);
    if (!s) return;
    await revokeSession(tx, input.sessionToken);
    await recordAudit(tx, {
      actor: s.principal,
      action: 'auth.logout',
      subject: s.principal.id,
      stateCode: s.principal.stateCode,
      recordIds: [s.principal.id],
    });
  });
}

/** Ends a session quietly (the one a browser held before signing in again). */
export async function endSession(db: Db, token: string): Promise<void> {
  await inScope(db, IDENTITY_SCOPE, (tx) => revokeSession(tx, token));
}

/**
 * Opens a session for an account found by an identity provider (OpenID Connect). The second factor
 * counts as passed when the provider says it checked one.
 */
export async function signInExternal(
  db: Db,
  input: { issuer: string; subject: string; secondFactorPassed: boolean; address: string },
): Promise<SignedIn> {
  const result = await inScope(db, IDENTITY_SCOPE, async (tx) => {
    const account = await readAccount(tx, { oidcIssuer: input.issuer, oidcSubject: input.subject });
    const base = { username: input.subject, method: 'oidc', address: input.address };
    if (!account || account.disabled) {
      await recordAudit(tx, {
        actor: IDENTITY_SCOPE,
        action: 'auth.login',
        subject: account ? `user:${account.id}` : 'user:unknown',
        stateCode: account?.stateCode ?? null,
        recordIds: account ? [`user:${account.id}`] : [],
        details: {
          outcome: 'failure',
          method: 'oidc',
          address: input.address,
          reason: account ? 'disabled' : 'not_registered',
          issuer: input.issuer,
          subject: input.subject,
        },
      });
      return { error: appError(ErrorCode.Unauthenticated, 'oidcNotRegistered', { issuer: input.issuer, subject: input.subject }) };
    }
    const secondFactor = secondFactorOf(account.role, account.totpEnabled, input.secondFactorPassed);
    if (secondFactor === 'passed' || secondFactor === 'not_needed') await recordSuccess(tx, account.id);
    const session = await openSession(tx, account.id, secondFactor);
    await auditLogin(tx, { ...base, account, outcome: 'success', secondFactor });
    const principal = principalOf(account);
    return { ok: { principal, user: viewOf(principal), session, secondFactor } };
  });
  if ('error' in result) throw result.error;
  return result.ok;
}

/**
 * A signed-in user changes their own password (ASVS 6.2.3): the current one is asked again (a wrong
 * one counts towards the lock-out), the new one must satisfy the rules, and every other session of
 * the user ends; the one making the change stays.
 */
export async function changeOwnPassword(
  db: Db,
  input: { sessionToken: string; current: string; next: string },
): Promise<{ sessionsEnded: number }> {
  checkNewPassword(input.next);
  const result = await inScope(
    db,
    IDENTITY_SCOPE,
    async (tx): Promise<{ ok: { sessionsEnded: number } } | { error: ReturnType<typeof appError> }> => {
      const s = await sessionUser(tx, input.sessionToken);
      if (!s) return { error: appError(ErrorCode.Unauthenticated, 'sessionOver') };
      const userId = s.principal.userId!;
      const account = await selectPasswordHashForUpdate(tx, userId);
      const audit = (outcome: string) =>
        recordAudit(tx, {
          actor: s.principal,
          action: 'auth.password',
          subject: s.principal.id,
          stateCode: s.principal.stateCode,
          recordIds: [s.principal.id],
          details: { outcome },
        });
      if (!account?.hash) return { error: appError(ErrorCode.Conflict, 'passwordExternal') };
      if (!(await verifyPassword(account.hash, input.current))) {
        await recordFailure(tx, userId);
        await audit('wrong_current');
        return { error: appError(ErrorCode.Unauthenticated, 'currentPasswordWrong') };
      }
      await updatePasswordHash(tx, userId, await hashPassword(input.next));
      const sessionsEnded = await markOtherSessionsRevoked(tx, userId, tokenHash(input.sessionToken));
      await audit('changed');
      return { ok: { sessionsEnded } };
    },
  );
  // A wrong current password is recorded (committed) before it is refused.
  if ('error' in result) throw result.error;
  return result.ok;
}
