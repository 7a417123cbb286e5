import { z } from 'zod';
import { isOccupationCode } from '../reference/occupation.ts';
import { isValidIsoDate, type Pathway } from '../rounds/round.ts';

/**
 * Programmes as records (RULES.md §4–§5): what a programme is by kind, the pathway its admissions
 * count under in the returns of point 27, its status machine, and the activation conditions of the
 * EU-Turkey Voluntary Humanitarian Admission Scheme (P 5(a)). Pure: no I/O.
 */

/** Each kind of programme, and the pathway (src/rounds/round.ts PATHWAYS) its admissions count under. */
export const KIND_PATHWAY = {
  /** P 11, P 13: a state's own humanitarian admission programme. */
  national_humanitarian_admission: 'humanitarian_admission',
  /** P 12: family members of beneficiaries of protection, admitted "door middel van programma's voor toelating op humanitaire gronden, zoals regelingen voor sponsoring van gezinnen". */
  family_sponsorship: 'humanitarian_admission',
  /** P 14: community sponsorship "als een traject voor toelating op humanitaire gronden". */
  community_sponsorship: 'community_sponsorship',
  /** R 28: humanitarian corridors are a form of community sponsorship (faith-based sponsors bear the costs). */
  humanitarian_corridor: 'community_sponsorship',
  /** P 5(a): the EU-Turkey Voluntary Humanitarian Admission Scheme. */
  vhas: 'humanitarian_admission',
  /** Regulation (EU) 2024/1350: the Union Plan's emergency admission. */
  emergency_admission: 'emergency_admission',
  /** P 20, R 33: university places, scholarships, language courses, flexible admission. */
  education: 'education',
  /** P 21, R 35: labour-mobility schemes with employers. */
  labour: 'labour',
  /** P 12, R 31: support for family reunification (information, simpler visa procedure). */
  family_reunification_support: 'family_reunification',
} as const satisfies Record<string, Pathway>;

export type ProgrammeKind = keyof typeof KIND_PATHWAY;
export const PROGRAMME_KINDS = Object.keys(KIND_PATHWAY) as [ProgrammeKind, ...ProgrammeKind[]];
export const pathwayOfKind = (kind: ProgrammeKind): Pathway => KIND_PATHWAY[kind];

/** The EU's own programmes (no state): the VHAS and the Union Plan's emergency admission. Every other kind is a state's. */
export const EU_KINDS: readonly ProgrammeKind[] = ['vhas', 'emergency_admission'];

export const PROGRAMME_STATUSES = ['planned', 'active', 'suspended', 'closed'] as const;
export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number];

/** planned → active → suspended ↔ active → closed; a suspended programme may also be closed. Closed is final. */
const MOVES: Record<ProgrammeStatus, readonly ProgrammeStatus[]> = {
  planned: ['active'],
  active: ['suspended', 'closed'],
  suspended: ['active', 'closed'],
  closed: [],
};

/** A condition of activation as recorded: met or not, on which day, on what evidence; where it comes from in the law. */
export interface ActivationCondition {
  id: string;
  label: string;
  met: boolean;
  /** Where the condition is laid down ("Recommendation (EU) 2020/1364, P 5(a)"). */
  source?: string;
  /** The day it was found met; null while unmet. */
  metOn?: string | null;
  /** The day of the last finding, met or not. */
  assessedOn?: string | null;
  /** What the finding rests on (a Council conclusion, a Commission report, …). */
  evidence?: string | null;
}

export type StatusDecision =
  | { ok: true; next: ProgrammeStatus }
  | { ok: false; refusal: 'not_allowed'; allowed: ProgrammeStatus[] }
  | { ok: false; refusal: 'conditions_unmet'; unmet: ActivationCondition[] };

/**
 * Whether a programme may move to `to`. A programme with activation conditions (the VHAS) becomes
 * active only when every condition is met (P 5(a): "gesteld dat aan alle randvoorwaarden daarvoor
 * wordt voldaan en dat de irreguliere overtochten … stoppen of ten minste aanzienlijk en duurzaam
 * in aantal zijn verminderd"); the refusal names the unmet ones.
 */
export function moveStatus(
  p: { status: ProgrammeStatus; activation: readonly ActivationCondition[] },
  to: ProgrammeStatus,
): StatusDecision {
  const allowed = MOVES[p.status];
  if (!allowed.includes(to)) return { ok: false, refusal: 'not_allowed', allowed: [...allowed] };
  if (to === 'active') {
    const unmet = p.activation.filter((c) => !c.met);
    if (unmet.length > 0) return { ok: false, refusal: 'conditions_unmet', unmet };
  }
  return { ok: true, next: to };
}

export const allowedMoves = (status: ProgrammeStatus): readonly ProgrammeStatus[] => MOVES[status];

/** Records a finding on one condition; null when the programme has no condition of that id. */
export function recordFinding(
  conditions: readonly ActivationCondition[],
  id: string,
  finding: { met: boolean; on: string; evidence: string },
): ActivationCondition[] | null {
  if (!conditions.some((c) => c.id === id)) return null;
  return conditions.map((c) =>
    c.id === id
      ? { ...c, met: finding.met, metOn: finding.met ? finding.on : null, assessedOn: finding.on, evidence: finding.evidence }
      : c,
  );
}

// ── The record, validated by kind ─────────────────────────────────────────────────────────────

const isoDate = z.string().refine(isValidIsoDate, { message: 'date' });
const occupation = z.string().refine(isOccupationCode, { message: 'occupation' });
const text = (max: number) => z.string().trim().min(1).max(max);

