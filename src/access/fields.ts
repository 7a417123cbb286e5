import type { Principal } from './principal.ts';

/**
 * Field-level presentation (data minimisation, GDPR art. 5(1)(c) and 25): which fields of a case
 * and of its members each role sees. A field a role does not see is absent from the response. Pure.
 * (Writes name no case field: a case changes only through its moves, which only its state's officers
 * make, with bodies whose schemas refuse any other key.)
 */
export const CASE_FIELDS = [
  'id',
  'stateCode',
  'caseRef',
  'pathway',
  'roundId',
  'countryOfDeparture',
  'status',
  'heldFrom',
  'statusOn',
  'version',
  'priority',
  'modality',
  'persons',
  'primaryCategory',
  'secondaryCategory',
  'referringPartner',
  'partnerRef',
  'linkedRefs',
] as const;
export const MEMBER_FIELDS = [
  'personRef',
  'citizenship',
  'sex',
  'birthYear',
  'relationship',
  'arrivedOn',
  'roundId',
  'needs',
  'excludedReason',
] as const;
export type CaseField = (typeof CASE_FIELDS)[number];
export type MemberField = (typeof MEMBER_FIELDS)[number];

export interface FieldSet {
  case: readonly CaseField[];
  member: readonly MemberField[];
  /** The history of moves (who, when, why). */
  history: boolean;
}

const NONE: FieldSet = { case: [], member: [], history: false };
const ALL: FieldSet = { case: CASE_FIELDS, member: MEMBER_FIELDS, history: true };

/** The phases of a sponsorship (point 15) and what each needs to know of the household. */
export const SPONSOR_PHASES = ['selection', 'pre_departure', 'reception', 'housing', 'integration', 'finance'] as const;
export type SponsorPhase = (typeof SPONSOR_PHASES)[number];

const SPONSOR_BASE: FieldSet = { case: ['caseRef', 'stateCode', 'status', 'statusOn', 'persons'], member: [], history: false };
const PHASE_FIELDS: Record<SponsorPhase, FieldSet> = {
  selection: {
    case: ['priority', 'primaryCategory', 'secondaryCategory'],
    member: ['personRef', 'relationship', 'sex', 'birthYear'],
    history: false,
  },
  pre_departure: { case: ['countryOfDeparture', 'modality'], member: ['personRef', 'relationship'], history: false },
  reception: { case: [], member: ['personRef', 'relationship', 'sex', 'birthYear', 'needs', 'arrivedOn'], history: false },
  housing: { case: [], member: ['personRef', 'relationship', 'sex', 'birthYear', 'needs'], history: false },
  integration: { case: [], member: ['personRef', 'relationship', 'birthYear', 'needs'], history: false },
  finance: { case: [], member: [], history: false },
};

/** A referral partner follows its referrals: whose they are, where they stand (not who is in them: it reads no person). */
const PARTNER: FieldSet = {
  case: ['stateCode', 'caseRef', 'referringPartner', 'partnerRef', 'roundId', 'status', 'statusOn'],
  member: [],
  history: false,
};

const union = (sets: FieldSet[]): FieldSet => ({
  case: CASE_FIELDS.filter((f) => sets.some((s) => s.case.includes(f))),
  member: MEMBER_FIELDS.filter((f) => sets.some((s) => s.member.includes(f))),
  history: sets.some((s) => s.history),
});

/** The fields a principal sees of a case; `phases` are the sponsor's phases for this household. */
export function caseFieldsFor(p: Principal, phases: readonly string[] = []): FieldSet {
  switch (p.role) {
    case 'operator':
    case 'state_officer':
      return ALL;
    case 'referral_partner':
      return PARTNER;
    case 'sponsor':
      return union([SPONSOR_BASE, ...phases.filter((ph): ph is SponsorPhase => ph in PHASE_FIELDS).map((ph) => PHASE_FIELDS[ph])]);
    default:
      return NONE;
  }
}

const pick = <T extends object>(o: T, keys: readonly string[]): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k))) as Partial<T>;

/** A case as the principal may see it: hidden fields are absent, not null. */
export function presentCase<C extends object & { members?: object[]; history?: unknown[] }>(
  p: Principal,
  c: C,
  phases: readonly string[] = [],
): Partial<C> {
  const fields = caseFieldsFor(p, phases);
  const out = pick(c, fields.case) as Partial<C> & Record<string, unknown>;
  if (c.members && fields.member.length > 0) out.members = c.members.map((m) => pick(m, fields.member));
  if (c.history && fields.history) out.history = c.history;
  return out;
}

/** The fields a response carried, for the audit line (`fields`). */
export function shownFields(fields: FieldSet, withMembers: boolean): string[] {
  return [...fields.case, ...(withMembers ? fields.member.map((f) => `members.${f}`) : []), ...(fields.history ? ['history'] : [])];
}
