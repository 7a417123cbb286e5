/**
 * Who acts, and the scope the database lets them see. Pure: no I/O.
 *
 * Roles (issue 4): the Commission's analyst sees every state's figures and no person; a Member
 * State's officer the cases of its state; its administrator the users of its state; a referral
 * partner the status of the referrals its organisation made to the one state it has a referral
 * agreement with (the account's state); a sponsor the households it supports; an auditor the
 * audit trail of its scope (a state, or the Commission's own); the system administrator users and
 * configuration, no personal data, and it mints no account that reads any. The operator is the
 * command line on the database's machine.
 */
export const ROLES = [
  'commission_analyst',
  'state_officer',
  'state_admin',
  'referral_partner',
  'sponsor',
  'auditor',
  'system_admin',
] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** How the audit trail names them: `user:<id>` for an account, `cli:<os user>` for the operator. */
  id: string;
  userId: number | null;
  username: string;
  role: Role | 'operator';
  /** The Member State of a state role or of a state's auditor; null for the Commission and the platform. */
  stateCode: string | null;
  /** The referral partner or sponsor organisation. */
  organisation: string | null;
}

/** Roles that read personal data: a second factor is required of them (TOTP, or the identity provider's). */
export const PERSONAL_DATA_ROLES: readonly Role[] = [
  'state_officer',
  'state_admin',
  'referral_partner',
  'sponsor',
  'auditor',
  'system_admin',
];
export const needsSecondFactor = (role: Role | 'operator'): boolean => role !== 'operator' && PERSONAL_DATA_ROLES.includes(role);

/** Roles that must name a state, and roles that must name an organisation. */
export const STATE_ROLES: readonly Role[] = ['state_officer', 'state_admin'];
export const ORGANISATION_ROLES: readonly Role[] = ['referral_partner', 'sponsor'];
/**
 * An organisation's account belongs to one state: a referral partner's to the state its
 * organisation has a referral agreement with, a sponsor's to the state that registered it (a
 * sponsor's organisation code is unique per state only). It sees that state's rows of its
 * organisation only (policies `readCase`, `listOwnReferrals`, `useSponsorPortal`; row-level
 * policies `partner_read` and `sponsor_state`, migration 0013).
 */
export const AGREEMENT_ROLES: readonly Role[] = ['referral_partner', 'sponsor'];
/**
 * The accounts that read no person's data and can mint no account that does: the only ones the
 * platform's administrator may create or change (issue 19, finding 5). Every other role reads
 * personal data (a state's administrator indirectly: it creates its state's officers).
 */
export const NO_PERSONAL_DATA_ROLES: readonly Role[] = ['commission_analyst', 'system_admin'];

/** The database scope of a principal: what `pathways.tenant` (and friends) are set to per transaction. */
export interface DbScope {
  tenant: string;
  organisation: string | null;
  auditor: boolean;
  /** An organisation's state (`pathways.organisation_state`): a referral partner's agreement, a sponsor's registration. */
  organisationState?: string | null;
}

export function scopeOf(p: Principal): DbScope {
  const base = { organisation: null, auditor: false };
  switch (p.role) {
    case 'operator':
      return { ...base, tenant: '*' };
    case 'commission_analyst':
      return { ...base, tenant: 'EU' };
    case 'state_officer':
    case 'state_admin':
      return { ...base, tenant: p.stateCode ?? '' };
    case 'referral_partner':
      return { ...base, tenant: 'partner', organisation: p.organisation, organisationState: p.stateCode };
    case 'sponsor':
      return { ...base, tenant: 'sponsor', organisation: p.organisation, organisationState: p.stateCode };
    case 'auditor':
      return { ...base, tenant: p.stateCode ?? 'EU', auditor: true };
    case 'system_admin':
      return { ...base, tenant: 'ADMIN' };
  }
}

export function operator(name: string): Principal {
  return { id: `cli:${name}`, userId: null, username: name, role: 'operator', stateCode: null, organisation: null };
}