/** What differs by kind (`details`): the offer of a university, an employer's scheme, a corridor's costs. */
export const DETAILS = {
  education: z
    .object({
      institution: text(200).optional(),
      scholarships: z.number().int().min(0).optional(),
      languageCourses: z.boolean().optional(),
      flexibleAdmission: z.boolean().optional(),
      /** P 20: counselling and help to find work after graduation (Directive (EU) 2016/801, art. 25). */
      graduateSupport: z.boolean().optional(),
    })
    .strict(),
  labour: z
    .object({
      employer: text(200).optional(),
      socialPartners: z.array(text(200)).max(20).optional(),
      /** ESCO occupations (or ISCO-08 codes) the scheme recruits for. */
      occupations: z.array(occupation).max(50).optional(),
    })
    .strict(),
  humanitarian_corridor: z
    .object({ organisations: z.array(text(200)).max(20).optional(), costsBorneBySponsor: z.boolean().optional() })
    .strict(),
  family_reunification_support: z.object({ information: z.boolean().optional(), visaAssistance: z.boolean().optional() }).strict(),
} as const;

const detailsOf = (kind: ProgrammeKind) => (DETAILS as Record<string, z.ZodType>)[kind] ?? z.object({}).strict();

export const CODE = /^[A-Z0-9][A-Z0-9-]{2,63}$/;

const conditionInput = z
  .object({ id: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/), label: text(500), source: text(300).optional() })
  .strict();

/** A new programme as the API and the seed give it. */
export const programmeInput = z
  .object({
    code: z.string().regex(CODE, { message: 'programmeCode' }),
    /** A Member State's programme; absent for the EU's own. */
    state: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .nullable()
      .default(null),
    kind: z.enum(PROGRAMME_KINDS),
    round: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
      .nullable()
      .default(null),
    title: text(300),
    criteria: z.string().max(5000).default(''),
    targetGroups: z.array(text(200)).max(30).default([]),
    places: z.number().int().min(0).max(10_000_000).nullable().default(null),
    startDate: isoDate.nullable().default(null),
    endDate: isoDate.nullable().default(null),
    partner: text(200).nullable().default(null),
    details: z.record(z.string(), z.unknown()).default({}),
    source: text(500).nullable().default(null),
    conditions: z.array(conditionInput).max(10).default([]),
  })
  .strict();
export type ProgrammeInput = z.input<typeof programmeInput>;
export type ValidProgramme = z.output<typeof programmeInput>;

/** The fields of a programme a change may set (its code, state, kind and status do not change this way). */
export const programmeChange = programmeInput
  .pick({
    title: true,
    criteria: true,
    targetGroups: true,
    places: true,
    startDate: true,
    endDate: true,
    partner: true,
    details: true,
    source: true,
    round: true,
  })
  .partial()
  .strict();
export type ProgrammeChange = z.output<typeof programmeChange>;

export type ProgrammeProblem =
  | { code: 'euKind'; kind: string }
  | { code: 'stateKind'; kind: string }
  | { code: 'codePrefix'; prefix: string }
  | { code: 'dates' }
  | { code: 'details'; field: string; reason: string }
  | { code: 'conditionRepeated'; id: string };

/** The rules a programme obeys beyond its shape: whose it may be, its code, its dates, its details by kind. */
export function programmeProblems(
  p: Pick<ValidProgramme, 'code' | 'state' | 'kind' | 'startDate' | 'endDate' | 'details' | 'conditions'>,
): ProgrammeProblem[] {
  const problems: ProgrammeProblem[] = [];
  const eu = EU_KINDS.includes(p.kind);
  if (p.state === null && !eu) problems.push({ code: 'stateKind', kind: p.kind });
  if (p.state !== null && eu) problems.push({ code: 'euKind', kind: p.kind });
  const prefix = `${p.state ?? 'EU'}-`;
  if (!p.code.startsWith(prefix)) problems.push({ code: 'codePrefix', prefix });
  if (p.startDate && p.endDate && p.startDate > p.endDate) problems.push({ code: 'dates' });
  const details = detailsOf(p.kind).safeParse(p.details);
  if (!details.success) {
    for (const issue of details.error.issues)
      problems.push({ code: 'details', field: issue.path.join('.') || '(details)', reason: issue.message });
  }
  const ids = p.conditions.map((c) => c.id);
  for (const id of new Set(ids)) if (ids.indexOf(id) !== ids.lastIndexOf(id)) problems.push({ code: 'conditionRepeated', id });
  return problems;
}

/** The EU-Turkey VHAS's two conditions of activation, in the words of P 5(a). */
export const VHAS_CONDITIONS: ActivationCondition[] = [
  {
    id: 'preconditions_met',
    label:
      'All the preconditions for the activation of the Voluntary Humanitarian Admission Scheme are met ("gesteld dat aan alle randvoorwaarden daarvoor wordt voldaan")',
    met: false,
    source: 'Recommendation (EU) 2020/1364, P 5(a)',
    metOn: null,
  },
  {
    id: 'irregular_crossings_reduced',
    label:
      'Irregular crossings between Turkey and the EU have ended or at least been substantially and sustainably reduced ("de irreguliere overtochten tussen Turkije en de EU stoppen of ten minste aanzienlijk en duurzaam in aantal zijn verminderd")',
    met: false,
    source: 'Recommendation (EU) 2020/1364, P 5(a)',
    metOn: null,
  },
];
