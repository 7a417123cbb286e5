import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/db.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import { authorize, policies, systemAdminMayManage } from '../access/policy.ts';
import { AGREEMENT_ROLES, ORGANISATION_ROLES, STATE_ROLES, type Principal, type Role } from '../access/principal.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { checkNewPassword, hashPassword } from './password.ts';
import { revokeUserSessions } from './session.ts';
import {
  anyUserExists,
  clearTotp,
  countOtherActiveStateAdmins,
  findAccount,
  findAccountForDisable,
  insertUser,
  lockFirstAdministrator,
  lockStateAdmins,
  markUserDisabled,
  selectUserSummaries,
  updatePasswordHash,
  type UserSummaryRow,
} from './user.repository.ts';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  stateCode?: string | null;
  organisation?: string | null;
  /** A local account's password; absent for an OpenID Connect account. */
  password?: string | null;
  oidcIssuer?: string | null;
  oidcSubject?: string | null;
}

/**
 * The `manageUsers` policy for creating an account or setting its password or second factor. The
 * platform's administrator asking for an account that reads personal data is told so plainly: it
 * could otherwise sign in as what it made (issue 19, finding 5).
 */
function authorizeAccount(by: Principal, account: { stateCode: string | null; role: string }): void {
  if (by.role === 'system_admin' && !systemAdminMayManage(account.role)) {
    throw appError(ErrorCode.Forbidden, 'accountReadsPersonalData', { role: account.role });
  }
  authorize(policies.manageUsers, by, account);
}

/** Creates an account, after the `manageUsers` policy; the line in the audit trail names who did it. */
export async function createUser(db: Executor, by: Principal, input: NewUser): Promise<{ id: number }> {
  const stateCode = input.stateCode ?? null;
  authorizeAccount(by, { stateCode, role: input.role });
  checkAccountFields({ ...input, stateCode });
  if (input.password) checkNewPassword(input.password);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const row = await insertUser(db, {
    username: input.username,
    displayName: input.displayName,
    role: input.role,
    stateCode,
    organisation: input.organisation ?? null,
    passwordHash,
    oidcIssuer: input.oidcIssuer || null,
    oidcSubject: input.oidcSubject || null,
    createdBy: by.id,
  });
  if (!row) throw appError(ErrorCode.Conflict, input.oidcIssuer ? 'userOrOidcExists' : 'userExists', { username: input.username });
  await recordAudit(db, {
    actor: by,
    action: 'user.create',
    subject: `user:${row.id}`,
    stateCode,
    recordIds: [`user:${row.id}`],
    fields: ['username', 'displayName', 'role', 'stateCode', 'organisation', ...(input.oidcIssuer ? ['oidcIssuer', 'oidcSubject'] : [])],
  });
  return row;
}

/** An account as the administration shows it: never its hash, its TOTP secret or its sessions. */
export type UserSummary = UserSummaryRow;

/**
 * The users of a state (or, for the platform's administrator and the operator, every user). Reading
 * them is audited. Without a state asked for, a state's administrator reads its own state's.
 */
export async function listUsers(
  db: Executor,
  by: Principal,
  filter: { stateCode?: string | null | undefined } = {},
): Promise<UserSummary[]> {
  const stateCode = filter.stateCode ?? (by.role === 'state_admin' ? by.stateCode : null);
  authorize(policies.listUsers, by, { stateCode });
  const list: UserSummary[] = await selectUserSummaries(db, stateCode);
  await recordAudit(db, {
    actor: by,
    action: 'user.list',
    subject: `users:${stateCode ?? 'all'}`,
    stateCode,
    recordIds: list.map((u) => `user:${u.id}`),
    fields: Object.keys(list[0] ?? {}),
  });
  return list;
}

/**
 * Disables an account and ends its sessions at once; its history stays. Returns the sessions ended.
 * Refused: one's own account (a signed-in administrator would lock itself out), and a state's last
 * active administrator (its state could no longer manage its staff); the operator may do both.
 */
