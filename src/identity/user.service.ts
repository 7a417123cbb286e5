import { sql, rows, type Executor } from '../db/db.ts';
import { recordAudit } from '../audit/audit.ts';
import { authorize, policies } from '../access/policy.ts';
import { ORGANISATION_ROLES, STATE_ROLES, type Principal, type Role } from '../access/principal.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { hashPassword } from './password.ts';

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

/** Creates an account, after the `manageUsers` policy; the line in the audit trail names who did it. */
export async function createUser(db: Executor, by: Principal, input: NewUser): Promise<{ id: number }> {
  const stateCode = input.stateCode ?? null;
  authorize(policies.manageUsers, by, { stateCode, role: input.role });
  if (STATE_ROLES.includes(input.role) && !stateCode) throw appError(ErrorCode.BadInput, 'userNeedsState', { role: input.role });
  if (ORGANISATION_ROLES.includes(input.role) && !input.organisation) throw appError(ErrorCode.BadInput, 'userNeedsOrganisation', { role: input.role });
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO users (username, display_name, role, state_code, organisation, password_hash, oidc_issuer, oidc_subject, created_by)
        VALUES (${input.username}, ${input.displayName}, ${input.role}, ${stateCode}, ${input.organisation ?? null}, ${passwordHash},
                ${input.oidcIssuer ?? null}, ${input.oidcSubject ?? null}, ${by.id})
        ON CONFLICT DO NOTHING
        RETURNING id::int AS id`,
  );
  if (!row) throw appError(ErrorCode.Conflict, 'userExists', { username: input.username });
  await recordAudit(db, {
    actor: by,
    action: 'user.create',
    subject: `user:${row.id}`,
    stateCode,
    recordIds: [`user:${row.id}`],
    fields: ['username', 'displayName', 'role', 'stateCode', 'organisation'],
  });
  return row;
}
