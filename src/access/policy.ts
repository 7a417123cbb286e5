import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { NO_PERSONAL_DATA_ROLES, type Principal, type Role } from './principal.ts';

/**
 * Who may do what: one named, pure policy per kind of action. Services call them explicitly
 * (`authorize(policies.readCase, principal, resource)`), before touching the data; the database's
 * row-level security (migration 0005) enforces tenancy again on its own.
 */
export type Policy<R = void> = { name: string; allows: (p: Principal, resource: R) => boolean };

const policy = <R = void>(name: string, allows: (p: Principal, resource: R) => boolean): Policy<R> => ({ name, allows });

const isOperator = (p: Principal) => p.role === 'operator';
const officerOf = (p: Principal, stateCode: string) => p.role === 'state_officer' && p.stateCode === stateCode;
/**
 * Whether `readCase` allows the principal every case of the state, whatever the case (the operator, the
 * state's officers): then the route needs no lookup of the case before reading it.
 */
export const readsEveryCaseOf = (p: Principal, stateCode: string) => isOperator(p) || officerOf(p, stateCode);
/** A referral partner bound to its agreement's state (the account's state) and its organisation. */
const partnerOf = (p: Principal, stateCode: string, organisation: string | null) =>
  p.role === 'referral_partner' &&
  p.stateCode !== null &&
  p.stateCode === stateCode &&
  p.organisation !== null &&
  p.organisation === organisation;
/** The accounts a state's administrator makes and looks after: its staff, the referral partners it has an agreement with, its sponsors' portal accounts. */
const STATE_ADMINISTERED: readonly string[] = ['state_officer', 'state_admin', 'referral_partner', 'sponsor'];
/** The system administrator's accounts: those that read no person's data and mint none that does. */
export const systemAdminMayManage = (role: string) => NO_PERSONAL_DATA_ROLES.includes(role as Role);

/** What a policy over a case needs to know of it. */
export interface CaseResource {
  stateCode: string;
  referringPartner: string | null;
  /** Organisations supporting the household (community sponsorship), with their phases. */
  supporters: { organisation: string; phases: string[] }[];
}