export async function disableUser(db: Executor, by: Principal, username: string): Promise<{ id: number; sessionsEnded: number }> {
  const user = await findAccountForDisable(db, username);
  if (!user) throw appError(ErrorCode.NotFound, 'userNotFound', { username });
  authorize(policies.disableUser, by, { stateCode: user.stateCode, role: user.role });
  if (by.role !== 'operator' && by.userId === user.id) throw appError(ErrorCode.Conflict, 'cannotDisableSelf');
  if (by.role !== 'operator' && user.role === 'state_admin' && !user.disabled && user.stateCode) {
    // One at a time per state, so that two administrators disabling each other cannot both succeed.
    await lockStateAdmins(db, user.stateCode);
    if ((await countOtherActiveStateAdmins(db, user.stateCode, user.id)) === 0)
      throw appError(ErrorCode.Conflict, 'lastStateAdmin', { state: user.stateCode });
  }
  if (!user.disabled) await markUserDisabled(db, user.id);
  const sessionsEnded = await revokeUserSessions(db, user.id);
  await recordAudit(db, {
    actor: by,
    action: 'user.disable',
    subject: `user:${user.id}`,
    stateCode: user.stateCode,
    recordIds: [`user:${user.id}`],
    fields: ['disabledAt'],
    details: { sessionsEnded, alreadyDisabled: user.disabled },
  });
  return { id: user.id, sessionsEnded };
}

/** The administrator created at first run, with the password shown once. */
export const FIRST_ADMIN = 'admin';

/**
 * At first run (no user at all): creates a platform administrator `admin` with a random password,
 * returned once for the terminal; null when any user exists. Two servers starting at once create one.
 */
export async function ensureFirstAdministrator(db: Executor, by: Principal): Promise<{ username: string; password: string } | null> {
  await lockFirstAdministrator(db);
  if (await anyUserExists(db)) return null;
  const password = randomBytes(18).toString('base64url');
  await createUser(db, by, { username: FIRST_ADMIN, displayName: 'Administrator', role: 'system_admin', password });
  return { username: FIRST_ADMIN, password };
}

/**
 * Sets an account's password (an administrator, or the operator, for someone who lost theirs; or
 * the first administrator's own) and ends its sessions; the failure count and lock are cleared.
 */
export async function setPassword(
  db: Executor,
  by: Principal,
  username: string,
  password: string,
): Promise<{ id: number; sessionsEnded: number }> {
  checkNewPassword(password);
  const user = await accountOf(db, username);
  authorizeAccount(by, user);
  await updatePasswordHash(db, user.id, await hashPassword(password));
  const sessionsEnded = await revokeUserSessions(db, user.id);
  await recordAudit(db, {
    actor: by,
    action: 'user.password',
    subject: `user:${user.id}`,
    stateCode: user.stateCode,
    recordIds: [`user:${user.id}`],
    fields: ['password'],
    details: { sessionsEnded },
  });
  return { id: user.id, sessionsEnded };
}

/** Forgets an account's TOTP secret (a lost phone): the user enrols again at the next sign-in. Ends its sessions. */
export async function resetTotp(db: Executor, by: Principal, username: string): Promise<{ id: number; sessionsEnded: number }> {
  const user = await accountOf(db, username);
  authorizeAccount(by, user);
  await clearTotp(db, user.id);
  const sessionsEnded = await revokeUserSessions(db, user.id);
  await recordAudit(db, {
    actor: by,
    action: 'user.totp.reset',
    subject: `user:${user.id}`,
    stateCode: user.stateCode,
    recordIds: [`user:${user.id}`],
    fields: ['totp'],
    details: { sessionsEnded },
  });
  return { id: user.id, sessionsEnded };
}

async function accountOf(db: Executor, username: string): Promise<{ id: number; role: Role; stateCode: string | null }> {
  const user = await findAccount(db, username);
  if (!user) throw appError(ErrorCode.NotFound, 'userNotFound', { username });
  return user;
}

/**
 * What an account of a role must name, said before anything else is asked (the command line checks it
 * before the password): a state for a state's roles and for an agreement's (partner, sponsor), an
 * organisation for the latter, both halves of an OpenID Connect identity or neither.
 */
export function checkAccountFields(input: {
  role: Role;
  stateCode: string | null;
  organisation?: string | null;
  oidcIssuer?: string | null;
  oidcSubject?: string | null;
}): void {
  if (STATE_ROLES.includes(input.role) && !input.stateCode) throw appError(ErrorCode.BadInput, 'userNeedsState', { role: input.role });
  if (AGREEMENT_ROLES.includes(input.role) && !input.stateCode)
    throw appError(ErrorCode.BadInput, 'userNeedsAgreementState', { role: input.role });
  if (ORGANISATION_ROLES.includes(input.role) && !input.organisation?.trim())
    throw appError(ErrorCode.BadInput, 'userNeedsOrganisation', { role: input.role });
  if (!input.oidcIssuer !== !input.oidcSubject) throw appError(ErrorCode.BadInput, 'oidcPair');
}
