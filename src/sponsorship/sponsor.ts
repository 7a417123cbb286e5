/**
 * A sponsor's screening (P 15, R 30): the state records its checks of the sponsor and of each
 * member, and moves the sponsor applied → screened → approved → active → suspended | ended. One
 * pure function says whether a move may be made, and why not. (RULES.md §4; P 13–18, R 26–30.)
 */

export const SPONSOR_KINDS = ['individual', 'group', 'non_profit', 'faith_based'] as const;
export type SponsorKind = (typeof SPONSOR_KINDS)[number];

export const SPONSOR_STATUSES = ['applied', 'screened', 'approved', 'active', 'suspended', 'ended'] as const;
export type SponsorStatus = (typeof SPONSOR_STATUSES)[number];

/** The checks of a person acting as (or for) a sponsor: recorded per member. */
export const MEMBER_CHECKS = ['identity', 'criminal_record', 'safeguarding'] as const;
/** The checks of the sponsor as a whole: recorded once for the sponsor. */
export const SPONSOR_CHECKS = ['financial_capacity', 'housing', 'training'] as const;
export const CHECKS = [...MEMBER_CHECKS, ...SPONSOR_CHECKS] as const;
export type Check = (typeof CHECKS)[number];
export const CHECK_RESULTS = ['passed', 'failed'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export const isMemberCheck = (c: Check): boolean => (MEMBER_CHECKS as readonly string[]).includes(c);

export interface CheckRecord {
  check: Check;
  /** The member checked; null for a check of the sponsor as a whole. */
  memberId: number | null;
  result: CheckResult;
  on: string;
}

export type Screening = 'pending' | 'cleared' | 'refused';

/**
 * A member's screening from the checks recorded of it (the latest of each check counts): refused
 * as soon as one failed, cleared when all three passed, pending otherwise.
 */
export function memberScreening(memberId: number, checks: readonly CheckRecord[]): Screening {
  const latest = latestChecks(checks.filter((c) => c.memberId === memberId));
  if (MEMBER_CHECKS.some((c) => latest.get(c) === 'failed')) return 'refused';
  return MEMBER_CHECKS.every((c) => latest.get(c) === 'passed') ? 'cleared' : 'pending';
}

/** The latest result of each check, in the order recorded. */
function latestChecks(checks: readonly CheckRecord[]): Map<Check, CheckResult> {
  const out = new Map<Check, CheckResult>();
  for (const c of checks) out.set(c.check, c.result);
  return out;
}

/** Where a sponsor may go from each status; "ended" from any status but itself. */
const NEXT: Record<SponsorStatus, readonly SponsorStatus[]> = {
  applied: ['screened', 'ended'],
  screened: ['approved', 'ended'],
  approved: ['active', 'ended'],
  active: ['suspended', 'ended'],
  suspended: ['active', 'ended'],
  ended: [],
};

/** Moves that go backwards or end: they need a reason, recorded in the history. */
const NEEDS_REASON: readonly SponsorStatus[] = ['suspended', 'ended'];

export const nextSponsorStatuses = (from: SponsorStatus): readonly SponsorStatus[] => NEXT[from];

export type MoveRefusal =
  | { code: 'sponsorMoveNotAllowed'; params: { from: string; to: string; allowed: string } }
  | { code: 'sponsorReasonRequired'; params: { to: string } }
  | { code: 'sponsorNoMembers'; params: Record<string, never> }
  | { code: 'sponsorMembersPending'; params: { members: string } }
  | { code: 'sponsorMembersNotCleared'; params: { members: string } }
  | { code: 'sponsorChecksMissing'; params: { checks: string } }
  | { code: 'sponsorChecksFailed'; params: { checks: string } };

export interface SponsorFacts {
  status: SponsorStatus;
  members: readonly { id: number; name: string }[];
  checks: readonly CheckRecord[];
}

/**
 * Whether the sponsor may move to `to`: null when it may, else why not. "screened" needs every
 * member's screening recorded (cleared or refused); "approved" every member cleared and the checks
 * of the sponsor as a whole recorded and passed (P 15: the state keeps the security checks).
 */
export function sponsorMoveRefusal(s: SponsorFacts, to: SponsorStatus, reason: string | null): MoveRefusal | null {
  if (!NEXT[s.status].includes(to)) {
    return { code: 'sponsorMoveNotAllowed', params: { from: s.status, to, allowed: NEXT[s.status].join(', ') || '—' } };
  }
  if (NEEDS_REASON.includes(to) && !reason?.trim()) return { code: 'sponsorReasonRequired', params: { to } };
  const screening = s.members.map((m) => ({ ...m, screening: memberScreening(m.id, s.checks) }));
  if (to === 'screened' || to === 'approved') {
    if (s.members.length === 0) return { code: 'sponsorNoMembers', params: {} };
    const pending = screening.filter((m) => m.screening === 'pending');
    if (pending.length > 0) return { code: 'sponsorMembersPending', params: { members: pending.map((m) => m.name).join(', ') } };
  }
  if (to === 'approved') {
    const refused = screening.filter((m) => m.screening !== 'cleared');
    if (refused.length > 0) return { code: 'sponsorMembersNotCleared', params: { members: refused.map((m) => m.name).join(', ') } };
    const latest = latestChecks(s.checks.filter((c) => c.memberId === null));
    const missing = SPONSOR_CHECKS.filter((c) => !latest.has(c));
    if (missing.length > 0) return { code: 'sponsorChecksMissing', params: { checks: missing.join(', ') } };
    const failed = SPONSOR_CHECKS.filter((c) => latest.get(c) === 'failed');
    if (failed.length > 0) return { code: 'sponsorChecksFailed', params: { checks: failed.join(', ') } };
  }
  return null;
}

/** A sponsor may be matched to a household when approved, or already active (it may support several). */
export const canBeMatched = (status: SponsorStatus): boolean => status === 'approved' || status === 'active';