export const policies = {
  /** Rounds, pledges and the figures built from counts carry no person: every signed-in principal reads them. */
  readRounds: policy('readRounds', () => true),
  readPledges: policy('readPledges', () => true),
  readFigures: policy('readFigures', () => true),
  /** The Commission opens rounds. */
  manageRounds: policy('manageRounds', (p) => isOperator(p) || p.role === 'commission_analyst'),
  /** A state enters its own pledges. */
  writePledges: policy<{ stateCode: string }>('writePledges', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** The cases of a state, in full: its officers. */
  listCases: policy<{ stateCode: string }>('listCases', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** Referral partners list the status of their referrals to the state of their agreement; sponsors the households they support. */
  listOwnReferrals: policy('listOwnReferrals', (p) => p.role === 'referral_partner' && p.organisation !== null && p.stateCode !== null),
  listSupportedHouseholds: policy(
    'listSupportedHouseholds',
    (p) => p.role === 'sponsor' && p.organisation !== null && p.stateCode !== null,
  ),
  readCase: policy<CaseResource>(
    'readCase',
    (p, c) =>
      readsEveryCaseOf(p, c.stateCode) ||
      partnerOf(p, c.stateCode, c.referringPartner) ||
      (p.role === 'sponsor' && p.stateCode === c.stateCode && c.supporters.some((s) => s.organisation === p.organisation)),
  ),
  changeCase: policy<{ stateCode: string }>('changeCase', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  importCases: policy<{ stateCode: string | null }>(
    'importCases',
    (p, r) => isOperator(p) || (r.stateCode !== null && officerOf(p, r.stateCode)),
  ),
  /**
   * Creating an account, or setting its password or second factor: the platform's administrator only
   * accounts that read no personal data (the Commission's analysts, its own kind); a state's
   * administrator its state's officers, administrators and referral partners; anything else (auditors,
   * sponsors, and the first administrator of a state) the operator at the machine.
   */
  manageUsers: policy<{ stateCode: string | null; role: string }>(
    'manageUsers',
    (p, u) =>
      isOperator(p) ||
      (p.role === 'system_admin' && systemAdminMayManage(u.role)) ||
      (p.role === 'state_admin' && p.stateCode !== null && u.stateCode === p.stateCode && STATE_ADMINISTERED.includes(u.role)),
  ),
  /** Disabling takes access away and gives none: the platform's administrator any account (an incident), a state's administrator those it manages. */
  disableUser: policy<{ stateCode: string | null; role: string }>(
    'disableUser',
    (p, u) =>
      isOperator(p) ||
      p.role === 'system_admin' ||
      (p.role === 'state_admin' && p.stateCode !== null && u.stateCode === p.stateCode && STATE_ADMINISTERED.includes(u.role)),
  ),
  listUsers: policy<{ stateCode: string | null }>(
    'listUsers',
    (p, r) => isOperator(p) || p.role === 'system_admin' || (p.role === 'state_admin' && r.stateCode === p.stateCode),
  ),
  /** The audit trail of a scope (a state, or null for the Commission's and the platform's own lines): its auditors. */
  readAudit: policy<{ stateCode: string | null }>(
    'readAudit',
    (p, r) => isOperator(p) || (p.role === 'auditor' && p.stateCode === r.stateCode),
  ),
  /** A round's AMIF incentives: the Commission and a state's officers (persons: only the officers of their state, decided by the service). */
  readIncentives: policy<{ stateCode: string | null }>(
    'readIncentives',
    (p, r) => isOperator(p) || p.role === 'commission_analyst' || (r.stateCode !== null && officerOf(p, r.stateCode)),
  ),
  /** A state claims its incentives. */
  claimIncentives: policy<{ stateCode: string }>('claimIncentives', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** Community sponsorship (P 15): a state's officers record its sponsors, schemes, memoranda and sponsorships. */
  manageSponsorship: policy<{ stateCode: string }>('manageSponsorship', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** A sponsor's portal: its own record, sponsorships and tasks. */
  useSponsorPortal: policy('useSponsorPortal', (p) => p.role === 'sponsor' && p.organisation !== null && p.stateCode !== null),
  /** The messages of a sponsorship (P 17): its state's officers and the sponsor holding it. */
  converseOnSponsorship: policy<{ stateCode: string; organisation: string }>(
    'converseOnSponsorship',
    (p, r) =>
      isOperator(p) ||
      officerOf(p, r.stateCode) ||
      (p.role === 'sponsor' && p.organisation !== null && p.organisation === r.organisation && p.stateCode === r.stateCode),
  ),
  /** Breakdowns of sponsorships: a state's officers their own with reasons, the Commission the counts. */
  readSponsorshipFigures: policy(
    'readSponsorshipFigures',
    (p) => isOperator(p) || p.role === 'commission_analyst' || (p.role === 'state_officer' && p.stateCode !== null),
  ),
  /** Programmes carry no person: every signed-in principal reads them. */
  readProgrammes: policy('readProgrammes', () => true),
  /** A state's officers write its programmes; the Commission the EU's own (no state). */
  writeProgramme: policy<{ stateCode: string | null }>(
    'writeProgramme',
    (p, r) =>
      isOperator(p) || (r.stateCode !== null && officerOf(p, r.stateCode)) || (r.stateCode === null && p.role === 'commission_analyst'),
  ),
  /** Candidates and family reunification requests are a state's personal data: its officers. */
  handleComplementary: policy<{ stateCode: string }>('handleComplementary', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** The returns of point 27: the Commission every state's counts, a state's officer its own. */
  readAdmissionReturns: policy<{ stateCode: string | null }>(
    'readAdmissionReturns',
    (p, r) =>
      isOperator(p) ||
      p.role === 'commission_analyst' ||
      (p.role === 'state_officer' && p.stateCode !== null && (r.stateCode === null || r.stateCode === p.stateCode)),
  ),
  /** Reference statistics (UNHCR, Eurostat) are public figures: every signed-in principal reads them; the Commission imports them. */
  readStatistics: policy('readStatistics', () => true),
  importStatistics: policy('importStatistics', (p) => isOperator(p) || p.role === 'commission_analyst'),
  /** Federation (issue 7): the Commission registers each state's public key and reads every state's returns received. */
  manageFederationKeys: policy('manageFederationKeys', (p) => isOperator(p) || p.role === 'commission_analyst'),
  readReturnsReceived: policy<{ stateCode: string | null }>(
    'readReturnsReceived',
    (p, r) => isOperator(p) || p.role === 'commission_analyst' || (r.stateCode !== null && officerOf(p, r.stateCode)),
  ),
  /** A state's officers send its return to the Commission and read what they sent, with the receipts. */
  sendReturns: policy<{ stateCode: string }>('sendReturns', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** Placement (issue 8): a state's officers keep its receiving places, run the optimiser and decide placements. */
  planPlacement: policy<{ stateCode: string }>('planPlacement', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
  /** Access requests and erasure (GDPR art. 15, 17) are handled by the state that holds the data. */
  handleSubjectRequest: policy<{ stateCode: string }>('handleSubjectRequest', (p, r) => isOperator(p) || officerOf(p, r.stateCode)),
} as const;

export type PolicyName = keyof typeof policies;

/** Refuses (403) unless the policy allows; the refusal names the policy, never the data. */
export function authorize<R>(policy: Policy<R>, p: Principal, resource: R): void {
  if (!policy.allows(p, resource)) throw appError(ErrorCode.Forbidden, 'forbidden', { policy: policy.name, role: p.role });
}
