import { SPONSOR_PHASES, type SponsorPhase } from '../access/fields.ts';
import type { Roles } from './criteria.ts';

/**
 * A sponsorship's rules (P 15): which tasks each phase brings and who holds them, whether a sponsor
 * can take a household (its size, its specific needs), what the safety net takes over when a
 * sponsorship breaks down, and what changed between two versions of a memorandum. Pure.
 */

export const SPONSORSHIP_STATUSES = ['active', 'ended', 'broken_down'] as const;
export type SponsorshipStatus = (typeof SPONSORSHIP_STATUSES)[number];
export type Holder = 'sponsor' | 'state';

/**
 * The tasks of each phase. `shared`: who holds the task where the phase is shared. `state`: the
 * state's whatever the roles say (P 15: the security checks and the admission procedure).
 */
const PHASE_TASKS: Record<SponsorPhase, { task: string; shared: Holder; state?: true }[]> = {
  selection: [
    { task: 'propose_household', shared: 'sponsor' },
    { task: 'security_checks', shared: 'state', state: true },
    { task: 'admission_decision', shared: 'state', state: true },
  ],
  pre_departure: [
    { task: 'share_orientation_pack', shared: 'sponsor' },
    { task: 'pre_departure_contact', shared: 'sponsor' },
    { task: 'travel_documents', shared: 'state' },
  ],
  reception: [
    { task: 'meet_at_arrival', shared: 'sponsor' },
    { task: 'first_weeks_support', shared: 'sponsor' },
  ],
  housing: [
    { task: 'housing_ready_before_arrival', shared: 'sponsor' },
    { task: 'housing_inspection', shared: 'state' },
  ],
  integration: [
    { task: 'register_with_municipality', shared: 'sponsor' },
    { task: 'school_enrolment', shared: 'sponsor' },
    { task: 'language_course', shared: 'state' },
  ],
  finance: [
    { task: 'monthly_support', shared: 'sponsor' },
    { task: 'financial_report', shared: 'sponsor' },
  ],
};

export interface Task {
  phase: SponsorPhase;
  task: string;
  holder: Holder;
}

/**
 * The tasks of a sponsorship: every task of the phases the sponsor holds (its own or shared), each
 * held by the sponsor (its phase is the sponsor's, or shared and the task falls to the sponsor) or
 * by the state. The state's phases bring no task to the sponsorship: the state does them anyway.
 */
export function tasksFor(phases: readonly string[], roles: Roles): Task[] {
  return SPONSOR_PHASES.filter((p) => phases.includes(p)).flatMap((phase) =>
    PHASE_TASKS[phase].map(({ task, shared, state }) => ({
      phase,
      task,
      holder: state || roles[phase] === 'state' ? 'state' : roles[phase] === 'sponsor' ? 'sponsor' : shared,
    })),
  );
}

/** The key of a task the safety net took over from the sponsor (a new row, held by the state). */
export const takenOverTask = (task: string): string => `safety_net:${task}`;
export const isTakenOver = (task: string): boolean => task.startsWith('safety_net:');

export type MatchProblem =
  | { code: 'householdTooLarge'; params: { size: number; max: number } }
  | { code: 'needsNotSupported'; params: { needs: string } };

/**
 * Why a sponsor cannot take a household, as it said when it applied: the household is larger than
 * it can support, or a member has a specific need it did not say it supports. Empty: it can.
 */
export function matchProblems(
  sponsor: { householdSize: number; needsSupported: readonly string[] },
  household: { size: number; needs: readonly string[] },
): MatchProblem[] {
  const out: MatchProblem[] = [];
  if (household.size > sponsor.householdSize)
    out.push({ code: 'householdTooLarge', params: { size: household.size, max: sponsor.householdSize } });
  const unsupported = [...new Set(household.needs)].filter((n) => !sponsor.needsSupported.includes(n)).sort();
  if (unsupported.length > 0) out.push({ code: 'needsNotSupported', params: { needs: unsupported.join(', ') } });
  return out;
}

/**
 * What the safety net takes over when a sponsorship breaks down: the sponsor's open tasks of the
 * phases the state takes over, each a new task held by the state.
 */
export function safetyNetTasks(
  tasks: readonly { phase: string; task: string; holder: string; done: boolean }[],
  phases: readonly string[],
): Task[] {
  return tasks
    .filter((t) => t.holder === 'sponsor' && !t.done && phases.includes(t.phase) && !isTakenOver(t.task))
    .map((t) => ({ phase: t.phase as SponsorPhase, task: takenOverTask(t.task), holder: 'state' as const }));
}

/** The fields of a memorandum that a new version may change. */
export const MEMORANDUM_FIELDS = [
  'title',
  'schemeId',
  'parties',
  'signedOn',
  'validFrom',
  'validTo',
  'places',
  'costsBorne',
  'note',
] as const;
export type MemorandumField = (typeof MEMORANDUM_FIELDS)[number];

/** What changed from one version of a memorandum to the next: each field whose value differs. */
export function memorandumDiff(
  before: Record<MemorandumField, unknown>,
  after: Record<MemorandumField, unknown>,
): { field: MemorandumField; from: unknown; to: unknown }[] {
  return MEMORANDUM_FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null)).map((f) => ({
    field: f,
    from: before[f] ?? null,
    to: after[f] ?? null,
  }));
}
